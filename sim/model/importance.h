#pragma once
// Importance measures of a scenario's components (docs/sensitivity.md): which
// components they are for, the counterfactual scenarios they compare, and the measures
// from a metric's values at those scenarios. The runner estimates them by simulation
// (sim/runner/importance.h), the analytic subset gives them exactly; both go through here.

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/model/kind.h"
#include "sim/model/spec.h"

namespace stsim::model {

// The step by which a nudged layer's miss probabilities rise. In the analytic subset a
// metric is linear in each miss probability, so the difference over this step is the
// derivative exactly; it is small enough that a dynamic model stays near the scenario.
inline constexpr double importance_step = 0.02;

// The components importance is measured for, as indices in scenario order: every
// protective layer (a component that can stop a hazard) and every component where
// hazards originate (the AI).
std::vector<std::uint32_t> importance_components(const ScenarioSpec& spec);

// `spec` with component `component` (an index) under counterfactual `c`.
ScenarioSpec with_counterfactual(const ScenarioSpec& spec, std::uint32_t component,
                                 Counterfactual c, double step = importance_step);

// "perfect", "removed", "nudged".
std::string_view to_string(Counterfactual c);

// The importance measures of one component for a metric H (a harm rate: larger is
// worse), from H at the scenario as written and at the three counterfactual points.
struct ImportanceValues {
  double birnbaum = 0.0;        // (H(nudged) - H) / step: H's slope in the miss probabilities
  double fussell_vesely = 0.0;  // (H - H(perfect)) / H: the share of H the layer's misses cause
  double raw = 0.0;             // H(removed) / H: how much worse without it
  double rrw = 0.0;             // H / H(perfect): how much better if it were perfect
};
ImportanceValues importance_values(double base, double perfect, double removed, double nudged,
                                   double step = importance_step);

enum class ImportanceMeasure : std::uint8_t { birnbaum, fussell_vesely, raw, rrw };
inline constexpr std::size_t importance_measure_count = 4;
std::string_view to_string(ImportanceMeasure m);  // "birnbaum", "fussell_vesely", "raw", "rrw"
double value_of(const ImportanceValues& values, ImportanceMeasure m);

}  // namespace stsim::model
