#pragma once
// Checks of numeric options whose messages say what the option means and what was
// given ("--threads: expected the number of worker threads, a whole number of 1 or
// more; got 0"), rather than CLI11's range of doubles.

#include <CLI/CLI.hpp>
#include <string>

namespace stsim::cli {

// A whole number >= 1; `meaning` names what it counts ("the number of worker threads").
CLI::Validator whole_number_from_1(const std::string& meaning);
// A finite number > 0 ("a relative error, 0.05 for 5%").
CLI::Validator number_above_0(const std::string& meaning);
// A finite number >= 0.
CLI::Validator number_from_0(const std::string& meaning);

}  // namespace stsim::cli
