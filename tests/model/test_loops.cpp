// Bounded loops (docs/model.md, Bounded loops): a check sends a flagged output back to
// the model for revision, at most twice, then stops it. Each revision is a new output
// (fresh draws); the task's common difficulty persists, and the model judges by it with
// probability shared_difficulty.

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

ScenarioSpec revision(double reliability, double detect, double false_alarm,
                      double shared_difficulty) {
  AiSpec model = ai(reliability);
  model.shared_difficulty = shared_difficulty;
  ComponentSpec check =
      component("check", safeguard(detect, false_alarm), {.pass = "world", .block = "model"});
  check.bounds["block"] = {2, "stopped"};
  return scenario(
      2000.0, {context("default")},
      {component("users", source(10.0), {.pass = "model"}),
       component("model", model, {.pass = "check"}), check, component("world", OutcomeSpec{true}),
       component("stopped", OutcomeSpec{false})});
}

void check_share(std::uint64_t count, std::uint64_t tasks, double exact) {
  INFO("simulated " << ratio(count, tasks) << ", exact " << exact);
  CHECK(std::abs(ratio(count, tasks) - exact) < 4.0 * binomial_se(exact, tasks));
}

std::uint64_t model_outputs(const Totals& t) {
  std::uint64_t outputs = 0;
  for (const auto& m : t.replications) outputs += m.model_outputs;
  return outputs;
}

}  // namespace

TEST_CASE("a bounded revision loop: every attempt errs afresh", "[loops][statistical]") {
  // Per attempt: an unsafe output passes with a = q (1 - d), goes back with b = q d +
  // (1 - q) f (caught, or a false alarm); after two returns the third flag stops it.
  const double q = 0.3, d = 0.6, f = 0.1;
  const double a = q * (1.0 - d), b = q * d + (1.0 - q) * f;
  const Totals t = run(revision(1.0 - q, d, f, 0.0), 20);
  REQUIRE(t.tasks > 300000);
  CHECK(t.in_flight == 0);
  check_share(t.harms, t.tasks, a * (1.0 + b + b * b));
  check_share(t.near_misses, t.tasks, b * b * q * d);
  check_share(t.lost, t.tasks, b * b * (1.0 - q) * f);
  // Every attempt is an output of the model: N = 1, 2 or 3 attempts with probabilities
  // 1 - b, b (1 - b), b^2, each wrong with probability q. SE: the per-task SD over sqrt(n).
  const double attempts = 1.0 + b + b * b;
  const double attempts_var = 1.0 + 3.0 * b + 5.0 * b * b - attempts * attempts;
  const double errors_var = q * (1.0 - q) * attempts + q * q * attempts_var;
  const double n = static_cast<double>(t.tasks);
  CHECK(std::abs(ratio(model_outputs(t), t.tasks) - attempts) < 4.0 * std::sqrt(attempts_var / n));
  CHECK(std::abs(ratio(t.model_errors, t.tasks) - q * attempts) < 4.0 * std::sqrt(errors_var / n));
}

TEST_CASE("a bounded revision loop: a hard task stays hard", "[loops][statistical]") {
  // Judged by the task's own difficulty every time, a wrong output is wrong again: only
  // the check's detection is drawn afresh. Correct outputs stay correct.
  const double q = 0.3, d = 0.6, f = 0.1;
  const Totals t = run(revision(1.0 - q, d, f, 1.0), 20);
  REQUIRE(t.tasks > 300000);
  check_share(t.harms, t.tasks, q * (1.0 - d) * (1.0 + d + d * d));
  check_share(t.near_misses, t.tasks, q * d * d * d);
  check_share(t.lost, t.tasks, (1.0 - q) * f * f * f);
}

TEST_CASE("a bounded loop of zero returns is its fallback edge, draw for draw", "[loops]") {
  ScenarioSpec direct = revision(0.7, 0.6, 0.1, 0.0);
  direct.components[2].bounds["block"].at_most = 0;
  ScenarioSpec plain = revision(0.7, 0.6, 0.1, 0.0);
  plain.components[2].bounds.clear();
  plain.components[2].connect("block", "stopped");
  const Totals a = run(direct, 2), b = run(plain, 2);
  REQUIRE(a.tasks > 30000);
  CHECK(a.tasks == b.tasks);
  CHECK(a.harms == b.harms);
  CHECK(a.near_misses == b.near_misses);
  CHECK(a.lost == b.lost);
  CHECK(a.false_alarms == b.false_alarms);
}

TEST_CASE("the bound counts a task's returns over every bounded edge", "[loops]") {
  // Every output is flagged (false_alarm = 1). check1 sends back at most once, then on to
  // check2, which sends back while the task has gone back fewer than 2 times in all:
  // model (visit 0), check1 back; model (1), check1 -> check2 back; model (2), check1 ->
  // check2 -> stopped. Three outputs per task; counted per edge it would be four or more.
  ComponentSpec check1 =
      component("check1", safeguard(0.0, 1.0), {.pass = "world", .block = "model"});
  check1.bounds["block"] = {1, "check2"};
  ComponentSpec check2 =
      component("check2", safeguard(0.0, 1.0), {.pass = "world", .block = "model"});
  check2.bounds["block"] = {2, "stopped"};
  const ScenarioSpec s =
      scenario(200.0, {context("default")},
               {component("users", source(10.0), {.pass = "model"}),
                component("model", ai(1.0), {.pass = "check1"}), check1, check2,
                component("world", OutcomeSpec{true}), component("stopped", OutcomeSpec{false})});
  const Totals t = run(s, 2);
  REQUIRE(t.tasks > 3000);
  CHECK(t.lost == t.tasks);
  CHECK(model_outputs(t) == 3 * t.tasks);
  CHECK(t.false_alarms == 5 * t.tasks);
}
