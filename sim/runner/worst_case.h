#pragma once
// The red team's best response (docs/output.md, "Worst case"): for each group of sweep
// points that differ only in the searched parameter (each point when the sweep does not
// vary it), the value of one parameter (an attack probability) that minimises a metric
// (safety), found by a grid over [low, high] and a golden-section refinement around the
// grid's minimum. Every evaluation runs the same replications with the same seed and
// common random numbers, so the search is reproducible and compares values on the same
// random draws.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/runner/metric_table.h"

namespace stsim::runner {

struct Plan;
struct RunOptions;
struct Statistic;
class ReplicationModel;

// One search: the arg-min, the bracket the refinement ended with, and every metric there.
struct WorstCaseSearch {
  std::string label;         // the group in words (its other dimensions' values)
  std::uint32_t point = 0;   // the group's first sweep point
  double argmin = 0.0;       // the evaluated value of least estimate
  double bracket_low = 0.0;  // where the refinement ended, widened to hold the arg-min
  double bracket_high = 0.0;
  std::vector<Statistic> at_argmin;  // every metric at the arg-min (metric table order)
  // Every evaluation in the order made: the value and the searched metric's estimate.
  std::vector<double> values;
  std::vector<double> means;
  std::vector<double> standard_errors;
};

struct WorstCaseResult {
  std::string parameter;  // its path
  MetricId metric = MetricId::safety;
  double low = 0.0, high = 0.0;
  bool log_scale = true;
  std::uint32_t grid = 0;
  double tolerance = 0.0;
  std::uint32_t replications = 0;  // per evaluation
  std::uint64_t seed = 0;
  std::vector<WorstCaseSearch> searches;
};

// Runs the search of `plan.base.sweep.worst_case` with the plan's seed and threads; the
// result is complete unless options.stop was set (then `searches` is empty).
WorstCaseResult worst_case_search(const Plan& plan, const RunOptions& options);

// The golden-section iterations that narrow a bracket of `width` to `tolerance` x `range`
// (both on the search scale).
std::uint32_t golden_iterations(double width, double range, double tolerance);

}  // namespace stsim::runner
