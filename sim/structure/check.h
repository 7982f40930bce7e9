#pragma once
// Checks of the control structure that need the whole graph (loops, dead ends,
// unreachable components), run after the scenario loader's own checks so that a user
// sees every fault in one pass.

#include <cstddef>
#include <string>
#include <vector>

#include "sim/model/spec.h"
#include "sim/scenario/scenario.h"

namespace stsim::structure {

// Graph faults of a spec whose references all resolve: edges that let a task loop
// forever (the cycle printed as a path), sources with no path to an outcome (errors),
// components no task can reach (warnings).
std::vector<scenario::Diagnostic> check(const model::ScenarioSpec& spec);

// check() for a scenario whose sweep switches edges (grid or zip dimensions on
// "<id>.next.<port>" whose values are component ids): every design of edges in the sweep
// is checked too, its errors located at the first such dimension and naming the design
// ("in the sweep design with model.next.pass = review: ..."), and a component is
// unreachable only if no design reaches it. At most max_edge_designs designs are checked
// (a warning says so when there are more).
inline constexpr std::size_t max_edge_designs = 100000;
std::vector<scenario::Diagnostic> check(const model::ScenarioSpec& spec,
                                        const scenario::SweepSpec& sweep);

// scenario::load_file followed by check(spec, sweep): the one entry point for commands that read
// scenario files. Fails (no scenario) if either reports an error.
scenario::LoadResult load_checked(const std::string& path,
                                  const std::vector<scenario::Assignment>& overrides = {});

// scenario::with_assignments followed by check(), for one sweep point.
scenario::LoadResult with_assignments_checked(const scenario::Scenario& base,
                                              const std::vector<scenario::Assignment>& assignments);

}  // namespace stsim::structure
