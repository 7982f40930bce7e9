#pragma once
// Global sensitivity indices of a saltelli or morris sweep (docs/sensitivity.md), from
// the estimate of each metric at each sweep point: Sobol' first-order and total indices,
// or Morris's elementary effects, each with a bootstrap interval over the design's base
// samples (or trajectories), reproducible from the sweep's seed.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/runner/metric_table.h"
#include "sim/scenario/scenario.h"

namespace stsim::runner {

struct Plan;
struct PointResult;

enum class SensitivityIndex : std::uint8_t { first_order, total, mu_star, mu, sigma };
std::string_view to_string(SensitivityIndex index);
std::string_view describe(SensitivityIndex index);

// Resamples behind every interval: enough for the 2.5% and 97.5% percentiles to be
// steady to about a tenth of their width.
inline constexpr std::uint32_t bootstrap_resamples = 1000;

// One index of one dimension, with the bootstrap's standard error and 95% percentile
// interval.
struct IndexEstimate {
  double value = 0.0;
  double standard_error = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
};

// Per index, one row per dimension.
struct IndexRows {
  SensitivityIndex index = SensitivityIndex::first_order;
  std::vector<IndexEstimate> rows;
};

// `values` in the point order of runner::saltelli (per sample: A, AB_1..AB_d, B).
// First order: Saltelli (2010), mean(f_B (f_AB_i - f_A)) / V; total: Jansen (1999),
// mean((f_A - f_AB_i)^2) / (2 V); V the variance of every f_A and f_B. Empty when V is 0.
std::vector<IndexRows> sobol_indices(std::span<const double> values, std::uint32_t dimensions,
                                     std::uint64_t seed,
                                     std::uint32_t resamples = bootstrap_resamples);

// `values` and `unit` in the point order of runner::morris (per trajectory, d + 1
// points); an effect is the change of the value over the change of the one coordinate
// that moved, in the unit cube: the change over the whole range of the parameter.
// mu* is the mean of the effects' sizes, mu their mean, sigma their standard deviation.
std::vector<IndexRows> morris_effects(std::span<const double> values,
                                      const std::vector<std::vector<double>>& unit,
                                      std::uint32_t dimensions, std::uint64_t seed,
                                      std::uint32_t resamples = bootstrap_resamples);

struct SensitivityTable {
  MetricId metric = MetricId::harm_rate;
  std::vector<IndexRows> indices;
};

struct SensitivityResult {
  scenario::SweepDesign design = scenario::SweepDesign::saltelli;
  std::vector<std::string> paths;   // the dimensions, as in the sweep
  std::vector<std::string> labels;  // in words
  std::uint32_t samples = 0;        // base samples (saltelli) or trajectories (morris)
  std::uint32_t resamples = bootstrap_resamples;
  // Every metric that is defined at every point (and, for Sobol' indices, varies).
  std::vector<SensitivityTable> metrics;
};

// The indices of a saltelli or morris plan's points; nothing for another design, or
// while a point has no replications (a slice of a sharded run: the merge computes them).
std::optional<SensitivityResult> sensitivity_indices(const Plan& plan,
                                                     const std::vector<PointResult>& points);

}  // namespace stsim::runner
