#pragma once
// A two-level Monte Carlo (an uncertainty sweep, docs/sensitivity.md): the outer sample of
// uncertain parameters is the sweep's points, each estimated from its own replications.
// Per metric, the distribution of the point estimates over the outer sample, and how
// much of its spread is the parameters' and how much the inner Monte Carlo error.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sim/runner/metric_table.h"

namespace stsim::runner {

struct Plan;
struct PointResult;

enum class UncertaintySummary : std::uint8_t { mean, median, q05, q95 };
inline constexpr std::size_t uncertainty_summary_count = 4;
std::string_view to_string(UncertaintySummary summary);

// One summary of the outer distribution with a 95% interval: Student's t for the mean,
// distribution-free order statistics for the quantiles (standard error NaN).
struct SummaryEstimate {
  double value = 0.0;
  double standard_error = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
};

struct UncertaintyTable {
  MetricId metric = MetricId::harm_rate;
  std::array<SummaryEstimate, uncertainty_summary_count> summaries;
  double outer_sd = 0.0;      // of the point estimates over the outer sample
  double inner_stderr = 0.0;  // root mean square of the points' own standard errors
  // sqrt(max(0, outer_sd^2 - inner_stderr^2)): the spread the parameters cause, by the
  // law of total variance.
  double parameter_sd = 0.0;
};

struct UncertaintyResult {
  std::uint32_t samples = 0;
  std::vector<UncertaintyTable> metrics;  // those defined at every point
};

// The p-quantile of `values` by linear interpolation between order statistics (as
// numpy's default), and a distribution-free 95% interval from the order statistics.
SummaryEstimate quantile(std::span<const double> values, double p);

// The summaries of an uncertainty plan's points; nothing for another design or while a
// point has no replications (a slice of a sharded run).
std::optional<UncertaintyResult> uncertainty_summaries(const Plan& plan,
                                                       const std::vector<PointResult>& points);

}  // namespace stsim::runner
