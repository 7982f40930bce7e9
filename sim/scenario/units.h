#pragma once
// Durations and rates as people write them ("90d", "4h", "12/h", "2/y"), in the units the
// model uses: hours and events per hour.

#include <optional>
#include <string>
#include <string_view>

namespace stsim::scenario {

// "<number><unit>" with unit s, m (minutes), h, d, w (7 d) or y (365 d), optionally
// separated by spaces; hours. Nothing for text that is not such a duration (including
// non-finite numbers). A sign is kept, so that a range check can name a negative value.
std::optional<double> parse_duration(std::string_view text);

// "<number>/<unit>" with the units of parse_duration; events per hour.
std::optional<double> parse_rate(std::string_view text);

// A duration in hours as a reader says it: a whole number of the largest unit that
// holds it so, if that is fewer than the next unit up (365 days: "1 year", 14 days: "2
// weeks", 30 days: "30 days", 0.05 h: "3 minutes"), else the largest unit it reaches,
// weeks aside, to 3 significant digits (1.5 h: "1.5 hours", 1000 h: "41.7 days").
std::string duration_words(double hours);

}  // namespace stsim::scenario
