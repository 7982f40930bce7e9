// Mechanism 3: safeguards — detection and false alarms, layering, common-cause coupling
// (beta factor and correlated difficulty), latent failures found by tests and audits.

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

// src -> ai -> guards[0] -> guards[1] -> ... -> out
ScenarioSpec chain(AiSpec model, std::vector<SafeguardSpec> guards, double rate = 1000.0,
                   Time horizon = 100.0, std::vector<ContextSpec> contexts = {context("c")}) {
  std::vector<ComponentSpec> comps;
  comps.push_back(component("src", source(rate), {.pass = "ai"}));
  comps.push_back(component("ai", std::move(model), {.pass = guards.empty() ? "out" : "g0"}));
  // Appended, not "g" + to_string(i): g++ 12 warns falsely (-Wrestrict) on that
  // operator+ once enough is inlined around it.
  auto guard = [](std::size_t i) { return std::string("g").append(std::to_string(i)); };
  for (std::size_t i = 0; i < guards.size(); ++i) {
    const std::string next = i + 1 < guards.size() ? guard(i + 1) : "out";
    comps.push_back(component(guard(i), guards[i], {.pass = next}));
  }
  comps.push_back(component("out", OutcomeSpec{}));
  return scenario(horizon, std::move(contexts), std::move(comps));
}

// Poisson standard error of a small rate p per task over n tasks.
double rare_se(double p, std::uint64_t n) { return std::sqrt(p / static_cast<double>(n)); }

}  // namespace

TEST_CASE("independent layers multiply their miss rates", "[model][safeguard][statistical]") {
  const double r = 0.5, d1 = 0.8, d2 = 0.6, f1 = 0.05, f2 = 0.1;
  const auto t = run(chain(ai(r), {safeguard(d1, f1), safeguard(d2, f2)}), 2);
  const double harm = (1 - r) * (1 - d1) * (1 - d2);
  CHECK(std::abs(ratio(t.harms, t.tasks) - harm) < 4 * binomial_se(harm, t.tasks));
  const double near1 = (1 - r) * d1, near2 = (1 - r) * (1 - d1) * d2;
  CHECK(std::abs(ratio(t.near_by_layer[2], t.tasks) - near1) < 4 * binomial_se(near1, t.tasks));
  CHECK(std::abs(ratio(t.near_by_layer[3], t.tasks) - near2) < 4 * binomial_se(near2, t.tasks));
  const double alarms = r * (f1 + (1 - f1) * f2);
  CHECK(std::abs(ratio(t.false_alarms, t.tasks) - alarms) < 4 * binomial_se(alarms, t.tasks));
  CHECK(t.benign_lost == t.false_alarms);
  CHECK(t.harm_by_last_layer[3] == t.harms);  // the second safeguard was the last chance
}

TEST_CASE("reliability 0.7 inside layered safeguards beats reliability 0.999 alone",
          "[model][safeguard][demo]") {
  const double d = 0.95;
  const auto layered =
      run(chain(ai(0.7), {safeguard(d, 0.01), safeguard(d, 0.01), safeguard(d, 0.01)}), 2);
  const auto bare = run(chain(ai(0.999), {}), 2);
  const double p_layered = 0.3 * std::pow(1 - d, 3), p_bare = 0.001;
  const double rate_layered = ratio(layered.harms, layered.tasks);
  const double rate_bare = ratio(bare.harms, bare.tasks);
  CHECK(std::abs(rate_layered - p_layered) < 4 * rare_se(p_layered, layered.tasks));
  CHECK(std::abs(rate_bare - p_bare) < 4 * rare_se(p_bare, bare.tasks));
  CHECK(rate_layered + 4 * rare_se(p_layered, layered.tasks) <
        rate_bare - 4 * rare_se(p_bare, bare.tasks));
  // ...while the model itself is far less reliable.
  CHECK(ratio(layered.model_errors, layered.tasks) > 100 * ratio(bare.model_errors, bare.tasks));
}

TEST_CASE("a monitor judging by the model's own difficulty misses where the model errs",
          "[model][safeguard][demo]") {
  const double r = 0.95, d = 0.95;
  auto correlated = [&](double c) {
    SafeguardSpec g = safeguard(d);
    g.coupling = {.with = "ai", .difficulty_correlation = c};
    return run(chain(ai(r), {g}), 2);
  };
  const auto independent = correlated(0.0);
  const auto shared = correlated(1.0);
  const auto half = correlated(0.5);
  const double product = (1 - r) * (1 - d);
  // Fully correlated: the monitor misses the hardest 1 - d tasks, which include all the model's
  // errors.
  const double p_shared = 1 - std::max(r, d);
  const double p_half = 0.5 * p_shared + 0.5 * product;
  CHECK(std::abs(ratio(independent.harms, independent.tasks) - product) <
        4 * rare_se(product, independent.tasks));
  CHECK(std::abs(ratio(shared.harms, shared.tasks) - p_shared) <
        4 * binomial_se(p_shared, shared.tasks));
  CHECK(std::abs(ratio(half.harms, half.tasks) - p_half) < 4 * binomial_se(p_half, half.tasks));
  CHECK(ratio(shared.harms, shared.tasks) >= 10 * product);
  CHECK(shared.common_cause == shared.harms);
  CHECK(independent.common_cause == 0);
  // The monitor's marginal detection over all tasks is unchanged: only its alignment moved.
  CHECK(shared.tasks == independent.tasks);
}

TEST_CASE("beta-factor coupling: a shared cause defeats the monitor when the model fails",
          "[model][safeguard]") {
  const double r = 0.9, d = 0.9, beta = 0.3;
  SafeguardSpec g = safeguard(d);
  g.coupling = {.with = "ai", .demand_beta = beta};
  const auto t = run(chain(ai(r), {g}), 2);
  const double p = (1 - r) * (beta + (1 - beta) * (1 - d));
  CHECK(std::abs(ratio(t.harms, t.tasks) - p) < 4 * binomial_se(p, t.tasks));
  const double p_cc = (1 - r) * beta;
  CHECK(std::abs(ratio(t.common_cause, t.tasks) - p_cc) < 4 * binomial_se(p_cc, t.tasks));

  // Between two safeguards: the second fails with probability beta when the first missed.
  SafeguardSpec second = safeguard(d);
  second.coupling = {.with = "g0", .demand_beta = beta};
  const auto two = run(chain(ai(r), {safeguard(d), second}), 2);
  const double p2 = (1 - r) * (1 - d) * (beta + (1 - beta) * (1 - d));
  CHECK(std::abs(ratio(two.harms, two.tasks) - p2) < 4 * binomial_se(p2, two.tasks));
}

namespace {

// Every task carries a hazard; one perfect safeguard stops it unless the safeguard is
// down, so the harm fraction estimates the safeguard's unavailability (arrivals see
// time averages).
SafeguardSpec latent(double lambda, Time interval, Time repair = 0.0) {
  SafeguardSpec g = safeguard(1.0);
  g.latent_failure_rate = lambda;
  g.test_interval = interval;
  g.repair_time = repair;
  return g;
}

}  // namespace

TEST_CASE("latent failures with periodic proof tests: unavailability 1 - (1 - e^-lT)/(lT)",
          "[model][safeguard][latent]") {
  const double lambda = 0.01, interval = 100.0;
  const Time horizon = 10000.0;
  const auto t = run(chain(ai(0.0), {latent(lambda, interval)}, 1.0, horizon), 20);
  const double x = lambda * interval;
  const double unavailability = 1 - (1 - std::exp(-x)) / x;
  const auto u = mean_se(t.harm_fraction);
  CHECK(std::abs(u.mean - unavailability) < 4 * u.se);
  CHECK(u.mean > 0.3);  // far from the lambda*T/2 = 0.5 approximation's regime, and far from 0
  // At most one failure per test interval (a failed safeguard cannot fail again).
  const double intervals = horizon / interval;
  const double p_fail = 1 - std::exp(-x);
  const double expected = 20 * intervals * p_fail;
  const double se = std::sqrt(20 * intervals * p_fail * (1 - p_fail));
  CHECK(std::abs(static_cast<double>(t.latent_failures) - expected) < 4 * se);
  for (const auto& m : t.replications) CHECK(m.latent_failures_found + 1 >= m.latent_failures);
  CHECK(t.latent_involved == t.harms);

  // Small lambda*T: the classic lambda*T/2 approximation.
  const auto small = run(chain(ai(0.0), {latent(0.001, 20.0)}, 1.0, horizon), 10);
  const auto us = mean_se(small.harm_fraction);
  CHECK(std::abs(us.mean - 0.001 * 20.0 / 2) < 4 * us.se + 0.001 * 20.0 * 0.001 * 20.0 / 6);

  // Repairs that take time keep the safeguard down longer.
  const auto slow = run(chain(ai(0.0), {latent(lambda, interval, 30.0)}, 1.0, horizon), 10);
  const auto ur = mean_se(slow.harm_fraction);
  CHECK(ur.mean > unavailability + 4 * ur.se);
}

TEST_CASE("audits reveal latent failures of the safeguards a sampled task passed",
          "[model][safeguard][latent]") {
  // Down time ends at the first sampled task: Exp(rate * sample). Unavailability
  // = lambda / (lambda + rate * sample).
  const double lambda = 0.05, rate = 10.0, sample = 0.02;
  AuditSpec audit;
  audit.sample = sample;
  audit.detect = 0.0;
  auto s = scenario(
      2000.0, {context("c")},
      {component("src", source(rate), {.pass = "ai"}), component("ai", ai(0.0), {.pass = "g"}),
       component("g", latent(lambda, 0.0), {.pass = "audit"}),
       component("audit", audit, {.pass = "out"}), component("out", OutcomeSpec{})});
  const auto t = run(s, 10);
  const auto u = mean_se(t.harm_fraction);
  const double expected = lambda / (lambda + rate * sample);
  CHECK(std::abs(u.mean - expected) < 4 * u.se);
  CHECK(t.latent_found + 10 >= t.latent_failures);
  CHECK(t.latent_found > 0);
}

TEST_CASE("beta-coupled latent failures take down both safeguards at once",
          "[model][safeguard][latent]") {
  const double lambda = 0.01, interval = 100.0;
  auto pair = [&](double beta, double first_rate) {
    SafeguardSpec second = latent(lambda, interval);
    second.coupling = {.with = "g0", .latent_beta = beta};
    return run(chain(ai(0.0), {latent(first_rate, interval), second}, 1.0, 10000.0), 10);
  };
  // beta = 1: every failure is common (all of each one's rate), so both are down together
  // exactly when the second is.
  const auto common = pair(1.0, lambda);
  const double x = lambda * interval;
  const auto u = mean_se(common.harm_fraction);
  CHECK(std::abs(u.mean - (1 - (1 - std::exp(-x)) / x)) < 4 * u.se);
  CHECK(common.common_cause == common.harms);
  CHECK(common.latent_failures % 2 == 0);  // always in pairs
  // beta = 0 and a first that never fails: the pair never lets a hazard through.
  const auto independent = pair(0.0, 0.0);
  CHECK(independent.harms == 0);
  CHECK(independent.latent_failures > 0);
}

TEST_CASE("a layer acts only on the tasks it covers, and the others pass it untouched",
          "[model][safeguard][statistical]") {
  // Contexts a (hazardous) and b (harmless outputs): a safeguard that flags everything it
  // handles, covering half of a and none of b.
  SafeguardSpec everything = safeguard(1.0, 1.0);
  auto spec = chain(ai(0.5), {everything}, 1000.0, 100.0,
                    {context("a", 0.5, true), context("b", 0.5, false)});
  spec.components[2].coverage = 0.5;
  spec.components[2].coverage_by_context["b"] = 0.0;
  const auto t = run(spec, 2);
  // Harm: an error in a that was not covered (0.5 x 0.5 x 0.5 of tasks); no false alarm in b.
  const double harm = 0.5 * 0.5 * 0.5, alarms = 0.5 * 0.5 * 0.5;
  CHECK(std::abs(ratio(t.harms, t.tasks) - harm) < 4 * binomial_se(harm, t.tasks));
  CHECK(std::abs(ratio(t.false_alarms, t.tasks) - alarms) < 4 * binomial_se(alarms, t.tasks));
  // An uncovered hazard did not fail the layer: the model was the last layer it passed.
  CHECK(t.harm_by_last_layer[1] == t.harms);
  CHECK(t.harm_by_last_layer[2] == 0);

  // Full coverage draws nothing more: the same trajectories as without the key.
  auto full = spec;
  full.components[2].coverage = 1.0;
  full.components[2].coverage_by_context.clear();
  auto plain = chain(ai(0.5), {everything}, 1000.0, 100.0,
                     {context("a", 0.5, true), context("b", 0.5, false)});
  CHECK(run(full, 2).harms == run(plain, 2).harms);
  CHECK(run(full, 2).false_alarms == run(plain, 2).false_alarms);
}
