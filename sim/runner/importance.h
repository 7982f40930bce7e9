#pragma once
// Importance measures by simulation (docs/sensitivity.md): a run of paired points, the
// scenario as written as the baseline and three counterfactual points per layer (made
// perfect, removed, nudged; sim/model/importance.h), all with common random numbers;
// then the Birnbaum, Fussell-Vesely, RAW and RRW measures with intervals from the
// paired replications.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/model/importance.h"
#include "sim/runner/metric_table.h"

namespace stsim::scenario {
struct Scenario;
}

namespace stsim::runner {

struct Plan;
struct RunOptions;
struct RunResult;

// The metrics importance is reported for: harm, per task, per hour, by severity and by
// the chance of any harm in a replication.
inline constexpr std::array<MetricId, 4> importance_metrics = {
    MetricId::harm_rate, MetricId::harms_per_hour, MetricId::harm_severity_per_task,
    MetricId::first_harm_probability};

// One measure of one component, with its 95% interval.
struct ImportanceEstimate {
  double value = 0.0;
  double standard_error = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
};

struct ImportanceTable {
  MetricId metric = MetricId::harm_rate;
  double base = 0.0;  // the metric at the scenario as written
  // Per measure (model::ImportanceMeasure order), per component.
  std::array<std::vector<ImportanceEstimate>, model::importance_measure_count> measures;
  // Per counterfactual (model::Counterfactual order), per component: the metric there.
  std::array<std::vector<double>, model::counterfactual_count> values;
};

struct ImportanceResult {
  std::vector<std::string> components;  // ids, scenario order
  std::vector<std::string> labels;      // in words
  std::vector<std::string> kinds;
  std::string reference;  // the point of reference, in words ("as written", or a point's label)
  double step = model::importance_step;
  std::uint64_t replications = 0;
  std::vector<ImportanceTable> metrics;  // importance_metrics order
};

// Point 0 (the baseline) is the scenario as written, its sweep set aside, or with
// `at`, point `at` of `sweep` (the plan of the scenario's own sweep); then for each of
// model::importance_components its perfect, removed and nudged points, in that order.
// Always a fixed count of replications: options.replications, else the scenario's.
// Throws InvalidSweep like make_plan, and std::out_of_range for a point not in `sweep`.
Plan importance_plan(const scenario::Scenario& scenario, const RunOptions& options,
                     const Plan* sweep = nullptr, std::uint32_t at = 0);

// The point of `component` (its position among the importance components) under `c`.
inline std::uint32_t importance_point(std::size_t component, model::Counterfactual c) {
  return static_cast<std::uint32_t>(1 + model::counterfactual_count * component +
                                    static_cast<std::size_t>(c));
}

// The measures from a finished run of an importance plan.
ImportanceResult importance_measures(const RunResult& run);

// Fieller's 95% interval for the ratio of two correlated means a / b, from their
// variances and covariance (docs/sensitivity.md); unbounded (-inf, inf) when b is not
// clearly away from zero.
struct RatioInterval {
  double low = 0.0;
  double high = 0.0;
};
RatioInterval fieller_interval(double a, double b, double var_a, double var_b, double cov_ab,
                               double z = 1.959963984540054);

}  // namespace stsim::runner
