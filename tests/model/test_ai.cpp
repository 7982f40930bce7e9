// Mechanisms 1 and 2: model reliability and failure modes; context the model cannot see
// (intent, refusal on observable scores, deferral); misuse at reliability 1.

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

ScenarioSpec bare(AiSpec model, std::vector<ContextSpec> contexts, double rate = 1000.0,
                  Time horizon = 100.0) {
  return scenario(
      horizon, std::move(contexts),
      {component("src", source(rate), {.pass = "ai"}),
       component("ai", std::move(model), {.pass = "out", .refuse = "out", .defer = "out"}),
       component("out", OutcomeSpec{})});
}

}  // namespace

TEST_CASE("the model errs with probability 1 - reliability, split into modes",
          "[model][ai][statistical]") {
  const double r = 0.9, share = 0.6;
  const auto t = run(bare(ai(r, share), {context("c")}), 2);
  const double n = static_cast<double>(t.tasks);
  CHECK(std::abs(ratio(t.model_errors, t.tasks) - (1 - r)) < 4 * binomial_se(1 - r, t.tasks));
  CHECK(std::abs(ratio(t.commission, t.model_errors) - share) <
        4 * binomial_se(share, t.model_errors));
  // Only commissions are hazardous; omissions harm no one.
  CHECK(t.harms == t.commission);
  CHECK(t.by_origin[static_cast<std::size_t>(HarmOrigin::model_error)] == t.harms);
  std::uint64_t no_harm = 0;
  for (const auto& m : t.replications) no_harm += m.model_errors_no_harm;
  CHECK(no_harm == t.omission);
  CHECK(n > 100000);
}

TEST_CASE("reliability is set per context, and harm needs a hazardous context",
          "[model][ai][statistical]") {
  AiSpec model = ai(0.99);
  model.reliability_by_context["hard"] = 0.8;
  const auto t = run(bare(model, {context("easy", 1.0, true), context("hard", 1.0, false)}), 2);
  // Errors: half the tasks at 0.01, half at 0.2; only the easy context is hazardous.
  const double p_error = 0.5 * 0.01 + 0.5 * 0.2;
  CHECK(std::abs(ratio(t.model_errors, t.tasks) - p_error) < 4 * binomial_se(p_error, t.tasks));
  CHECK(std::abs(ratio(t.harms, t.tasks) - 0.005) < 4 * binomial_se(0.005, t.tasks));
  CHECK(t.hazardous == t.harms);
  // Attributed to their contexts: every harm to the hazardous one, errors by reliability.
  std::uint64_t easy_errors = 0, hard_errors = 0, easy_harms = 0, hard_harms = 0;
  for (const auto& m : t.replications) {
    easy_errors += m.model_errors_by_context[0];
    hard_errors += m.model_errors_by_context[1];
    easy_harms += m.harms_by_context[0];
    hard_harms += m.harms_by_context[1];
  }
  CHECK(easy_harms == t.harms);
  CHECK(hard_harms == 0);
  // Each task is of a context with probability 1/2 and errs there: binomial counts.
  CHECK(std::abs(ratio(easy_errors, t.tasks) - 0.005) < 4 * binomial_se(0.005, t.tasks));
  CHECK(std::abs(ratio(hard_errors, t.tasks) - 0.1) < 4 * binomial_se(0.1, t.tasks));
  double severity = 0.0;
  for (const auto& m : t.replications) severity += m.harm_severity;
  CHECK(severity == static_cast<double>(t.harms));

  // A harm weighs its context's severity.
  auto heavy = bare(ai(0.9), {context("grave", 1.0, true, 0.0, 1.0, 7.5)}, 100.0);
  const auto g = run(heavy, 1);
  CHECK(g.harms > 0);
  CHECK(g.replications[0].harm_severity == 7.5 * static_cast<double>(g.harms));
}

TEST_CASE("raising reliability removes a subset of errors under common random numbers",
          "[model][ai][statistical]") {
  for (std::uint32_t rep = 0; rep < 5; ++rep) {
    Simulation low(bare(ai(0.9), {context("c")}, 100.0));
    Simulation high(bare(ai(0.95), {context("c")}, 100.0));
    ReplicationMetrics a, b;
    low.run(3, 0, rep, a);
    high.run(3, 0, rep, b);
    CHECK(a.tasks == b.tasks);
    CHECK(b.harms <= a.harms);
    CHECK(b.harms > 0);
    CHECK(b.harms < a.harms);
  }
}

TEST_CASE("refusal on observable scores trades benign refusals for malicious ones",
          "[model][ai][statistical]") {
  // benign ~ N(0,1), malicious ~ N(d,1): P(refuse) = 1 - Phi(tau) and 1 - Phi(tau - d).
  const double d = 1.5, share = 0.3;
  for (double tau : {0.5, 1.5}) {
    AiSpec model = ai(1.0);
    model.refusal_threshold = tau;
    const auto t = run(bare(model, {context("c", 1.0, true, share, d)}), 2);
    const double pb = 1 - phi(tau), pm = 1 - phi(tau - d);
    INFO("tau = " << tau);
    CHECK(std::abs(ratio(t.refused_benign, t.benign) - pb) < 4 * binomial_se(pb, t.benign));
    CHECK(std::abs(ratio(t.refused_malicious, t.malicious) - pm) <
          4 * binomial_se(pm, t.malicious));
    // Every malicious task not refused is misuse of a correct output.
    CHECK(t.harms == t.malicious - t.refused_malicious);
    CHECK(t.by_origin[static_cast<std::size_t>(HarmOrigin::misuse)] == t.harms);
    CHECK(t.benign_lost == t.refused_benign);
    CHECK(t.benign_served == t.benign - t.refused_benign);
  }
}

TEST_CASE("harm with reliability 1.0: a perfectly working model serves misuse",
          "[model][ai][demo][statistical]") {
  const double share = 0.02;
  const auto t = run(bare(ai(1.0), {context("c", 1.0, true, share, 0.0)}), 2);
  CHECK(t.model_errors == 0);
  CHECK(t.harms > 0);
  CHECK(std::abs(ratio(t.harms, t.tasks) - share) < 4 * binomial_se(share, t.tasks));
  CHECK(t.by_origin[static_cast<std::size_t>(HarmOrigin::misuse)] == t.harms);
  std::uint64_t with_correct = 0;
  for (const auto& m : t.replications) with_correct += m.harms_with_correct_output;
  CHECK(with_correct == t.harms);
}

TEST_CASE("a defence at the attack surface stops misuse the refusal policy cannot see",
          "[model][ai][statistical]") {
  const double share = 0.05, stop = 0.7;
  DefenceSpec shield;
  shield.detect_misuse = stop;
  auto s =
      scenario(100.0, {context("c", 1.0, true, share, 0.0)},
               {component("src", source(1000.0), {.pass = "ai"}),
                component("ai", ai(1.0), {.pass = "shield"}),
                component("shield", shield, {.pass = "out"}), component("out", OutcomeSpec{})});
  const auto t = run(s, 2);
  const double p = share * (1 - stop);
  CHECK(std::abs(ratio(t.harms, t.tasks) - p) < 4 * binomial_se(p, t.tasks));
  CHECK(t.near_by_layer[2] == t.malicious - t.harms);
  CHECK(t.harm_by_last_layer[2] == t.harms);
  CHECK(t.benign_lost == 0);
}

TEST_CASE("deferral on confidence sends more wrong than correct outputs to humans",
          "[model][ai][statistical]") {
  // Correct outputs have confidence N(s,1), wrong ones N(0,1): defer below tau.
  const double r = 0.8, sep = 2.0, tau = 0.5;
  AiSpec model = ai(r);
  model.defer_threshold = tau;
  model.confidence_separation = sep;
  auto s = scenario(100.0, {context("c")},
                    {component("src", source(1000.0), {.pass = "ai"}),
                     component("ai", model, {.pass = "out", .defer = "held"}),
                     component("out", OutcomeSpec{}), component("held", OutcomeSpec{false})});
  const auto t = run(s, 2);
  const double p_defer = r * phi(tau - sep) + (1 - r) * phi(tau);
  CHECK(std::abs(ratio(t.deferred, t.tasks) - p_defer) < 4 * binomial_se(p_defer, t.tasks));
  // Deferred hazards (wrong outputs) end as near misses credited to the model.
  const double p_caught = (1 - r) * phi(tau);
  CHECK(std::abs(ratio(t.near_by_layer[1], t.tasks) - p_caught) <
        4 * binomial_se(p_caught, t.tasks));
  const double p_harm = (1 - r) * (1 - phi(tau));
  CHECK(std::abs(ratio(t.harms, t.tasks) - p_harm) < 4 * binomial_se(p_harm, t.tasks));
}

namespace {

// Two AIs on every task: the first defers exactly its wrong outputs (its confidence
// separates them completely) to the second, so the second's errors are the tasks both
// got wrong. The first's errors are omissions, the second's commissions (harms).
ScenarioSpec two_versions(double q1, double q2, double c1, double c2) {
  AiSpec first = ai(1 - q1, 0.0);
  first.confidence_separation = 40.0;
  first.defer_threshold = 20.0;
  first.shared_difficulty = c1;
  AiSpec second = ai(1 - q2, 1.0);
  second.shared_difficulty = c2;
  return scenario(100.0, {context("c")},
                  {component("src", source(1000.0), {.pass = "first"}),
                   component("first", first, {.pass = "out", .defer = "second"}),
                   component("second", second, {.pass = "out"}), component("out", OutcomeSpec{})});
}

}  // namespace

TEST_CASE("two AIs err together as their shared difficulty says (Eckhardt-Lee)",
          "[model][ai][statistical]") {
  const double q1 = 0.2, q2 = 0.3;
  // Both wrong = the second's commissions; the first's errors = its omissions.
  auto joint = [&](double c1, double c2) { return run(two_versions(q1, q2, c1, c2), 2); };
  SECTION("independent: the product of the error rates") {
    const auto t = joint(0.0, 0.0);
    CHECK(std::abs(ratio(t.omission, t.tasks) - q1) < 4 * binomial_se(q1, t.tasks));
    CHECK(std::abs(ratio(t.commission, t.tasks) - q1 * q2) < 4 * binomial_se(q1 * q2, t.tasks));
  }
  SECTION("fully shared: nested, the more reliable errs only where the other does") {
    const auto t = joint(1.0, 1.0);
    CHECK(t.commission == t.omission);  // every task the first got wrong, the second did too
    const auto reversed = run(two_versions(q2, q1, 1.0, 1.0), 2);
    CHECK(std::abs(ratio(reversed.commission, reversed.tasks) - q1) <
          4 * binomial_se(q1, reversed.tasks));
    CHECK(reversed.commission < reversed.omission);
  }
  SECTION("in between: c1 c2 min(q1, q2) + (1 - c1 c2) q1 q2") {
    const auto t = joint(0.5, 0.5);
    const double p = 0.25 * std::min(q1, q2) + 0.75 * q1 * q2;
    CHECK(std::abs(ratio(t.commission, t.tasks) - p) < 4 * binomial_se(p, t.tasks));
  }
  SECTION("sharing on one side only is independence") {
    const auto t = joint(1.0, 0.0);
    CHECK(std::abs(ratio(t.commission, t.tasks) - q1 * q2) < 4 * binomial_se(q1 * q2, t.tasks));
  }
}
