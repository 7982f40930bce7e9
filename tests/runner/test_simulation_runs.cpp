// The runner driving the real model::Simulation on a system with a known answer: a bare
// model whose every error is acted on, so the harm rate is exactly 1 - reliability.

#include <catch2/catch.hpp>
#include <cmath>

#include "fake_model.h"
#include "sim/runner/runner.h"

using namespace stsim;
using runner::MetricId;

namespace {

runner::Plan bare_precision_plan() {
  auto plan = test::reliability_plan({0.95, 0.8});
  for (auto& spec : plan.specs) {
    std::get<model::SourceSpec>(spec.components[0].parameters).rate =
        10.0;  // 1,000 tasks per replication
  }
  auto& r = plan.replications;
  r.precision = true;
  r.metric = MetricId::harm_rate;
  r.relative_error = 0.03;
  r.min_replications = 4;
  r.max_replications = 400;
  r.block_size = 4;
  return plan;
}

}  // namespace

TEST_CASE(
    "with the simulation, the precision rule is thread-independent and covers 1 - reliability",
    "[runner][simulation]") {
  const auto plan = bare_precision_plan();
  runner::RunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const auto a = runner::run_plan(plan, one);
  const auto b = runner::run_plan(plan, two);
  REQUIRE(a.complete);
  for (std::size_t p = 0; p < 2; ++p) {
    const auto& x = a.points[p].metrics[static_cast<std::size_t>(MetricId::harm_rate)];
    const auto& y = b.points[p].metrics[static_cast<std::size_t>(MetricId::harm_rate)];
    const double exact = p == 0 ? 0.05 : 0.2;
    INFO("point " << p << ": n " << x.n << ", harm rate " << x.mean << " [" << x.ci_low << ", "
                  << x.ci_high << "]");
    CHECK(x.n == y.n);
    CHECK(x.count == y.count);
    CHECK(x.mean == y.mean);
    CHECK(x.standard_error == y.standard_error);
    CHECK(x.n % 4 == 0);
    CHECK(x.n < 400);
    CHECK(x.standard_error / x.mean <= 0.03);
    // Within 4 SE of the known answer (a 95% interval misses it one run in twenty).
    CHECK(std::abs(x.mean - exact) < 4.0 * x.standard_error);
    // The model's error rate is the same known answer, reported beside the harm rate.
    const auto& errors = a.points[p].metrics[static_cast<std::size_t>(MetricId::model_error_rate)];
    CHECK(errors.count == x.count);
  }
}

TEST_CASE("red-line evidence: the exact first-harm rate, and a sequential test that stops early",
          "[runner][simulation]") {
  // Harms are a thinned Poisson stream: 10 tasks an hour, each harming with probability
  // 1 - reliability, so the first harm is exponential with rate 10 (1 - reliability).
  auto plan = test::reliability_plan({0.95, 0.8});
  for (auto& spec : plan.specs) {
    std::get<model::SourceSpec>(spec.components[0].parameters).rate = 10.0;
    spec.harm_rate_target = 0.1;
    spec.stop_when_decided = true;
  }
  auto& r = plan.replications;
  r.precision = false;
  r.max_replications = 400;
  r.block_size = 4;
  runner::RunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const auto a = runner::run_plan(plan, one);
  const auto b = runner::run_plan(plan, two);
  for (std::size_t p = 0; p < 2; ++p) {
    const auto& e = a.points[p].evidence;
    const double exact = 10.0 * (p == 0 ? 0.05 : 0.2);
    INFO("point " << p << ": first-harm rate " << e.first_harm.rate << " +- "
                  << e.first_harm.rate_stderr << ", " << a.points[p].replications
                  << " replications");
    // Far from the target of 0.1 either way: decided after the first block, at the
    // per-look confidence 1 - 0.05 / 100.
    CHECK(a.points[p].replications == 4);
    CHECK(e.acceptance_confidence == 1.0 - 0.05 / 100.0);
    CHECK(e.acceptance.verdict == (p == 0 ? stats::Verdict::met : stats::Verdict::not_met));
    CHECK(e.failure_free_tasks == stats::trials_for_zero_event_claim(0.1));
    CHECK(b.points[p].replications == a.points[p].replications);
    CHECK(b.points[p].evidence.first_harm.rate == e.first_harm.rate);
    CHECK(e.first_harm.harms == 4);
    CHECK(std::abs(e.first_harm.rate - exact) < 4.0 * exact / std::sqrt(4.0));
    CHECK(e.first_harm.rate_interval.low < e.first_harm.rate);
    CHECK(e.first_harm.rate_upper < e.first_harm.rate_interval.high);
    REQUIRE(e.survival.survival.size() == plan.specs[p].time_bins + 1);
    CHECK(e.survival.survival.front() == 1.0);
  }
  // Without the sequential rule the same points run their 400 replications, and the
  // exponential estimate of the first-harm rate agrees with the exact one within 4 SE.
  for (auto& spec : plan.specs) spec.stop_when_decided = false;
  const auto full = runner::run_plan(plan, one);
  for (std::size_t p = 0; p < 2; ++p) {
    const auto& e = full.points[p].evidence;
    const double exact = 10.0 * (p == 0 ? 0.05 : 0.2);
    CHECK(full.points[p].replications == 400);
    CHECK(e.acceptance_confidence == 0.95);
    CHECK(std::abs(e.first_harm.rate - exact) < 4.0 * exact / std::sqrt(400.0));
    CHECK(e.first_harm.rate_interval.low <= exact);
    CHECK(e.first_harm.rate_interval.high >= exact);
  }
}
