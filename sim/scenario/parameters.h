#pragma once
// Reading and writing single parameters of a ScenarioSpec by dotted path: the one place
// that knows every key, its type and its valid range. The loader, sweep points and
// --set overrides all go through apply_assignment, so a value is validated the same
// way wherever it comes from.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/spec.h"
#include "sim/scenario/scenario.h"

namespace stsim::scenario {

// Sets `assignment.path` in `spec`; on a fault, appends an error at `where` and leaves
// the spec unchanged. Returns whether the value was set. Checks that need the whole
// scenario (at least one source and one outcome, ports after a change of kind) are made
// by check_spec.
bool apply_assignment(model::ScenarioSpec& spec, const Assignment& assignment,
                      const model::SourceLocation& where, std::vector<Diagnostic>& diagnostics);

// Faults that only the whole spec shows, reported at the component or edge concerned
// (or at the start of `file`).
void check_spec(const model::ScenarioSpec& spec, const std::string& file,
                std::vector<Diagnostic>& diagnostics);

// The value at `path` as an assignment would give it (durations in hours, rates per
// hour, the profile as a TOML array in a string); nothing if the path names no
// parameter of this spec.
std::optional<ParameterValue> get_parameter(const model::ScenarioSpec& spec, std::string_view path);

// Every parameter of this spec with its value, in file order: what a result file needs
// to record the resolved scenario, and what a sweep may name.
std::vector<Assignment> resolved_parameters(const model::ScenarioSpec& spec);

}  // namespace stsim::scenario
