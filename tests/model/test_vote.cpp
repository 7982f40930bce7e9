// The vote kind: k-out-of-n groups of channels, common causes over the group per demand
// and for latent failures, proof tests and audits, and the faults of its keys.

#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>

#include "sim/model/simulation.h"
#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

VoteSpec group(std::uint32_t required, std::uint32_t channels, double detect, double beta = 0.0) {
  VoteSpec v;
  v.required = required;
  v.channels = channels;
  v.detect_error = detect;
  v.false_alarm = 0.0;
  if (beta > 0.0) {
    v.common_cause.model = CommonCauseModel::beta;
    v.common_cause.beta = beta;
  }
  return v;
}

// src -> ai -> group -> out
ScenarioSpec through(AiSpec model, VoteSpec v, double rate = 1000.0, Time horizon = 100.0) {
  return scenario(horizon, {context("c")},
                  {component("src", source(rate), {.pass = "ai"}),
                   component("ai", std::move(model), {.pass = "group"}),
                   component("group", v, {.pass = "out"}), component("out", OutcomeSpec{})});
}

}  // namespace

TEST_CASE("a vote flags when at least k of its n channels do", "[model][vote][statistical]") {
  // Independent channels detecting with p: 1oo2 misses (1 - p)^2, 2oo3 misses when at
  // most one detects.
  const double p = 0.7, q = 1 - p;
  const auto one_of_two = run(through(ai(0.0), group(1, 2, p)), 2);
  CHECK(std::abs(ratio(one_of_two.harms, one_of_two.tasks) - q * q) <
        4 * binomial_se(q * q, one_of_two.tasks));
  const auto two_of_three = run(through(ai(0.0), group(2, 3, p)), 2);
  const double miss = q * q * q + 3 * p * q * q;
  CHECK(std::abs(ratio(two_of_three.harms, two_of_three.tasks) - miss) <
        4 * binomial_se(miss, two_of_three.tasks));

  // False alarms on good outputs need k channels too: 2oo3 alarms 3 f^2 - 2 f^3.
  auto alarms = group(2, 3, p);
  alarms.false_alarm = 0.2;
  const auto good = run(through(ai(1.0), alarms), 2);
  const double f = 0.2, expected = 3 * f * f - 2 * f * f * f;
  CHECK(std::abs(ratio(good.false_alarms, good.tasks) - expected) <
        4 * binomial_se(expected, good.tasks));
}

TEST_CASE("a vote's beta factor keeps each channel's miss probability",
          "[model][vote][ccf][statistical]") {
  // 1oo2, beta = 0.3 of each channel's miss intensity h = -ln(1 - q) common: both miss with
  // 1 - 2 e^-h + e^-(2 - beta) h; the common event alone, 1 - e^-beta h.
  const double p = 0.8, q = 1 - p, beta = 0.3, h = -std::log(p);
  const auto t = run(through(ai(0.0), group(1, 2, p, beta)), 2);
  const double both = 1 - 2 * std::exp(-h) + std::exp(-(2 - beta) * h);
  CHECK(std::abs(ratio(t.harms, t.tasks) - both) < 4 * binomial_se(both, t.tasks));
  // Harms the pair would have stopped but for the common event: both miss only through
  // it, P(common) - P(common and both also missed alone).
  const double alone = 1 - std::exp(-(1 - beta) * h);
  const double common = (1 - std::exp(-beta * h)) * (1 - alone * alone);
  CHECK(std::abs(ratio(t.common_cause, t.tasks) - common) < 4 * binomial_se(common, t.tasks));
  // One channel alone still misses q: the group of one ignores beta.
  const auto single = run(through(ai(0.0), group(1, 1, p, beta)), 2);
  CHECK(std::abs(ratio(single.harms, single.tasks) - q) < 4 * binomial_se(q, single.tasks));
}

TEST_CASE("a vote's latent failures: common events, staggered tests, audits",
          "[model][vote][latent][statistical]") {
  // beta = 1: every latent failure takes both channels down together, so the 1oo2 is a
  // 1oo1: PFD avg 1 - (1 - e^-x) / x, x = lambda T.
  const double lambda = 0.01, interval = 100.0;
  auto v = group(1, 2, 1.0, 1.0);
  v.latent_failure_rate = lambda;
  v.test_interval = interval;
  const auto t = run(through(ai(0.0), v, 1.0, 10000.0), 10);
  const double x = lambda * interval;
  const auto u = mean_se(t.harm_fraction);
  CHECK(std::abs(u.mean - (1 - (1 - std::exp(-x)) / x)) < 4 * u.se);
  CHECK(t.common_cause == t.harms);
  CHECK(t.latent_failures % 2 == 0);  // channels fail in pairs
  CHECK(t.latent_involved == t.harms);

  // Never tested and never audited: a failed channel stays down. A 1oo1 vote over a long
  // horizon is down with probability 1 - (1 - e^-lambda H) / (lambda H) on average.
  auto untested = group(1, 1, 1.0);
  untested.latent_failure_rate = lambda;
  const auto n = run(through(ai(0.0), untested, 1.0, 500.0), 40);
  const double y = lambda * 500.0;
  const auto w = mean_se(n.harm_fraction);
  CHECK(std::abs(w.mean - (1 - (1 - std::exp(-y)) / y)) < 4 * w.se);
  CHECK(n.latent_found == 0);
}

TEST_CASE("a vote's rules: required <= channels, one alpha factor per multiplicity",
          "[model][vote][validation]") {
  auto refusal = [](VoteSpec v) {
    try {
      Simulation sim(through(ai(0.0), v));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(refusal(group(3, 2, 0.9)),
             Catch::Contains("component 'group' requires 3 channels to flag but has 2; expected "
                             "required <= channels"));
  auto alpha = group(1, 3, 0.9);
  alpha.common_cause.model = CommonCauseModel::alpha;
  alpha.common_cause.alpha = {0.9, 0.1};
  CHECK_THAT(refusal(alpha), Catch::Contains("component 'group' has 2 common_cause.alpha factors "
                                             "for 3 channels; expected one per multiplicity, "
                                             "[alpha_1, ..., alpha_3]"));
  auto too_many = group(1, 5, 0.9);
  CHECK_THAT(refusal(too_many), Catch::Contains("'group.channels'"));
}
