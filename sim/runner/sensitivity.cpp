#include "sim/runner/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "sim/random/stream.h"
#include "sim/runner/runner.h"

namespace stsim::runner {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Estimates from a multiset of samples (base samples or trajectories), per index per
// dimension; NaN where a resample leaves an estimate undefined.
using Estimator = std::function<std::vector<std::vector<double>>(std::span<const std::uint32_t>)>;

// The estimate from every sample, and the bootstrap over samples drawn with replacement
// from a stream keyed by the seed (the same resamples for every metric).
std::vector<IndexRows> bootstrap(const Estimator& estimate, std::uint32_t samples,
                                 std::span<const SensitivityIndex> names, std::uint64_t seed,
                                 std::uint32_t resamples) {
  std::vector<std::uint32_t> all(samples);
  for (std::uint32_t j = 0; j < samples; ++j) all[j] = j;
  const auto full = estimate(all);
  std::vector<std::vector<std::vector<double>>> replicates(
      full.size(), std::vector<std::vector<double>>(full.front().size()));
  random::Stream stream({seed, 0, 0, random::stable_id("bootstrap"), random::Purpose::sampling});
  std::vector<std::uint32_t> drawn(samples);
  for (std::uint32_t b = 0; b < resamples; ++b) {
    for (auto& j : drawn) {
      j = static_cast<std::uint32_t>(stream.uniform01() * static_cast<double>(samples));
      if (j >= samples) j = samples - 1;
    }
    const auto again = estimate(drawn);
    for (std::size_t k = 0; k < again.size(); ++k)
      for (std::size_t d = 0; d < again[k].size(); ++d)
        if (std::isfinite(again[k][d])) replicates[k][d].push_back(again[k][d]);
  }
  std::vector<IndexRows> out;
  for (std::size_t k = 0; k < full.size(); ++k) {
    IndexRows rows{names[k], {}};
    for (std::size_t d = 0; d < full[k].size(); ++d) {
      auto& r = replicates[k][d];
      IndexEstimate e{full[k][d], nan, nan, nan};
      if (r.size() > 1) {
        double mean = 0.0;
        for (double x : r) mean += x;
        mean /= static_cast<double>(r.size());
        double squares = 0.0;
        for (double x : r) squares += (x - mean) * (x - mean);
        e.standard_error = std::sqrt(squares / static_cast<double>(r.size() - 1));
        std::sort(r.begin(), r.end());
        // Percentiles by linear interpolation between order statistics.
        const auto percentile = [&r](double q) {
          const double at = q * static_cast<double>(r.size() - 1);
          const auto below = static_cast<std::size_t>(std::floor(at));
          const auto above = std::min(below + 1, r.size() - 1);
          return r[below] + (at - static_cast<double>(below)) * (r[above] - r[below]);
        };
        e.ci_low = percentile(0.025);
        e.ci_high = percentile(0.975);
      }
      rows.rows.push_back(e);
    }
    out.push_back(std::move(rows));
  }
  return out;
}

std::string dimension_label(const Plan& plan, const DesignColumn& column) {
  // The scenario's own label first; else a component's label names it better than its id.
  if (column.label != dimension_words(column.path)) return column.label;
  const auto dot = column.path.find('.');
  for (const auto& c : plan.specs.front().components) {
    if (c.label.empty() || dot == std::string::npos || column.path.substr(0, dot) != c.id) continue;
    return c.label + " " + dimension_words(column.path.substr(dot + 1));
  }
  return column.label;
}

}  // namespace

std::string_view to_string(SensitivityIndex index) {
  switch (index) {
    case SensitivityIndex::first_order:
      return "first_order";
    case SensitivityIndex::total:
      return "total";
    case SensitivityIndex::mu_star:
      return "mu_star";
    case SensitivityIndex::mu:
      return "mu";
    case SensitivityIndex::sigma:
      return "sigma";
  }
  return "?";
}

std::string_view describe(SensitivityIndex index) {
  switch (index) {
    case SensitivityIndex::first_order:
      return "Sobol' first-order index: the share of the metric's variance over the design "
             "that this parameter explains alone (Saltelli 2010 estimator)";
    case SensitivityIndex::total:
      return "Sobol' total index: the share of the variance this parameter takes part in, "
             "alone or with others (Jansen estimator)";
    case SensitivityIndex::mu_star:
      return "Morris mu*: the mean size of the metric's change when this parameter moves "
             "across its whole range";
    case SensitivityIndex::mu:
      return "Morris mu: the mean signed change (effects of opposite signs cancel)";
    case SensitivityIndex::sigma:
      return "Morris sigma: the spread of the changes; large when the effect depends on the "
             "other parameters or is not linear";
  }
  return "";
}

std::vector<IndexRows> sobol_indices(std::span<const double> values, std::uint32_t dimensions,
                                     std::uint64_t seed, std::uint32_t resamples) {
  const std::size_t stride = dimensions + 2;
  const auto samples = static_cast<std::uint32_t>(values.size() / stride);
  const auto a = [&](std::uint32_t j) { return values[j * stride]; };
  const auto b = [&](std::uint32_t j) { return values[j * stride + dimensions + 1]; };
  const auto ab = [&](std::uint32_t j, std::uint32_t i) { return values[j * stride + 1 + i]; };
  const auto estimate = [&](std::span<const std::uint32_t> drawn) {
    const auto n = static_cast<double>(drawn.size());
    double mean = 0.0;
    for (const auto j : drawn) mean += a(j) + b(j);
    mean /= 2.0 * n;
    double squares = 0.0;
    for (const auto j : drawn) {
      squares += (a(j) - mean) * (a(j) - mean) + (b(j) - mean) * (b(j) - mean);
    }
    const double variance = squares / (2.0 * n - 1.0);
    std::vector<std::vector<double>> out(2, std::vector<double>(dimensions, nan));
    if (!(variance > 0.0)) return out;
    for (std::uint32_t i = 0; i < dimensions; ++i) {
      double first = 0.0, total = 0.0;
      for (const auto j : drawn) {
        first += b(j) * (ab(j, i) - a(j));
        total += (a(j) - ab(j, i)) * (a(j) - ab(j, i));
      }
      out[0][i] = first / n / variance;
      out[1][i] = total / n / (2.0 * variance);
    }
    return out;
  };
  double low = values.empty() ? 0.0 : values.front(), high = low;
  for (double v : values) {
    low = std::min(low, v);
    high = std::max(high, v);
  }
  if (samples < 2 || !(high > low)) return {};
  constexpr std::array names = {SensitivityIndex::first_order, SensitivityIndex::total};
  return bootstrap(estimate, samples, names, seed, resamples);
}

std::vector<IndexRows> morris_effects(std::span<const double> values,
                                      const std::vector<std::vector<double>>& unit,
                                      std::uint32_t dimensions, std::uint64_t seed,
                                      std::uint32_t resamples) {
  const std::size_t stride = dimensions + 1;
  const auto trajectories = static_cast<std::uint32_t>(values.size() / stride);
  // effects[t][i]: trajectory t's elementary effect of dimension i.
  std::vector<std::vector<double>> effects(trajectories, std::vector<double>(dimensions, nan));
  for (std::uint32_t t = 0; t < trajectories; ++t) {
    for (std::size_t s = 0; s < dimensions; ++s) {
      const std::size_t from = t * stride + s, to = from + 1;
      for (std::uint32_t i = 0; i < dimensions; ++i) {
        const double moved = unit[to][i] - unit[from][i];
        if (moved != 0.0) effects[t][i] = (values[to] - values[from]) / moved;
      }
    }
  }
  const auto estimate = [&](std::span<const std::uint32_t> drawn) {
    const auto n = static_cast<double>(drawn.size());
    std::vector<std::vector<double>> out(3, std::vector<double>(dimensions, nan));
    for (std::uint32_t i = 0; i < dimensions; ++i) {
      double sum = 0.0, size = 0.0;
      for (const auto t : drawn) {
        sum += effects[t][i];
        size += std::abs(effects[t][i]);
      }
      const double mean = sum / n;
      double squares = 0.0;
      for (const auto t : drawn) squares += (effects[t][i] - mean) * (effects[t][i] - mean);
      out[0][i] = size / n;
      out[1][i] = mean;
      out[2][i] = std::sqrt(squares / (n - 1.0));
    }
    return out;
  };
  if (trajectories < 2) return {};
  constexpr std::array names = {SensitivityIndex::mu_star, SensitivityIndex::mu,
                                SensitivityIndex::sigma};
  return bootstrap(estimate, trajectories, names, seed, resamples);
}

std::optional<SensitivityResult> sensitivity_indices(const Plan& plan,
                                                     const std::vector<PointResult>& points) {
  const auto design = plan.design.kind;
  if (design != scenario::SweepDesign::saltelli && design != scenario::SweepDesign::morris)
    return std::nullopt;
  for (const auto& p : points)
    if (p.replications == 0) return std::nullopt;
  SensitivityResult out;
  out.design = design;
  const auto dimensions = static_cast<std::uint32_t>(plan.design.columns.size());
  for (const auto& column : plan.design.columns) {
    out.paths.push_back(column.path);
    out.labels.push_back(dimension_label(plan, column));
  }
  const bool sobol = design == scenario::SweepDesign::saltelli;
  out.samples = static_cast<std::uint32_t>(points.size() / (dimensions + (sobol ? 2 : 1)));
  const auto seed = plan.base.sweep.design_seed;
  for (std::size_t k = 0; k < metric_count; ++k) {
    std::vector<double> values;
    for (const auto& p : points) values.push_back(p.metrics[k].mean);
    if (!std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); }))
      continue;
    auto indices = sobol ? sobol_indices(values, dimensions, seed)
                         : morris_effects(values, plan.design.unit, dimensions, seed);
    if (indices.empty()) continue;
    out.metrics.push_back({static_cast<MetricId>(k), std::move(indices)});
  }
  return out;
}

}  // namespace stsim::runner
