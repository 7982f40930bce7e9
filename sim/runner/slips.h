#pragma once
// Values that are valid but are likely slips of units, found before a run: a horizon
// under an hour ("3m" is three minutes, not months), a target relative error above 1
// (5 meant as 5%), and a source profile whose multipliers do not average to 1 (then
// the rate is not the mean rate). Each is a warning at the value concerned; the run
// goes on as written.

#include <vector>

#include "sim/runner/runner.h"
#include "sim/scenario/scenario.h"

namespace stsim::runner {

std::vector<scenario::Diagnostic> likely_slips(const Plan& plan, const RunOptions& options);

}  // namespace stsim::runner
