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

// The file a command reads for `file`: `file` itself, or when there is no such file and
// it names no folder, the shipped scenario of that name installed beside the program
// (<prefix>/share/stsim/scenarios/NAME or NAME.toml), so that `stsim run misuse` works
// from any directory.
std::string scenario_path(const std::string& file);

// What a command does with the scenario's sweep: runs it, so that a --set of a swept
// path has no effect (a warning says so), or draws the scenario as set (graph).
enum class SweepUse : bool { runs, ignored };

// Parses the --set assignments, then loads `file` (see scenario_path) with every check
// (structure::load_checked). Prints every fault and warning to stderr; no scenario when
// there was an error.
std::optional<scenario::Scenario> load_scenario(const std::string& file,
                                                const std::vector<std::string>& sets,
                                                SweepUse sweep = SweepUse::runs);
// The same, collecting the messages instead of printing them.
std::optional<scenario::Scenario> load_scenario(const std::string& file,
                                                const std::vector<std::string>& sets,
                                                std::vector<std::string>& messages,
                                                SweepUse sweep = SweepUse::runs);

}  // namespace stsim::cli
