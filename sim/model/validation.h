#pragma once
// What a spec must satisfy to be run. The scenario loader reports every fault of a file
// with its position; a spec built in code meets the same rules here, in the same words
// (the parameter rules of keys.h, each kind's validate(), and the references below).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/spec.h"

namespace stsim::model {

// Throws std::invalid_argument with the first fault, prefixed "file:line:col: " when the
// component has a position: parameters out of range, ids missing or twice, edges by
// ports the kind lacks, to unknown components or into a source, no edge from a main port,
// a loop, references to unknown components or contexts, no context, no source.
void validate(const ScenarioSpec& spec);

// What is wrong with the edge `path` (id.next.port) leading to component `id`, or
// nothing: "'x.next.pass' refers to 'y', which is not a component" (the loader adds a
// suggestion), "..., which is a source; tasks cannot be sent to a source".
std::optional<std::string> edge_fault(const ScenarioSpec& spec, std::string_view path,
                                      std::string_view id);
// What is wrong with `self`'s reference `path` (coupling.with) to the component `id`:
// unknown, itself, or one that cannot fail.
std::optional<std::string> reference_fault(const ScenarioSpec& spec, const ComponentSpec& self,
                                           std::string_view path, std::string_view id);

// The faults of `c`'s bounded edges (EdgeBound): a bound with no edge beside it, a bound
// above max_returns, a fallback with no bound, or to an unknown component or a source.
void bound_faults(const ScenarioSpec& spec, const ComponentSpec& c,
                  std::vector<std::string>& faults);

// "a source", "an outcome".
std::string with_article(std::string_view noun);

}  // namespace stsim::model
