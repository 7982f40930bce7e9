// Global sensitivity: the saltelli and morris designs, and the indices computed from a
// run of them, checked on functions whose indices are known exactly.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <numbers>
#include <set>

#include "sim/runner/design.h"
#include "sim/runner/runner.h"
#include "sim/runner/sensitivity.h"
#include "sim/scenario/parameters.h"
#include "sim/scenario/scenario.h"

using namespace stsim;
using runner::SensitivityIndex;

namespace {

constexpr double pi = std::numbers::pi;

// Ishigami and Homma's function, a = 7, b = 0.1, on [-pi, pi]^3; its Sobol' indices are
// known in closed form (Saltelli et al., Global Sensitivity Analysis: The Primer, 2008).
double ishigami(double x1, double x2, double x3) {
  return std::sin(x1) + 7.0 * std::sin(x2) * std::sin(x2) + 0.1 * std::pow(x3, 4) * std::sin(x1);
}
double ishigami_unit(const std::vector<double>& u) {
  return ishigami(-pi + 2.0 * pi * u[0], -pi + 2.0 * pi * u[1], -pi + 2.0 * pi * u[2]);
}

struct Known {
  std::array<double, 3> first, total;
};
Known ishigami_indices() {
  const double a = 7.0, b = 0.1;
  const double pi4 = std::pow(pi, 4), pi8 = std::pow(pi, 8);
  const double v1 = 0.5 * (1.0 + b * pi4 / 5.0) * (1.0 + b * pi4 / 5.0);
  const double v2 = a * a / 8.0;
  const double v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
  const double v = v1 + v2 + v13;
  return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}};
}

const runner::IndexRows& rows_of(const std::vector<runner::IndexRows>& all, SensitivityIndex i) {
  const auto found = std::find_if(all.begin(), all.end(),
                                  [i](const runner::IndexRows& r) { return r.index == i; });
  REQUIRE(found != all.end());
  return *found;
}

// The estimate agrees with the known value: inside its 95% interval and within 4 of its
// bootstrap standard errors, an interval narrower than `width`.
void check_agrees(const runner::IndexEstimate& e, double known, double width) {
  INFO("estimate " << e.value << " +- " << e.standard_error << " [" << e.ci_low << ", " << e.ci_high
                   << "], known " << known);
  CHECK(e.ci_low <= known);
  CHECK(known <= e.ci_high);
  CHECK(std::abs(e.value - known) < 4.0 * e.standard_error);
  CHECK(e.standard_error > 0.0);
  CHECK(e.ci_high - e.ci_low < width);
}

// A test-only model whose harm rate per task is a known function of three parameters of
// the scenario, with a billion tasks, so that rounding to whole harms is far below
// anything the indices could show.
using HarmRateOf = std::function<double(const std::vector<double>&)>;
class FunctionModel final : public runner::ReplicationModel {
 public:
  FunctionModel(const model::ScenarioSpec& spec, HarmRateOf rate)
      : spec_(spec), rate_(std::move(rate)) {
    for (const auto* path : {"model.reliability", "check.detect_error", "check.false_alarm"})
      x_.push_back(std::get<double>(*scenario::get_parameter(spec, path)));
  }
  void run(std::uint64_t, std::uint32_t, std::uint32_t, model::ReplicationMetrics& out) override {
    out = model::ReplicationMetrics{};
    out.near_misses_by_layer.assign(spec_.components.size(), 0);
    out.harms_by_last_layer.assign(spec_.components.size(), 0);
    out.harm_series.assign(spec_.time_bins, 0);
    out.tasks = 1'000'000'000;
    out.benign_tasks = out.tasks;
    out.harms = static_cast<std::uint64_t>(std::llround(rate_(x_) * 1e9));
    out.harm_series[0] = out.harms;
    out.first_harm_observed = true;
    out.events = out.tasks;
  }

 private:
  const model::ScenarioSpec& spec_;
  HarmRateOf rate_;
  std::vector<double> x_;
};

const char* const ishigami_scenario = R"(
[scenario]
horizon = "1d"
replications = 1
time_bins = 1

[users]
kind = "source"
next = "model"

[model]
kind = "ai"
next = "check"

[check]
kind = "safeguard"
next = { pass = "world", block = "stopped" }

[world]
kind = "outcome"

[stopped]
kind = "outcome"
acted = false

[sweep]
design = "saltelli"
points = 512
seed = 3

[[sweep.dimensions]]
path = "model.reliability"
low = 0.0
high = 1.0

[[sweep.dimensions]]
path = "check.detect_error"
low = 0.0
high = 1.0

[[sweep.dimensions]]
path = "check.false_alarm"
low = 0.0
high = 1.0
)";

runner::Plan ishigami_plan(const std::string& design = "saltelli", std::uint32_t points = 512) {
  std::string text = ishigami_scenario;
  text.replace(text.find("\"saltelli\""), 10, "\"" + design + "\"");
  text.replace(text.find("points = 512"), 12, "points = " + std::to_string(points));
  const auto loaded = scenario::load_string(text, "ishigami.toml");
  REQUIRE(loaded.ok());
  return runner::make_plan(*loaded.scenario, {});
}

runner::RunOptions threads(unsigned n) {
  runner::RunOptions options;
  options.threads = n;
  return options;
}

runner::ModelFactory function_factory(HarmRateOf rate) {
  return [rate](const model::ScenarioSpec& spec) -> std::unique_ptr<runner::ReplicationModel> {
    return std::make_unique<FunctionModel>(spec, rate);
  };
}

// Ishigami's function of the three parameters, each read as a point of [0, 1] mapped
// onto [-pi, pi]: harms per task of (f + 11) / 100.
runner::ModelFactory ishigami_factory() {
  return function_factory(
      [](const std::vector<double>& u) { return (ishigami_unit(u) + 11.0) / 100.0; });
}

}  // namespace

TEST_CASE("scrambled Sobol points keep the net's strata and follow their seed", "[sensitivity]") {
  const std::uint32_t n = 256;
  const auto points = runner::scrambled_sobol(n, 4, 5);
  for (std::uint32_t d = 0; d < 4; ++d) {
    // Each of the n intervals of width 1/n holds exactly one point, in every coordinate.
    std::set<std::uint32_t> strata;
    for (const auto& p : points) {
      REQUIRE(p[d] > 0.0);
      REQUIRE(p[d] < 1.0);
      strata.insert(static_cast<std::uint32_t>(p[d] * n));
    }
    CHECK(strata.size() == n);
  }
  CHECK(runner::scrambled_sobol(n, 4, 5) == points);
  CHECK(runner::scrambled_sobol(n, 4, 6) != points);
  // Scrambled, not the plain sequence.
  CHECK(points != runner::sobol(n, 4));
}

TEST_CASE("the saltelli design crosses two matrices one coordinate at a time", "[sensitivity]") {
  const std::uint32_t samples = 8, d = 3;
  const auto points = runner::saltelli(samples, d, 1);
  REQUIRE(points.size() == samples * (d + 2));
  const auto base = runner::scrambled_sobol(samples, 2 * d, 1);
  for (std::uint32_t j = 0; j < samples; ++j) {
    const auto& a = points[j * (d + 2)];
    const auto& b = points[j * (d + 2) + d + 1];
    CHECK(a == std::vector<double>(base[j].begin(), base[j].begin() + d));
    CHECK(b == std::vector<double>(base[j].begin() + d, base[j].end()));
    for (std::uint32_t i = 0; i < d; ++i) {
      auto expected = a;
      expected[i] = b[i];
      CHECK(points[j * (d + 2) + 1 + i] == expected);
    }
  }
}

TEST_CASE("a morris trajectory moves each coordinate once by the step, on the grid",
          "[sensitivity]") {
  const std::uint32_t trajectories = 20, d = 4, levels = 4;
  const auto points = runner::morris(trajectories, d, levels, 9);
  REQUIRE(points.size() == trajectories * (d + 1));
  const double step = levels / (2.0 * (levels - 1));
  std::set<double> seen;
  for (std::uint32_t t = 0; t < trajectories; ++t) {
    std::set<std::uint32_t> moved;
    for (std::uint32_t s = 0; s < d; ++s) {
      const auto& from = points[t * (d + 1) + s];
      const auto& to = points[t * (d + 1) + s + 1];
      for (std::uint32_t i = 0; i < d; ++i) {
        seen.insert(to[i]);
        if (from[i] == to[i]) continue;
        CHECK(std::abs(std::abs(to[i] - from[i]) - step) < 1e-12);
        CHECK(moved.insert(i).second);
      }
    }
    CHECK(moved.size() == d);
  }
  CHECK(seen.size() == levels);  // 0, 1/3, 2/3, 1
  CHECK(runner::morris(trajectories, d, levels, 9) == points);
  CHECK(runner::morris(trajectories, d, levels, 10) != points);
}

TEST_CASE("Sobol' indices of the Ishigami function agree with the known values", "[sensitivity]") {
  const std::uint32_t samples = 4096, d = 3;
  const auto points = runner::saltelli(samples, d, 2);
  std::vector<double> values;
  for (const auto& p : points) values.push_back(ishigami_unit(p));
  const auto indices = runner::sobol_indices(values, d, 2);
  const auto known = ishigami_indices();
  const auto& first = rows_of(indices, SensitivityIndex::first_order).rows;
  const auto& total = rows_of(indices, SensitivityIndex::total).rows;
  for (std::uint32_t i = 0; i < d; ++i) {
    check_agrees(first[i], known.first[i], 0.1);
    check_agrees(total[i], known.total[i], 0.1);
  }
  // The bootstrap is keyed by its seed.
  CHECK(runner::sobol_indices(values, d, 2)[0].rows[0].ci_low == first[0].ci_low);
  CHECK(runner::sobol_indices(values, d, 4)[0].rows[0].ci_low != first[0].ci_low);
}

TEST_CASE("a constant metric has no Sobol' indices", "[sensitivity]") {
  CHECK(runner::sobol_indices(std::vector<double>(40, 0.5), 3, 1).empty());
}

TEST_CASE("Morris effects of a linear function are its slopes over the range, without spread",
          "[sensitivity]") {
  const std::uint32_t trajectories = 10, d = 3;
  const auto points = runner::morris(trajectories, d, 4, 1);
  std::vector<double> values;
  for (const auto& p : points) values.push_back(2.0 * p[0] - 5.0 * p[1] + 0.0 * p[2]);
  const auto effects = runner::morris_effects(values, points, d, 1);
  const auto& mu_star = rows_of(effects, SensitivityIndex::mu_star).rows;
  const auto& mu = rows_of(effects, SensitivityIndex::mu).rows;
  const auto& sigma = rows_of(effects, SensitivityIndex::sigma).rows;
  const std::array<double, 3> slopes = {2.0, -5.0, 0.0};
  for (std::uint32_t i = 0; i < d; ++i) {
    CHECK(mu_star[i].value == Approx(std::abs(slopes[i])).margin(1e-12));
    CHECK(mu[i].value == Approx(slopes[i]).margin(1e-12));
    CHECK(sigma[i].value == Approx(0.0).margin(1e-12));
  }
  // An interaction spreads the effects: x0 x1 moves with the other's value.
  values.clear();
  for (const auto& p : points) values.push_back(p[0] * p[1]);
  const auto mixed = runner::morris_effects(values, points, d, 1);
  CHECK(rows_of(mixed, SensitivityIndex::sigma).rows[0].value > 0.1);
  CHECK(rows_of(mixed, SensitivityIndex::mu_star).rows[2].value == 0.0);
}

TEST_CASE("a saltelli sweep through the runner gives the Ishigami indices, whatever the threads",
          "[sensitivity]") {
  const auto plan = ishigami_plan("saltelli", 2048);
  REQUIRE(plan.design.size() == 2048 * 5);
  const auto one = runner::run_plan(plan, threads(1), ishigami_factory());
  REQUIRE(one.sensitivity);
  const auto& s = *one.sensitivity;
  CHECK(s.samples == 2048);
  CHECK(s.paths ==
        std::vector<std::string>{"model.reliability", "check.detect_error", "check.false_alarm"});
  CHECK(s.labels[0] == "model reliability");
  const auto harm = std::find_if(s.metrics.begin(), s.metrics.end(), [](const auto& t) {
    return t.metric == runner::MetricId::harm_rate;
  });
  REQUIRE(harm != s.metrics.end());
  const auto known = ishigami_indices();
  for (std::uint32_t i = 0; i < 3; ++i) {
    check_agrees(rows_of(harm->indices, SensitivityIndex::first_order).rows[i], known.first[i],
                 0.4);
    check_agrees(rows_of(harm->indices, SensitivityIndex::total).rows[i], known.total[i], 0.4);
  }
  // A metric that does not vary over the design (tasks per replication) has no indices.
  CHECK(std::none_of(s.metrics.begin(), s.metrics.end(), [](const auto& t) {
    return t.metric == runner::MetricId::tasks_per_replication;
  }));
  const auto two = runner::run_plan(plan, threads(2), ishigami_factory());
  REQUIRE(two.sensitivity);
  CHECK(two.sensitivity->metrics.front().indices.front().rows.front().ci_low ==
        s.metrics.front().indices.front().rows.front().ci_low);
}

TEST_CASE("a morris sweep through the runner ranks the Ishigami parameters", "[sensitivity]") {
  const auto plan = ishigami_plan("morris", 50);
  REQUIRE(plan.design.size() == 50 * 4);
  const auto result = runner::run_plan(plan, threads(2), ishigami_factory());
  REQUIRE(result.sensitivity);
  const auto& harm = result.sensitivity->metrics.front();
  REQUIRE(harm.metric == runner::MetricId::harm_rate);
  const auto& mu_star = rows_of(harm.indices, SensitivityIndex::mu_star).rows;
  const auto& sigma = rows_of(harm.indices, SensitivityIndex::sigma).rows;
  // x3 acts only with x1: its effects spread around a mean near zero.
  CHECK(sigma[2].value > mu_star[2].value / 2.0);
  for (const auto& e : mu_star) {
    CHECK(e.ci_low <= e.value);
    CHECK(e.value <= e.ci_high);
  }
}

TEST_CASE("a slice of a sharded saltelli run has no indices, and the merge computes them",
          "[sensitivity]") {
  const auto plan = ishigami_plan("saltelli", 16);
  runner::RunOptions options = threads(1);
  options.shard = {0, 2};
  const auto slice = runner::run_plan(plan, options, ishigami_factory());
  CHECK_FALSE(slice.sensitivity);
  options.shard = {1, 2};
  const auto other = runner::run_plan(plan, options, ishigami_factory());
  const auto merged = runner::merge_shards(plan, {{"a", slice.state}, {"b", other.state}});
  const auto whole = runner::run_plan(plan, threads(1), ishigami_factory());
  REQUIRE(merged.sensitivity);
  REQUIRE(whole.sensitivity);
  CHECK(merged.sensitivity->metrics.front().indices.front().rows.front().value ==
        whole.sensitivity->metrics.front().indices.front().rows.front().value);
}

TEST_CASE("a saltelli sweep over uncertain parameters gives the indices over their distributions",
          "[sensitivity]") {
  // Harm per task X Y + Z, with X ~ beta(10, 2) (9 successes in 10 trials), Y lognormal
  // (median 0.1, error factor 2) and Z triangular(0, 0.02, 0.1), independent. Its Sobol'
  // indices follow from the moments: V = Var(X Y) + Var(Z), S_X = Var(X) E[Y]^2 / V,
  // S_Y = Var(Y) E[X]^2 / V, S_Z = Var(Z) / V, and X's and Y's totals add Var(X) Var(Y) / V.
  // Ishigami's scenario with the parameters' distributions in place of their ranges.
  const std::string components(ishigami_scenario,
                               std::string_view(ishigami_scenario).find("[sweep]"));
  const auto loaded = scenario::load_string(components + R"([sweep]
design = "saltelli"
points = 2048
seed = 5

[[sweep.dimensions]]
path = "model.reliability"
distribution = "beta"
successes = 9
trials = 10

[[sweep.dimensions]]
path = "check.detect_error"
distribution = "lognormal"
median = 0.1
error_factor = 2.0

[[sweep.dimensions]]
path = "check.false_alarm"
distribution = "triangular"
low = 0.0
mode = 0.02
high = 0.1
)",
                                            "uncertain-saltelli.toml");
  REQUIRE(loaded.ok());
  CHECK(loaded.diagnostics.empty());
  const auto plan = runner::make_plan(*loaded.scenario, {});
  const double ex = 10.0 / 12.0, vx = 20.0 / (144.0 * 13.0);
  const double s2 = std::pow(std::log(2.0) / 1.6448536269514722, 2);
  const double ey = 0.1 * std::exp(s2 / 2.0), vy = (std::exp(s2) - 1.0) * ey * ey;
  const double ez = 0.12 / 3.0, vz = (0.02 * 0.02 + 0.1 * 0.1 - 0.02 * 0.1) / 18.0;

  // The base samples (matrix A: every (d + 2)-th point) are samples of the distributions:
  // their means within 4 standard errors of the distributions' own.
  const std::array<double, 3> means = {ex, ey, ez}, variances = {vx, vy, vz};
  for (std::size_t d = 0; d < 3; ++d) {
    double sum = 0.0, n = 0.0;
    for (std::size_t p = 0; p < plan.design.size(); p += 5, n += 1.0)
      sum += plan.design.columns[d].numbers[p];
    INFO("dimension " << d);
    CHECK(std::abs(sum / n - means[d]) < 4.0 * std::sqrt(variances[d] / n));
  }
  const auto result = runner::run_plan(
      plan, threads(2),
      function_factory([](const std::vector<double>& x) { return x[0] * x[1] + x[2]; }));
  REQUIRE(result.sensitivity);
  const auto harm =
      std::find_if(result.sensitivity->metrics.begin(), result.sensitivity->metrics.end(),
                   [](const auto& t) { return t.metric == runner::MetricId::harm_rate; });
  REQUIRE(harm != result.sensitivity->metrics.end());
  const double vxy = vx * ey * ey + vy * ex * ex + vx * vy, v = vxy + vz;
  const std::array<double, 3> first = {vx * ey * ey / v, vy * ex * ex / v, vz / v};
  const std::array<double, 3> total = {(vx * ey * ey + vx * vy) / v, (vy * ex * ex + vx * vy) / v,
                                       vz / v};
  for (std::uint32_t i = 0; i < 3; ++i) {
    INFO("parameter " << i);
    check_agrees(rows_of(harm->indices, SensitivityIndex::first_order).rows[i], first[i], 0.4);
    check_agrees(rows_of(harm->indices, SensitivityIndex::total).rows[i], total[i], 0.4);
  }
}

TEST_CASE("a distribution outside uncertainty and saltelli designs is ignored with a warning",
          "[sensitivity]") {
  const std::string base =
      std::string(ishigami_scenario, std::string_view(ishigami_scenario).find("[sweep]")) +
      "[sweep]\npoints = 8\n";
  const auto sobol = scenario::load_string(base + R"(design = "sobol"

[[sweep.dimensions]]
path = "model.reliability"
low = 0.9
high = 0.99
distribution = "beta"
successes = 9
trials = 10
)",
                                           "sobol.toml");
  REQUIRE(sobol.ok());
  REQUIRE(sobol.diagnostics.size() == 1);
  CHECK(scenario::format(sobol.diagnostics[0]) ==
        "sobol.toml:34:16: warning: 'distribution' and its parameters are only used by "
        "uncertainty and saltelli designs; ignored by a sobol design");
  const auto saltelli = scenario::load_string(base + R"(design = "saltelli"

[[sweep.dimensions]]
path = "model.reliability"
log = true
distribution = "beta"
successes = 9
trials = 10
)",
                                              "saltelli.toml");
  REQUIRE(saltelli.ok());
  REQUIRE(saltelli.diagnostics.size() == 1);
  CHECK(scenario::format(saltelli.diagnostics[0]) ==
        "saltelli.toml:32:7: warning: 'values' and 'log' of sweep dimension 'model.reliability' "
        "are ignored: its distribution says how it is sampled");
}
