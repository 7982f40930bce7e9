#pragma once
// Exact importance measures for a scenario in the analytic subset: the subset's exact
// metric at the scenario and at each counterfactual point (sim/model/importance.h),
// combined by the same formulas the simulation's estimates use.

#include <array>
#include <string>
#include <vector>

#include "sim/model/importance.h"
#include "sim/model/spec.h"

namespace stsim::analytic {

struct ExactImportance {
  std::string id;  // the component
  double base = 0.0;
  std::array<double, model::counterfactual_count> values{};  // Counterfactual order
  model::ImportanceValues measures;
};

// One entry per model::importance_components, for the runner metric `metric`. Throws
// std::invalid_argument when the scenario, or one of its counterfactual points, is
// outside the analytic subset, or when the subset does not determine `metric`.
std::vector<ExactImportance> exact_importance(const model::ScenarioSpec& spec,
                                              const std::string& metric = "harm_rate");

}  // namespace stsim::analytic
