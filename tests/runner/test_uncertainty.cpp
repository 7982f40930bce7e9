// Uncertain (epistemic) parameters: an uncertainty sweep is a two-level Monte Carlo, and
// its summaries over the outer sample are checked against a case known in closed form.

#include <boost/math/distributions/beta.hpp>
#include <catch2/catch.hpp>
#include <cmath>

#include "sim/runner/runner.h"
#include "sim/scenario/scenario.h"
#include "tests/runner/fake_model.h"

using namespace stsim;

namespace {

// A bare model whose reliability is known from 990 successes in 1,000 trials.
const char* const beta_reliability = R"(
[scenario]
horizon = "1d"
replications = 10
time_bins = 1

[users]
kind = "source"
next = "model"

[model]
kind = "ai"
next = "world"

[world]
kind = "outcome"

[sweep]
design = "uncertainty"
points = 400
seed = 5

[[sweep.dimensions]]
path = "model.reliability"
distribution = "beta"
successes = 990
trials = 1000
)";

runner::Plan plan_of(const std::string& text) {
  const auto loaded = scenario::load_string(text, "uncertain.toml");
  for (const auto& d : loaded.diagnostics) UNSCOPED_INFO(scenario::format(d));
  REQUIRE(loaded.ok());
  return runner::make_plan(*loaded.scenario, {});
}

}  // namespace

TEST_CASE("a beta reliability from k of n gives the closed-form quantiles of the harm rate",
          "[uncertainty][statistical]") {
  // The fake model harms each task with probability 1 - reliability, so the harm rate is
  // 1 - R with R ~ beta(k + 1, n - k + 1): harm ~ beta(n - k + 1, k + 1) = beta(11, 991).
  const auto plan = plan_of(beta_reliability);
  REQUIRE(plan.design.size() == 400);
  runner::RunOptions options;
  options.threads = 2;
  const std::uint32_t tasks = 20'000;
  const auto result = runner::run_plan(plan, options, test::fake_factory(tasks));
  REQUIRE(result.uncertainty);
  const auto& u = *result.uncertainty;
  CHECK(u.samples == 400);
  const auto& harm = u.metrics.front();
  REQUIRE(harm.metric == runner::MetricId::harm_rate);

  const boost::math::beta_distribution<double> exact(11.0, 991.0);
  const double n = 400.0;  // outer samples
  // The inner Monte Carlo error of one point: binomial over 10 x 20,000 tasks, averaged
  // over the outer sample (E h(1 - h)); each point's variance estimate has 9 degrees of
  // freedom, so their mean over 400 points has a relative error of sqrt(2 / 9 / 400).
  const double h = boost::math::mean(exact), h2 = boost::math::variance(exact) + h * h;
  const double inner = std::sqrt((h - h2) / (10.0 * tasks));
  const double ratio = harm.inner_stderr * harm.inner_stderr / (inner * inner);
  CHECK(std::abs(ratio - 1.0) < 4.0 * std::sqrt(2.0 / 9.0 / n));

  const auto& mean = harm.summaries[static_cast<std::size_t>(runner::UncertaintySummary::mean)];
  CHECK(std::abs(mean.value - boost::math::mean(exact)) < 4.0 * mean.standard_error);
  CHECK(mean.ci_low < boost::math::mean(exact));
  CHECK(boost::math::mean(exact) < mean.ci_high);

  // A sample quantile's standard error: sqrt(p (1 - p) / n) / density at the quantile,
  // with the inner error added (it blurs each point by that much).
  for (const auto& [summary, p] : {std::pair{runner::UncertaintySummary::q05, 0.05},
                                   std::pair{runner::UncertaintySummary::median, 0.5},
                                   std::pair{runner::UncertaintySummary::q95, 0.95}}) {
    const double truth = boost::math::quantile(exact, p);
    const double se_q = std::sqrt(p * (1.0 - p) / n) / boost::math::pdf(exact, truth);
    const double se = std::sqrt(se_q * se_q + inner * inner);
    const auto& e = harm.summaries[static_cast<std::size_t>(summary)];
    INFO("p " << p << ": " << e.value << " [" << e.ci_low << ", " << e.ci_high << "], exact "
              << truth << ", se " << se);
    CHECK(std::abs(e.value - truth) < 4.0 * se);
    CHECK(e.ci_low <= truth);
    CHECK(truth <= e.ci_high);
  }
  // The parameters' share of the spread is the beta's own standard deviation; the
  // sample standard deviation's error is about sd / sqrt(2 n).
  const double sd = boost::math::standard_deviation(exact);
  CHECK(std::abs(harm.parameter_sd - sd) < 4.0 * sd / std::sqrt(2.0 * n));
  CHECK(harm.outer_sd > harm.parameter_sd);
}

TEST_CASE("the outer sample is keyed by the seed, the sample and the parameter", "[uncertainty]") {
  const auto plan = plan_of(beta_reliability);
  const auto& drawn = plan.design.columns.at(0).numbers;
  CHECK(plan_of(beta_reliability).design.columns.at(0).numbers == drawn);
  std::string reseeded = beta_reliability;
  reseeded.replace(reseeded.find("seed = 5"), 8, "seed = 6");
  CHECK(plan_of(reseeded).design.columns.at(0).numbers != drawn);
  // Another uncertain parameter leaves the first one's draws as they were.
  const std::string more = std::string(beta_reliability) +
                           "\n[[sweep.dimensions]]\npath = \"users.rate\"\ndistribution = "
                           "\"triangular\"\nlow = \"10/h\"\nmode = 20\nhigh = \"40/h\"\n";
  const auto both = plan_of(more);
  CHECK(both.design.columns.at(0).numbers == drawn);
  for (const double rate : both.design.columns.at(1).numbers) {
    CHECK(rate >= 10.0);
    CHECK(rate <= 40.0);
  }
}

TEST_CASE("lognormal and uniform parameters are drawn within their distributions",
          "[uncertainty]") {
  const std::string text = std::string(beta_reliability) +
                           "\n[[sweep.dimensions]]\npath = \"users.rate\"\ndistribution = "
                           "\"lognormal\"\nmedian = 20\nerror_factor = 3\n"
                           "\n[[sweep.dimensions]]\npath = \"scenario.horizon\"\ndistribution = "
                           "\"uniform\"\nlow = \"1d\"\nhigh = \"2d\"\n";
  const auto loaded = scenario::load_string(text, "uncertain.toml");
  REQUIRE(loaded.ok());
  const auto design = runner::make_design(loaded.scenario->sweep);
  const auto& rates = design.columns.at(1).numbers;
  // The error factor 3 is the 95th percentile over the median: 5% of draws above 60.
  std::size_t above = 0, below_median = 0;
  for (const double r : rates) {
    above += r > 60.0;
    below_median += r < 20.0;
  }
  const double n = static_cast<double>(rates.size());
  CHECK(std::abs(static_cast<double>(above) - 0.05 * n) < 4.0 * std::sqrt(0.05 * 0.95 * n));
  CHECK(std::abs(static_cast<double>(below_median) - 0.5 * n) < 4.0 * std::sqrt(0.25 * n));
  for (const double h : design.columns.at(2).numbers) {
    CHECK(h >= 24.0);
    CHECK(h <= 48.0);
  }
}
