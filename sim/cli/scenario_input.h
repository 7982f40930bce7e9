#pragma once
// How every command reads the scenario file it is given, so that the same faults get the
// same messages whichever command meets them.

#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace stsim::cli {

// "" if `path` can be read as a file; otherwise why not, e.g. "No such file or directory".
// Checked before loading so that a missing path gets one clear line instead of the
// loader's view of an empty file.
std::string why_unreadable(const std::string& path);

// Parses the --set assignments, then loads `file` with every check (structure::load_checked).
// Prints every fault and warning to stderr; no scenario when there was an error.
std::optional<scenario::Scenario> load_scenario(const std::string& file,
                                                const std::vector<std::string>& sets);
// The same, collecting the messages instead of printing them.
std::optional<scenario::Scenario> load_scenario(const std::string& file,
                                                const std::vector<std::string>& sets,
                                                std::vector<std::string>& messages);

}  // namespace stsim::cli
