// Change over time: a parameter schedule applied at event time, and a context mix that
// shifts after deployment (docs/model.md, Change over time).

#include <catch2/catch.hpp>
#include <cmath>

#include "sim/model/schedule.h"
#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

ScheduledChange change(Time at, std::string path, double value) {
  ScheduledChange c;
  c.at = at;
  c.path = std::move(path);
  c.value = value;
  return c;
}

// users -> model -> world: every error a harm.
ScenarioSpec direct(double rate, double reliability, Time horizon,
                    std::vector<ContextSpec> contexts = {context("c")}) {
  return scenario(
      horizon, std::move(contexts),
      {component("users", source(rate), {.pass = "model"}),
       component("model", ai(reliability), {.pass = "world"}), component("world", OutcomeSpec{})});
}

}  // namespace

TEST_CASE("a step in reliability at t: the harms are the sum of two Poisson means",
          "[model][schedule][statistical]") {
  const double rate = 20.0, before = 0.9, after = 0.99, step = 40.0, horizon = 100.0;
  auto spec = direct(rate, before, horizon);
  spec.schedule = {change(step, "model.reliability", after)};
  const std::uint32_t n = 200;
  const auto t = run(spec, n, 3);
  const double mean_before = rate * step * (1 - before);            // 80
  const double mean_after = rate * (horizon - step) * (1 - after);  // 12
  const double total = mean_before + mean_after;
  CHECK(std::abs(ratio(t.harms, n) - total) < 4 * std::sqrt(total / n));
  // The step is where the schedule puts it: bins of 10 h, the first four before it.
  std::uint64_t early = 0;
  for (const auto& m : t.replications)
    for (std::size_t b = 0; b < 4; ++b) early += m.harm_series[b];
  CHECK(std::abs(ratio(early, n) - mean_before) < 4 * std::sqrt(mean_before / n));
  // Every replication starts from the file's values: replication 1 alone is replication 1
  // after replication 0.
  Simulation alone(spec);
  ReplicationMetrics m;
  alone.run(3, 0, 1, m);
  CHECK(m.harms == t.replications[1].harms);
  CHECK(m.tasks == t.replications[1].tasks);
}

TEST_CASE("a source's new rate applies from the change: Poisson counts over two spans",
          "[model][schedule][statistical]") {
  auto spec = direct(10.0, 1.0, 100.0);
  spec.schedule = {change(50.0, "users.rate", 30.0)};
  const std::uint32_t n = 100;
  const auto t = run(spec, n, 8);
  const double mean = 10.0 * 50.0 + 30.0 * 50.0;
  CHECK(std::abs(ratio(t.tasks, n) - mean) < 4 * std::sqrt(mean / n));
}

TEST_CASE("more reviewers on shift take waiting tasks at once", "[model][schedule]") {
  // Saturated: arrivals far above capacity, reviews of exactly 1 h. One reviewer starts a
  // review every hour; from t = 10 a second one does too.
  OperatorSpec ops;
  ops.count = 1;
  ops.review_time = 1.0;
  ops.review_distribution = ServiceDistribution::fixed;
  auto spec =
      scenario(20.0, {context("c", 1.0, false)},
               {component("users", source(20.0), {.pass = "model"}),
                component("model", ai(1.0), {.pass = "desk"}),
                component("desk", ops, {.pass = "world"}), component("world", OutcomeSpec{})});
  spec.schedule = {change(10.0, "desk.count", 2)};
  const auto t = run(spec, 5, 2);
  for (const auto& m : t.replications) {
    // The first reviewer: 20 reviews, or 19 when the first task came late in the first
    // hour's slot; the second: 10 (at t = 10, 11, ..., 19).
    CHECK(m.operators[0].reviews >= 29);
    CHECK(m.operators[0].reviews <= 30);
    // Reviewer-hours: one reviewer for 10 h, then two for 10 h. Saturated, the pool is
    // busy all of it but the first task's wait for its arrival.
    CHECK(m.operators[0].capacity_time == 30.0);
    CHECK(m.operators[0].busy_time <= m.operators[0].capacity_time);
    CHECK(m.operators[0].busy_time > 29.0);
  }
}

TEST_CASE("a shifted context mix: reliability in deployment beside the evaluation mix",
          "[model][schedule][statistical]") {
  // Evaluated on 90% easy tasks; half of them hard from t = 50.
  auto spec = direct(50.0, 0.99, 100.0, {context("easy", 0.9), context("hard", 0.1)});
  std::get<AiSpec>(spec.components[1].parameters).reliability_by_context = {{"hard", 0.8}};
  spec.schedule = {change(50.0, "contexts.easy.weight", 0.5),
                   change(50.0, "contexts.hard.weight", 0.5)};
  const std::uint32_t n = 20;
  const auto t = run(spec, n, 6);
  const double evaluation = 0.9 * 0.99 + 0.1 * 0.8;                             // 0.971
  const double deployment = 0.5 * evaluation + 0.5 * (0.5 * 0.99 + 0.5 * 0.8);  // 0.933
  std::uint64_t outputs = 0;
  for (const auto& m : t.replications) {
    outputs += m.model_outputs;
    CHECK(m.evaluation_reliability / static_cast<double>(m.model_outputs) ==
          Approx(evaluation).epsilon(1e-12));
  }
  CHECK(outputs == t.tasks);
  const double measured = 1.0 - ratio(t.model_errors, outputs);
  CHECK(std::abs(measured - deployment) < 4 * binomial_se(deployment, outputs));
  CHECK(measured < evaluation - 0.03);
}

TEST_CASE("a schedule names a numeric parameter that may change during a replication",
          "[model][schedule]") {
  SafeguardSpec guard = safeguard(0.9);
  guard.latent_failure_rate = 0.001;
  auto spec =
      scenario(10.0, {context("c")},
               {component("users", source(1.0), {.pass = "model"}),
                component("model", ai(0.9), {.pass = "guard"}),
                component("guard", guard, {.pass = "world"}), component("world", OutcomeSpec{})});
  auto fault = [&](const char* path, double value) {
    auto copy = spec;
    const auto result = apply_change(copy, change(1.0, path, value));
    const auto* text = std::get_if<std::string>(&result);
    return text != nullptr ? *text : std::string("no fault");
  };
  CHECK(fault("model.reliability", 0.95) == "no fault");
  CHECK(fault("guard.detect_error", 0.5) == "no fault");
  CHECK(fault("guard.coverage", 0.5) == "no fault");
  CHECK(fault("contexts.c.weight", 2.0) == "no fault");
  CHECK(fault("reliability", 0.5) ==
        "schedule: 'reliability' names no parameter; expected <component>.<key> or "
        "contexts.<context>.<key>");
  CHECK(fault("modle.reliability", 0.5) ==
        "schedule: 'modle.reliability' names no component "
        "'modle'");
  CHECK(fault("model.reliabilty", 0.5) ==
        "schedule: 'model.reliabilty' names no key of component 'model' (ai)");
  CHECK(fault("model.reliability", 1.5) ==
        "schedule: 'model.reliability' must be a probability in [0, 1]; got 1.5");
  CHECK(fault("guard.latent_failure_rate", 0.01) ==
        "schedule: 'guard.latent_failure_rate': a safeguard's latent_failure_rate cannot change "
        "during a replication (docs/model.md, Change over time)");
  CHECK(fault("contexts.c.observability", 2.0) ==
        "schedule: 'contexts.c.observability' cannot change during a replication; a schedule may "
        "change a context's weight, severity, malicious_share, omission_severity, deadline or "
        "late_severity");
  CHECK(fault("contexts.d.weight", 2.0) == "schedule: 'contexts.d.weight' names no context 'd'");
  CHECK(fault("model.reliability_by_context.d", 0.5) ==
        "schedule: 'model.reliability_by_context.d' names no context 'd'");
}
