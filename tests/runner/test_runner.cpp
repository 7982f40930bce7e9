#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>

#include "compare.h"
#include "fake_model.h"
#include "sim/runner/runner.h"
#include "sim/stats/intervals.h"

using namespace stsim;
using runner::MetricId;

namespace {

constexpr std::uint32_t tasks = 200;

runner::RunOptions with_threads(unsigned threads) {
  runner::RunOptions options;
  options.threads = threads;
  return options;
}

const runner::Statistic& metric(const runner::PointResult& p, MetricId id) {
  return p.metrics[static_cast<std::size_t>(id)];
}

}  // namespace

TEST_CASE("a fixed count runs every replication and pools counts exactly", "[runner]") {
  const auto plan = test::reliability_plan({0.9, 0.99});
  const auto result = runner::run_plan(plan, with_threads(2), test::fake_factory(tasks));
  REQUIRE(result.complete);
  REQUIRE(result.points.size() == 2);
  for (const auto& p : result.points) {
    const auto& harm = metric(p, MetricId::harm_rate);
    CHECK(p.replications == 40);
    CHECK(harm.n == 40);
    CHECK(harm.exposure == 40.0 * tasks);
    CHECK(harm.mean == static_cast<double>(harm.count) / harm.exposure);
    CHECK(harm.ci_low <= harm.mean);
    CHECK(harm.ci_high >= harm.mean);
    // Every harm in the fake is a model error, so the two rates coincide.
    CHECK(metric(p, MetricId::model_error_rate).count == harm.count);
    CHECK(metric(p, MetricId::tasks_per_replication).mean == tasks);
    CHECK(p.harms_by_origin[0] == harm.count);
    std::uint64_t first = p.first_harm_censored;
    for (auto c : p.first_harm_counts) first += c;
    CHECK(first == 40);
  }
  CHECK(result.bin_edges_hours == std::vector<double>{0, 25, 50, 75, 100});
  CHECK(result.components == std::vector<std::string>{"users", "model", "world"});
}

TEST_CASE("zero events give the zero-event upper bound and no operator metrics", "[runner]") {
  const auto plan = test::reliability_plan({1.0});
  const auto result = runner::run_plan(plan, with_threads(1), test::fake_factory(tasks));
  const auto& harm = metric(result.points[0], MetricId::harm_rate);
  CHECK(harm.count == 0);
  CHECK(harm.mean == 0.0);
  CHECK(harm.ci_low == 0.0);
  CHECK(harm.upper_bound == Approx(1.0 - std::pow(0.05, 1.0 / (40.0 * tasks))));
  const auto& per_hour = metric(result.points[0], MetricId::harms_per_hour);
  CHECK(per_hour.upper_bound == Approx(-std::log(0.05) / (40.0 * 100.0)));
  CHECK(metric(result.points[0], MetricId::operator_utilisation).n == 0);
  CHECK(std::isnan(metric(result.points[0], MetricId::operator_utilisation).mean));
  CHECK(std::isnan(metric(result.points[0], MetricId::harm_rate).upper_bound) == false);
}

TEST_CASE("results are bit-identical for 1 and 2 threads", "[runner]") {
  auto plan = test::reliability_plan({0.95, 0.9, 0.8, 0.99}, 0.9);
  plan.replications.max_replications = 61;  // a partial last block too
  plan.replications.min_replications = 61;
  const auto one = runner::run_plan(plan, with_threads(1), test::fake_factory(tasks));
  const auto two = runner::run_plan(plan, with_threads(2), test::fake_factory(tasks));
  const auto three = runner::run_plan(plan, with_threads(3), test::fake_factory(tasks));
  CHECK(one.points[0].replications == 61);
  test::require_identical(one, two);
  test::require_identical(one, three);
}

TEST_CASE("the precision rule stops at a block boundary independent of threads", "[runner]") {
  auto plan = test::reliability_plan({0.99, 0.9});
  auto& r = plan.replications;
  r.precision = true;
  r.metric = MetricId::harm_rate;
  r.relative_error = 0.05;
  r.min_replications = 16;
  r.max_replications = 4000;
  r.block_size = 8;
  const auto one = runner::run_plan(plan, with_threads(1), test::fake_factory(tasks));
  const auto two = runner::run_plan(plan, with_threads(2), test::fake_factory(tasks));
  test::require_identical(one, two);
  for (std::size_t p = 0; p < 2; ++p) {
    const auto& harm = metric(one.points[p], MetricId::harm_rate);
    INFO("point " << p << " n " << harm.n);
    CHECK(harm.n % 8 == 0);
    CHECK(harm.n >= 16);
    CHECK(harm.n < 4000);
    CHECK(harm.standard_error / harm.mean <= 0.05);
    CHECK(one.points[p].precision_target_met);
    // The known answer, 1 - reliability, lies in the Clopper-Pearson interval.
    const double exact = p == 0 ? 0.01 : 0.1;
    CHECK(harm.ci_low <= exact);
    CHECK(harm.ci_high >= exact);
    // Stopping one block earlier would not have met the target: the rule stops at the
    // first boundary that does. Relative error ~ sqrt((1-q)/(q N)) for N pooled tasks.
    const double previous = static_cast<double>(harm.n - 8) * tasks;
    CHECK(std::sqrt((1.0 - exact) / (exact * previous)) > 0.05 * 0.8);
  }
  // The rarer event needs more replications for the same relative error.
  CHECK(metric(one.points[0], MetricId::harm_rate).n >
        metric(one.points[1], MetricId::harm_rate).n);
}

TEST_CASE("the precision rule stops at the maximum when the target is out of reach", "[runner]") {
  auto plan = test::reliability_plan({1.0});
  auto& r = plan.replications;
  r.precision = true;
  r.relative_error = 0.01;
  r.min_replications = 8;
  r.max_replications = 20;
  r.block_size = 8;
  const auto result = runner::run_plan(plan, with_threads(2), test::fake_factory(tasks));
  CHECK(result.points[0].replications == 20);  // 8 + 8 + a last block of 4
  // No harm at all: no relative error can be computed, and the point says so.
  CHECK_FALSE(result.points[0].precision_target_met);
}

TEST_CASE("a block size near 2^32 is one block, not a count wrapped to zero", "[runner]") {
  // The block count was computed in 32 bits: (max + block - 1) / block wrapped to 0, and
  // the run waited forever for blocks it would never hand out.
  for (const bool precision : {false, true}) {
    auto plan = test::reliability_plan({0.9});
    auto& r = plan.replications;
    r.precision = precision;
    r.relative_error = 0.5;
    r.min_replications = 20;
    r.max_replications = 20;
    r.block_size = std::numeric_limits<std::uint32_t>::max();
    const auto result = runner::run_plan(plan, with_threads(2), test::fake_factory(tasks));
    REQUIRE(result.complete);
    CHECK(result.points[0].replications == 20);
  }
}

TEST_CASE("paired differences against the baseline, and the baseline runs as long as any point",
          "[runner]") {
  auto plan = test::reliability_plan({0.9, 0.99}, 0.9);
  auto& r = plan.replications;
  r.precision = true;
  r.relative_error = 0.1;
  r.min_replications = 8;
  r.max_replications = 4000;
  r.block_size = 8;
  const auto result = runner::run_plan(plan, with_threads(2), test::fake_factory(tasks));
  REQUIRE(plan.design.baseline == 0u);
  const auto& base = result.points[0];
  const auto& other = result.points[1];
  // The rarer point needs more replications; the baseline keeps going with it.
  CHECK(metric(other, MetricId::harm_rate).n > 8);
  CHECK(base.replications == other.replications);
  const auto& diff = other.paired[static_cast<std::size_t>(MetricId::harm_rate)];
  CHECK(diff.n == other.replications);
  CHECK(diff.mean ==
        Approx(metric(other, MetricId::harm_rate).mean - metric(base, MetricId::harm_rate).mean));
  CHECK(diff.ci_low <= -0.09);
  CHECK(diff.ci_high >= -0.09);
  CHECK(base.paired[0].mean == 0.0);
  CHECK(base.paired[0].n == base.replications);
}

TEST_CASE("common random numbers shrink the variance of a paired difference",
          "[runner][statistical]") {
  auto plan = test::reliability_plan({0.9, 0.88}, 0.9);
  plan.replications.max_replications = 200;
  plan.replications.min_replications = 200;
  plan.replications.block_size = 25;
  plan.replications.common_random_numbers = true;
  const auto crn = runner::run_plan(plan, with_threads(2), test::fake_factory(tasks));
  plan.replications.common_random_numbers = false;
  const auto independent = runner::run_plan(plan, with_threads(2), test::fake_factory(tasks));
  const auto h = static_cast<std::size_t>(MetricId::harm_rate);
  const double se_crn = crn.points[1].paired[h].standard_error;
  const double se_ind = independent.points[1].paired[h].standard_error;
  // Independent: var(d) = (0.1*0.9 + 0.12*0.88)/200 per replication -> se ~ 0.0022; with
  // common numbers only tasks with u in [0.1, 0.12) differ: var ~ 0.02/200 -> se ~ 0.0007.
  CHECK(se_crn < 0.5 * se_ind);
  CHECK(crn.points[1].paired[h].mean == Approx(0.02).margin(4 * 0.0007));
}

TEST_CASE("a stop request ends the run early and marks it incomplete", "[runner]") {
  auto plan = test::reliability_plan({0.9});
  plan.replications.max_replications = 1000000;
  plan.replications.min_replications = 1000000;
  std::atomic<bool> stop{false};
  runner::RunOptions options = with_threads(2);
  options.stop = &stop;
  int calls = 0;
  options.progress_interval_seconds = 0.01;
  options.on_progress = [&](const runner::Progress& p) {
    if (++calls == 2) stop = true;
    CHECK(p.points_total == 1);
  };
  const auto result = runner::run_plan(plan, options, test::fake_factory(tasks));
  CHECK_FALSE(result.complete);
  CHECK(result.points[0].replications < 1000000);
}

namespace {

// Harm strikes whole replications: with probability 1 - reliability every task of a
// replication is harmed, otherwise none. Tasks are not the independent units here.
class AllOrNothingModel final : public runner::ReplicationModel {
 public:
  explicit AllOrNothingModel(double reliability) : reliability_(reliability) {}
  void run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
           model::ReplicationMetrics& out) override {
    out = model::ReplicationMetrics{};
    out.near_misses_by_layer.assign(3, 0);
    out.harms_by_last_layer.assign(3, 0);
    out.harm_series.assign(4, 0);
    random::Stream stream(
        {seed, point, replication, random::stable_id("cluster"), random::Purpose::test});
    const bool struck = stream.uniform01() < 1.0 - reliability_;
    out.tasks = out.benign_tasks = tasks;
    out.harms = out.model_errors = out.hazardous_outputs = struck ? tasks : 0;
    out.terminal[static_cast<std::size_t>(model::Terminal::harm)] = out.harms;
    out.terminal[static_cast<std::size_t>(model::Terminal::served)] = tasks - out.harms;
    out.time_to_first_harm = struck ? 0.0 : 100.0;
    out.first_harm_observed = struck;
  }

 private:
  double reliability_;
};

}  // namespace

TEST_CASE("intervals of clustered harms are as wide as the replications warrant", "[runner]") {
  const auto plan = test::reliability_plan({0.9});
  runner::ModelFactory factory =
      [](const model::ScenarioSpec& spec) -> std::unique_ptr<runner::ReplicationModel> {
    return std::make_unique<AllOrNothingModel>(
        std::get<model::AiSpec>(spec.components[1].parameters).reliability);
  };
  const auto result = runner::run_plan(plan, with_threads(2), factory);
  const auto& harm = metric(result.points[0], MetricId::harm_rate);
  const std::uint64_t struck = harm.count / tasks;
  REQUIRE(struck > 0);
  REQUIRE(struck < 40);
  // With k_r in {0, N_r} the between-replication variance is n/(n-1) times the binomial
  // variance of `struck` in 40: the effective sample is struck * 39/40 in 39 trials.
  const auto expected = stats::clopper_pearson_clustered(struck, 40, 40.0 / 39.0);
  CHECK(harm.ci_low == Approx(expected.low).epsilon(1e-9));
  CHECK(harm.ci_high == Approx(expected.high).epsilon(1e-9));
  const auto naive = stats::clopper_pearson(harm.count, 40 * tasks);
  CHECK(harm.ci_high - harm.ci_low > 5.0 * (naive.high - naive.low));
  CHECK(harm.ci_low < 0.1);
  CHECK(harm.ci_high > 0.1);
}

TEST_CASE("a model that cannot be built fails the run with its message", "[runner]") {
  const auto plan = test::reliability_plan({0.9});
  runner::ModelFactory failing =
      [](const model::ScenarioSpec&) -> std::unique_ptr<runner::ReplicationModel> {
    throw std::invalid_argument("component 'model': bad");
  };
  CHECK_THROWS_WITH(runner::run_plan(plan, with_threads(2), failing), Catch::Contains("bad"));
}

TEST_CASE("every parameter is resolved as path = value", "[runner]") {
  const auto text = runner::resolved_parameters(test::bare_spec(0.75));
  CHECK_THAT(text, Catch::Contains("model.reliability = 0.75\n"));
  CHECK_THAT(text, Catch::Contains("model.next.pass = \"world\"\n"));
  CHECK_THAT(text, Catch::Contains("users.kind = \"source\"\n"));
  CHECK_THAT(text, Catch::Contains("model.refusal_threshold = inf\n"));
  CHECK_THAT(text, Catch::Contains("contexts.default.weight = 1\n"));
}
