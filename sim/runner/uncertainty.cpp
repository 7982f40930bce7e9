#include "sim/runner/uncertainty.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/runner/runner.h"
#include "sim/stats/intervals.h"

namespace stsim::runner {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double z95 = 1.959963984540054;
}  // namespace

std::string_view to_string(UncertaintySummary summary) {
  switch (summary) {
    case UncertaintySummary::mean:
      return "mean";
    case UncertaintySummary::median:
      return "median";
    case UncertaintySummary::q05:
      return "q05";
    case UncertaintySummary::q95:
      return "q95";
  }
  return "?";
}

SummaryEstimate quantile(std::span<const double> values, double p) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const auto n = sorted.size();
  const auto at = [&](double rank) {
    const double clamped = std::clamp(rank, 0.0, static_cast<double>(n - 1));
    const auto below = static_cast<std::size_t>(std::floor(clamped));
    const auto above = std::min(below + 1, n - 1);
    return sorted[below] + (clamped - static_cast<double>(below)) * (sorted[above] - sorted[below]);
  };
  SummaryEstimate e{at(p * static_cast<double>(n - 1)), nan, nan, nan};
  // The number of values below the p-quantile is binomial(n, p): the order statistics at
  // its 2.5% and 97.5% points (normal approximation) bracket the quantile.
  const double count = static_cast<double>(n) * p;
  const double spread = z95 * std::sqrt(static_cast<double>(n) * p * (1.0 - p));
  e.ci_low = sorted[static_cast<std::size_t>(
      std::clamp(std::floor(count - spread) - 1.0, 0.0, static_cast<double>(n - 1)))];
  e.ci_high = sorted[static_cast<std::size_t>(
      std::clamp(std::ceil(count + spread), 0.0, static_cast<double>(n - 1)))];
  return e;
}

std::optional<UncertaintyResult> uncertainty_summaries(const Plan& plan,
                                                       const std::vector<PointResult>& points) {
  if (plan.design.kind != scenario::SweepDesign::uncertainty || points.size() < 2)
    return std::nullopt;
  for (const auto& p : points)
    if (p.replications == 0) return std::nullopt;
  UncertaintyResult out;
  out.samples = static_cast<std::uint32_t>(points.size());
  const auto n = static_cast<double>(points.size());
  for (std::size_t k = 0; k < metric_count; ++k) {
    std::vector<double> values;
    double inner = 0.0;
    bool defined = true;
    for (const auto& p : points) {
      const auto& s = p.metrics[k];
      defined = defined && std::isfinite(s.mean);
      values.push_back(s.mean);
      // A point of one replication has no standard error: no inner error is known.
      inner += std::isfinite(s.standard_error) ? s.standard_error * s.standard_error : nan;
    }
    if (!defined) continue;
    UncertaintyTable table;
    table.metric = static_cast<MetricId>(k);
    double mean = 0.0;
    for (double v : values) mean += v;
    mean /= n;
    double squares = 0.0;
    for (double v : values) squares += (v - mean) * (v - mean);
    table.outer_sd = std::sqrt(squares / (n - 1.0));
    table.inner_stderr = std::sqrt(inner / n);
    table.parameter_sd = std::sqrt(std::max(0.0, table.outer_sd * table.outer_sd - inner / n));
    const double se = table.outer_sd / std::sqrt(n);
    const auto t = stats::student_t(mean, se, points.size());
    table.summaries[0] = {mean, se, t.low, t.high};
    table.summaries[1] = quantile(values, 0.5);
    table.summaries[2] = quantile(values, 0.05);
    table.summaries[3] = quantile(values, 0.95);
    out.metrics.push_back(table);
  }
  return out;
}

}  // namespace stsim::runner
