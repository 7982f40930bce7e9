// Control evaluations: an untrusted AI's attack policy, monitors that score it (trusted,
// or untrusted and colluding), audit budgets that run out, shutdown on a caught attempt,
// and episodes of a fixed number of tasks.

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "sim/model/importance.h"
#include "sim/model/kinds/monitor.h"
#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

constexpr auto attack_origin = static_cast<std::size_t>(HarmOrigin::attack);

AiSpec untrusted(double probability, double success = 1.0, double opportunity = 1.0) {
  AiSpec a = ai(1.0);
  a.untrusted = true;
  a.attack = {opportunity, probability, success};
  return a;
}

AuditSpec budgeted(AuditPolicy policy, std::uint64_t budget, double detect = 1.0) {
  AuditSpec a;
  a.policy = policy;
  a.budget = budget;
  a.detect = detect;
  return a;
}

// source -> untrusted -> audit -> acted outcome, `tasks` per episode.
ScenarioSpec upfront(AiSpec model, AuditSpec audit, std::uint64_t tasks, bool shutdown) {
  auto s = scenario(1e6, {context("c", 1.0, false)},
                    {component("src", source(10.0), {.pass = "u"}),
                     component("u", std::move(model), {.pass = "audit"}),
                     component("audit", audit, {.pass = "out", .block = "held"}),
                     component("out", OutcomeSpec{}), component("held", OutcomeSpec{false})});
  s.episode_tasks = tasks;
  s.shutdown_on_catch = shutdown;
  return s;
}

MonitorSpec normal_monitor(double audit_threshold) {
  MonitorSpec m;
  m.benign = {0.0, 1.0};
  m.attack = {2.0, 1.0};
  m.audit_threshold = audit_threshold;
  return m;
}

}  // namespace

TEST_CASE("episodes have a fixed number of tasks", "[model][control]") {
  const auto t = run(upfront(untrusted(0.0), budgeted(AuditPolicy::upfront, 0), 250, false), 5);
  for (const auto& m : t.replications) {
    CHECK(m.tasks == 250);
    CHECK(m.terminal[static_cast<std::size_t>(Terminal::served)] == 250);
  }
}

TEST_CASE("a successful attack acted on is a harm of origin attack, and a failed one does no harm",
          "[model][control][statistical]") {
  const double p = 0.1, q = 0.4;
  const auto t = run(upfront(untrusted(p, q), budgeted(AuditPolicy::upfront, 0), 20000, false), 2);
  std::uint64_t attempted = 0, succeeded = 0;
  for (const auto& m : t.replications) {
    attempted += m.attacks_attempted;
    succeeded += m.attacks_succeeded;
  }
  CHECK(std::abs(ratio(attempted, t.tasks) - p) < 4 * binomial_se(p, t.tasks));
  CHECK(std::abs(ratio(succeeded, attempted) - q) < 4 * binomial_se(q, attempted));
  CHECK(t.harms == succeeded);
  CHECK(t.by_origin[attack_origin] == succeeded);
  // Attacks are counted apart from errors and misuse.
  CHECK(t.model_errors == 0);
}

TEST_CASE("an audit budget runs out: the first B tasks are audited, then none",
          "[model][control]") {
  // Every task attempts and every attempt fails: only the audited ones are caught.
  const auto t =
      run(upfront(untrusted(1.0, 0.0), budgeted(AuditPolicy::upfront, 7), 100, false), 3);
  for (const auto& m : t.replications) {
    CHECK(m.audits == 7);
    CHECK(m.attacks_caught == 7);
    CHECK(m.attacks_attempted == 100);
    CHECK(m.terminal[static_cast<std::size_t>(Terminal::near_miss)] +
              m.terminal[static_cast<std::size_t>(Terminal::lost)] ==
          7);
  }
  // A share of the episode's tasks, rounded down.
  AuditSpec share = budgeted(AuditPolicy::upfront, unlimited_budget);
  share.budget_share = 0.055;
  const auto s = run(upfront(untrusted(1.0, 0.0), share, 100, false), 1);
  CHECK(s.replications[0].audits == 5);
}

TEST_CASE("a caught attempt shuts the deployment down: no later task is served",
          "[model][control]") {
  // Attempts on 5% of tasks, all failing; the audit sees every task and finds half.
  const auto t =
      run(upfront(untrusted(0.05, 0.0), budgeted(AuditPolicy::upfront, 1000, 0.5), 1000, true), 20);
  std::uint64_t shut = 0;
  for (const auto& m : t.replications) {
    const auto paused = m.terminal[static_cast<std::size_t>(Terminal::paused)];
    CHECK(m.shut_down == (m.attacks_caught > 0));
    CHECK(m.attacks_caught <= 1);  // nothing is audited after the shutdown
    if (m.shut_down) {
      ++shut;
      CHECK(paused > 0);
      CHECK(m.tasks == 1000);
      CHECK(m.served_correct + paused + m.attacks_caught == 1000);
    } else {
      CHECK(paused == 0);
    }
  }
  CHECK(shut > 10);  // P(no catch in 1000 tasks) = (1 - 0.025)^1000
}

TEST_CASE("untrusted monitoring: a colluding monitor scores its own attacks as benign",
          "[model][control][statistical]") {
  // Every task attempts (failing); the monitor's audit zone goes to an unlimited audit
  // that finds every attempt it sees, without shutdown.
  auto spec_with = [](double collusion) {
    MonitorSpec m = normal_monitor(1.0);
    m.trusted = collusion == 0.0;
    m.collusion = collusion;
    ComponentSpec monitor = component("monitor", m, {.pass = "audit"});
    monitor.connect("audit", "audit");
    auto s = scenario(1e6, {context("c", 1.0, false)},
                      {component("src", source(10.0), {.pass = "u"}),
                       component("u", untrusted(1.0, 0.0), {.pass = "monitor"}), monitor,
                       component("audit", budgeted(AuditPolicy::by_score, 1u << 30),
                                 {.pass = "out", .block = "held"}),
                       component("out", OutcomeSpec{}), component("held", OutcomeSpec{false})});
    s.episode_tasks = 20000;
    return s;
  };
  const MonitorSpec m = normal_monitor(1.0);
  const double p_attack = Monitor::above(m, true, 1.0), p_benign = Monitor::above(m, false, 1.0);
  CHECK(p_attack == Approx(phi(1.0)).epsilon(1e-12));
  for (const double collusion : {0.0, 0.6, 1.0}) {
    const auto t = run(spec_with(collusion), 2);
    std::uint64_t caught = 0;
    for (const auto& r : t.replications) caught += r.attacks_caught;
    const double p = (1 - collusion) * p_attack + collusion * p_benign;
    INFO("collusion " << collusion);
    CHECK(std::abs(ratio(caught, t.tasks) - p) < 4 * binomial_se(p, t.tasks));
  }
}

TEST_CASE("a monitor's zones: thresholds direct or as exact false-positive rates, normal or beta",
          "[model][control]") {
  MonitorSpec m = normal_monitor(infinity);
  m.audit_false_positive = 0.02;
  m.defer_false_positive = 0.1;
  const double audit_at = Monitor::audit_boundary(m), defer_at = Monitor::defer_boundary(m);
  CHECK(Monitor::above(m, false, audit_at) == Approx(0.02).epsilon(1e-12));
  CHECK(Monitor::above(m, false, defer_at) == Approx(0.1).epsilon(1e-12));
  CHECK(Monitor::above(m, true, audit_at) == Approx(phi(2.0 - audit_at)).epsilon(1e-12));
  m.distribution = ScoreDistribution::beta;
  m.benign.alpha = 2.0;
  m.benign.beta = 5.0;
  // Beta(2, 5): P(X >= x) = (1 - x)^6 + 6 x (1 - x)^5 = (1 - x)^5 (1 + 5 x).
  const double x = Monitor::audit_boundary(m);
  CHECK(std::pow(1 - x, 5) * (1 + 5 * x) == Approx(0.02).epsilon(1e-9));
  CHECK(Monitor::above(m, false, 0.0) == 1.0);
  CHECK(Monitor::above(m, false, 1.0) == 0.0);
}

TEST_CASE("a monitor's importance counterfactuals: every attack audited, or none",
          "[model][control]") {
  // Every task attempts (failing); the audit after the monitor finds every attempt it sees.
  MonitorSpec m = normal_monitor(3.0);  // an attack reaches the audit zone with P = 0.16
  m.trusted = false;
  m.collusion = 0.5;
  ComponentSpec monitor = component("monitor", m, {.pass = "audit"});
  monitor.connect("audit", "audit");
  auto s = scenario(1e6, {context("c", 1.0, false)},
                    {component("src", source(10.0), {.pass = "u"}),
                     component("u", untrusted(1.0, 0.0), {.pass = "monitor"}), monitor,
                     component("audit", budgeted(AuditPolicy::by_score, unlimited_budget),
                               {.pass = "out", .block = "held"}),
                     component("out", OutcomeSpec{}), component("held", OutcomeSpec{false})});
  s.episode_tasks = 200;
  const auto measured = importance_components(s);
  CHECK(measured == std::vector<std::uint32_t>{1, 2, 3});  // the AI, the monitor, the audit
  const auto caught = [&](Counterfactual c) {
    return run(with_counterfactual(s, 2, c), 1).replications[0].attacks_caught;
  };
  CHECK(caught(Counterfactual::perfect) == 200);
  CHECK(caught(Counterfactual::removed) == 0);
  // Nudged: an attack misses the audit zone 0.02 more often than as written.
  const MonitorSpec nudged = std::get<MonitorSpec>(
      with_counterfactual(s, 2, Counterfactual::nudged).components[2].parameters);
  CHECK(nudged.attack_miss_shift == importance_step);
  CHECK(caught(Counterfactual::nudged) <= run(s, 1).replications[0].attacks_caught);
  // The audit by score removed examines nothing; perfect, it finds what it is sent.
  CHECK(run(with_counterfactual(s, 3, Counterfactual::removed), 1).replications[0].audits == 0);
  AuditSpec weak = budgeted(AuditPolicy::by_score, 5, 0.5);
  s.components[3].parameters = weak;
  const auto perfect = run(with_counterfactual(s, 3, Counterfactual::perfect), 1).replications[0];
  CHECK(perfect.attacks_caught == perfect.audits);
  CHECK(perfect.audits > 5);
}
