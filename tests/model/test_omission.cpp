// Harms of omission and timing: help withheld where a context declares that hazardous, and
// outputs acted on after a context's deadline (docs/model.md, Harms of omission and timing).

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

std::uint64_t origin(const Totals& t, HarmOrigin o) {
  return t.by_origin[static_cast<std::size_t>(o)];
}

std::size_t index_of(const ScenarioSpec& s, const char* id) {
  for (std::size_t i = 0; i < s.components.size(); ++i)
    if (s.components[i].id == id) return i;
  FAIL("no component " << id);
  return 0;
}

}  // namespace

TEST_CASE("help withheld from a benign task where that is hazardous is a harm of omission",
          "[model][omission][statistical]") {
  // Two contexts, neither hazardous for commissions: every harm is an omission. In triage,
  // a benign task refused, blocked by a false alarm or served an omission is harmed.
  auto triage = context("triage", 1.0, false, 0.2, 1.0);
  triage.omission_hazardous = true;
  triage.omission_severity = 3.0;
  auto chat = context("chat", 1.0, false, 0.2, 1.0);
  auto model = ai(0.9, 0.0);  // wrong outputs are omissions
  model.refusal_threshold = 1.0;
  const double false_alarm = 0.05;
  auto spec = scenario(
      200.0, {triage, chat},
      {component("src", source(50.0), {.pass = "ai"}), component("ai", model, {.pass = "guard"}),
       component("guard", safeguard(0.9, false_alarm), {.pass = "out"}),
       component("out", OutcomeSpec{})});
  const auto t = run(spec, 4, 5);

  const double refused = 1.0 - phi(1.0);
  const double answered = phi(1.0);
  const double p_refused = 0.5 * 0.8 * refused;
  const double p_blocked = 0.5 * 0.8 * answered * false_alarm;
  const double p_omitted = 0.5 * 0.8 * answered * (1.0 - false_alarm) * 0.1;
  const double p = p_refused + p_blocked + p_omitted;
  const double share = ratio(t.harms, t.tasks);
  CHECK(std::abs(share - p) < 4 * binomial_se(p, t.tasks));
  CHECK(origin(t, HarmOrigin::omission) == t.harms);
  // Credited to what withheld the help: the refusing AI (and the AI of an omission), the
  // safeguard that blocked a correct output.
  const auto guard = index_of(spec, "guard"), model_node = index_of(spec, "ai");
  const double p_guard = p_blocked / p;
  const double guard_share = ratio(t.harm_by_last_layer[guard], t.harms);
  CHECK(std::abs(guard_share - p_guard) < 4 * binomial_se(p_guard, t.harms));
  CHECK(t.harm_by_last_layer[guard] + t.harm_by_last_layer[model_node] == t.harms);
  for (const auto& m : t.replications) {
    CHECK(m.harm_severity == 3.0 * static_cast<double>(m.harms));
    CHECK(m.harms == m.terminal[static_cast<std::size_t>(Terminal::harm)]);
  }
  // Refused malicious tasks in triage, and every benign task refused in chat, are lost.
  CHECK(t.lost > 0);
  CHECK(t.refused_malicious > 0);
}

TEST_CASE("a held output is withheld help too, and pausing service is not an omission harm",
          "[model][omission]") {
  auto triage = context("triage", 1.0, false);
  triage.omission_hazardous = true;
  auto spec =
      scenario(100.0, {triage},
               {component("src", source(5.0), {.pass = "ai"}),
                component("ai", ai(1.0), {.pass = "held"}), component("held", OutcomeSpec{false})});
  const auto held = run(spec, 2, 3);
  CHECK(held.harms == held.tasks);
  CHECK(origin(held, HarmOrigin::omission) == held.tasks);
  CHECK(held.harm_by_last_layer[index_of(spec, "ai")] == held.tasks);

  // A pause after each harm: tasks born while it lasts end paused, not harmed, so that a
  // harm's pause cannot feed itself.
  spec.pause_after_harm = 1.0;
  const auto paused = run(spec, 2, 3);
  CHECK(paused.paused > 0);
  CHECK(paused.harms + paused.paused + paused.in_flight == paused.tasks);
}

TEST_CASE("a review past the deadline is a late harm: M/M/1, P(T > d) = exp(-(mu - lambda) d)",
          "[model][omission][statistical]") {
  const double lambda = 0.5, mu = 1.0, deadline = 2.0;
  auto c = context("escalation", 1.0, false);
  c.deadline = deadline;
  c.late_severity = 2.0;
  OperatorSpec ops;
  ops.count = 1;
  ops.review_time = 1.0 / mu;
  ops.detect = 0.0;
  auto spec = scenario(
      4000.0, {c},
      {component("src", source(lambda), {.pass = "ai"}), component("ai", ai(1.0), {.pass = "ops"}),
       component("ops", ops, {.pass = "out"}), component("out", OutcomeSpec{})});
  const auto t = run(spec, 30, 9);
  // Successive times in system are correlated: the error is over replications.
  std::vector<double> late;
  for (const auto& m : t.replications) {
    const auto harmed = m.harms_by_origin[static_cast<std::size_t>(HarmOrigin::late)];
    late.push_back(ratio(harmed, harmed + m.terminal[static_cast<std::size_t>(Terminal::served)]));
    CHECK(m.harm_severity == 2.0 * static_cast<double>(m.harms));
  }
  const auto share = mean_se(late);
  const double expected = std::exp(-(mu - lambda) * deadline);
  CHECK(std::abs(share.mean - expected) < 4 * share.se);
  CHECK(share.se < 0.01);
  CHECK(origin(t, HarmOrigin::late) == t.harms);
  CHECK(t.harm_by_last_layer[index_of(spec, "ops")] == t.harms);
}

TEST_CASE("a hazard keeps its origin, and malicious tasks are neither late nor omitted",
          "[model][omission]") {
  auto c = context("urgent", 1.0, true, 0.5, 0.0);
  c.omission_hazardous = true;
  c.deadline = 0.5;
  OperatorSpec ops;
  ops.count = 1;
  ops.review_time = 1.0;
  ops.detect = 0.0;
  auto model = ai(0.5, 0.5);
  model.refusal_threshold = 0.0;
  auto spec = scenario(
      500.0, {c},
      {component("src", source(0.5), {.pass = "ai"}), component("ai", model, {.pass = "ops"}),
       component("ops", ops, {.pass = "out"}), component("out", OutcomeSpec{})});
  const auto t = run(spec, 2, 4);
  REQUIRE(t.harms > 0);
  REQUIRE(origin(t, HarmOrigin::omission) > 0);
  REQUIRE(origin(t, HarmOrigin::late) > 0);
  // Misuse (a correct output to a malicious task) and model errors stay what they are; a
  // malicious task refused or served late is no harm to anyone who needed help.
  CHECK(origin(t, HarmOrigin::misuse) + origin(t, HarmOrigin::model_error) > 0);
  CHECK(t.refused_malicious > 0);
  CHECK(t.lost + t.served > 0);
  std::uint64_t by_origin = 0;
  for (std::size_t i = 0; i < harm_origin_count; ++i) by_origin += t.by_origin[i];
  CHECK(by_origin == t.harms);
  std::uint64_t credited = 0;
  for (auto h : t.harm_by_last_layer) credited += h;
  CHECK(credited == t.harms);
}
