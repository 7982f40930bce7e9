#pragma once
// "Did you mean ...?" for misspelt keys, ids and values.

#include <string>
#include <string_view>
#include <vector>

namespace stsim::scenario {

// The candidate closest to `word` (case-insensitive optimal string alignment distance,
// so a swap of two neighbouring letters counts once), if it is close enough to be a
// plausible misspelling; "" otherwise.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace stsim::scenario
