// Common random numbers at every component (issue 19): a task's draws are keyed by the
// task, so a change upstream that alters which tasks reach a component leaves the draws
// of the tasks that still reach it untouched, and a paired difference downstream is
// exactly paired.

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>

#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

// users -> model -> filter -> shield -> world. Every output is correct, so the hazards
// are exactly the malicious tasks (misuse); the filter only raises false alarms (on
// benign tasks), and the shield stops a misuse hazard with probability q.
ScenarioSpec routed(double filter_false_alarm, double rate, Time horizon, double malicious,
                    double q) {
  SafeguardSpec filter = safeguard(0.0, filter_false_alarm);
  DefenceSpec shield;
  shield.detect_misuse = q;
  shield.detect_error = 0.0;
  shield.false_alarm = 0.0;
  return scenario(
      horizon, {context("c", 1.0, true, malicious)},
      {component("users", source(rate), {.pass = "model"}),
       component("model", ai(1.0), {.pass = "filter"}),
       component("filter", filter, {.pass = "shield"}),
       component("shield", shield, {.pass = "world"}), component("world", OutcomeSpec{true})});
}

}  // namespace

TEST_CASE("a paired difference after an upstream routing change is exactly paired",
          "[model][crn][statistical]") {
  // Point A lets every task through the filter; point B blocks every benign task there
  // (false_alarm = 1). The shield downstream sees the same malicious tasks at both
  // points, in the same order, but at A interleaved with the benign ones.
  const double rate = 100.0, horizon = 10.0, pi = 0.5, q = 0.5;
  const double lambda = rate * horizon;  // expected tasks per replication
  const std::uint32_t replications = 200;
  const auto a = run(routed(0.0, rate, horizon, pi, q), replications);
  const auto b = run(routed(1.0, rate, horizon, pi, q), replications);

  // The routing did change: B blocked every benign task at the filter, A none.
  CHECK(a.false_alarms == 0);
  CHECK(b.false_alarms == b.benign);
  CHECK(b.benign > 0);

  // Benign tasks never harm, so the harms are the misuse hazards the shield misses. With
  // the draws keyed by task, each replication's harms are the same at both points: the
  // paired difference is 0 in every replication, its variance exactly 0.
  std::uint64_t identical = 0;
  for (std::uint32_t r = 0; r < replications; ++r)
    identical += a.replications[r].harms == b.replications[r].harms ? 1 : 0;
  CHECK(identical == replications);

  // Under the previous scheme (each component's draws read in the order of the tasks
  // reaching it), the shield's j-th draw went to its j-th task: at B that is the j-th
  // malicious task, at A the j-th task of either intent. Given the intents, the paired
  // difference is a sum of the indicators [v_j >= q] (variance q(1 - q) each) over the
  // positions j where exactly one point has a malicious task; with N tasks of which N_M
  // malicious, those positions number 2 x, x hypergeometric with mean N_M (N - N_M) / N,
  // and its mean is 0. So Var_old = 2 q (1 - q) E[N_M (N - N_M) / N]
  //                               = 2 q (1 - q) pi (1 - pi) (lambda - 1 + e^-lambda):
  // the reduction is all of it. (The previous scheme, run on this case for 1,000
  // replications, gave a sample variance of 118.9, within its standard error of about
  // 124.9 * sqrt(2 / 999) = 5.6 of this formula.)
  const double var_old = 2.0 * q * (1.0 - q) * pi * (1.0 - pi) * (lambda - 1.0 + std::exp(-lambda));
  CHECK(var_old == Approx(124.875));

  // And the harms are what they should be: each malicious task missed with 1 - q.
  const double expected = lambda * pi * (1.0 - q);
  std::vector<double> harms;
  for (const auto& m : a.replications) harms.push_back(static_cast<double>(m.harms));
  const MeanSe h = mean_se(harms);
  CHECK(std::abs(h.mean - expected) < 4.0 * std::sqrt(expected / replications));
}
