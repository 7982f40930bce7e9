#pragma once
// A parameter schedule (ScenarioSpec::schedule) as changes of a spec: which parameter a
// change's path names, whether it may change during a replication, and the spec after
// it. The Simulation builds the components' states at each time of change from these
// specs and hands them to the kinds' retune() (docs/model.md, Change over time).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "sim/model/spec.h"

namespace stsim::model {

// What a change alters: a component's parameters (its state is retuned), its coverage
// only, or a context.
struct ChangeTarget {
  std::uint32_t component = UINT32_MAX;  // UINT32_MAX: a context
  bool state = true;                     // false: only the component's coverage changes
};

// Applies `change` to `spec`, or says why it cannot be, in the loader's words
// ("schedule: 'model.refusal' names no numeric parameter ...").
std::variant<ChangeTarget, std::string> apply_change(ScenarioSpec& spec,
                                                     const ScheduledChange& change);

}  // namespace stsim::model
