// Mechanisms 5 and 7: protocols (audit sampling, drift, pause after harm) and outcomes
// over time (time to first harm, the harm series, time-varying arrivals).

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

// src -> ai -> audit -> out
ScenarioSpec audited(AiSpec model, AuditSpec audit, bool acted, double rate, Time horizon) {
  return scenario(horizon, {context("c")},
                  {component("src", source(rate), {.pass = "ai"}),
                   component("ai", std::move(model), {.pass = "audit"}),
                   component("audit", std::move(audit), {.pass = "out"}),
                   component("out", OutcomeSpec{acted})});
}

// Mean over [0, horizon] of max(floor, exp(-t / tau)): drift with no harm.
double mean_drift(double floor, double tau, double horizon) {
  const double knee = tau * std::log(1 / floor);
  return (tau * (1 - floor) + floor * (horizon - knee)) / horizon;
}

}  // namespace

TEST_CASE("audit sampling catches hazards in the sample", "[model][protocol][statistical]") {
  const double sample = 0.3, detect = 0.8;
  AuditSpec a;
  a.sample = sample;
  a.detect = detect;
  const auto t = run(audited(ai(0.5), a, true, 1000.0, 100.0), 1);
  const double caught = sample * detect;
  CHECK(std::abs(ratio(t.near_by_layer[2], t.hazardous) - caught) <
        4 * binomial_se(caught, t.hazardous));
  CHECK(t.harms + t.near_by_layer[2] == t.hazardous);
}

TEST_CASE("drift: the audit rate erodes while nothing goes wrong",
          "[model][protocol][statistical]") {
  const double sample = 0.5, floor = 0.1, tau = 20.0;
  const Time horizon = 200.0;
  AuditSpec a;
  a.sample = sample;
  a.detect = 1.0;
  a.drift.enabled = true;
  a.drift.floor = floor;
  a.drift.time_constant = tau;
  // Outputs are not acted on, so no harm ever resets the drift.
  const auto quiet = run(audited(ai(0.5), a, false, 1000.0, horizon), 1);
  const double expected = sample * mean_drift(floor, tau, horizon);
  CHECK(std::abs(ratio(quiet.near_by_layer[2], quiet.hazardous) - expected) <
        4 * binomial_se(expected, quiet.hazardous));
  // When misses are acted on, each harm restores the audit: it samples far more.
  const auto harmed = run(audited(ai(0.5), a, true, 1000.0, horizon), 1);
  const double restored = ratio(harmed.near_by_layer[2], harmed.hazardous);
  CHECK(restored > 0.45);
  // Tightening after harm: the multiplier starts at after_harm and is capped at 1 as a probability.
  a.drift.after_harm = 2.0;
  const auto tight = run(audited(ai(0.5), a, true, 1000.0, horizon), 1);
  CHECK(ratio(tight.near_by_layer[2], tight.hazardous) > restored);
}

TEST_CASE("drift erodes review thoroughness too", "[model][protocol][statistical]") {
  const double d = 0.9, floor = 0.2, tau = 30.0;
  const Time horizon = 200.0;
  OperatorSpec o;
  o.count = 1000;
  o.review_time = 0.001;
  o.detect = d;
  o.drift.enabled = true;
  o.drift.floor = floor;
  o.drift.time_constant = tau;
  auto s = scenario(
      horizon, {context("c")},
      {component("src", source(1000.0), {.pass = "ai"}), component("ai", ai(0.5), {.pass = "ops"}),
       component("ops", o, {.pass = "out"}), component("out", OutcomeSpec{false})});
  const auto t = run(s, 1);
  const double expected = d * mean_drift(floor, tau, horizon);
  const auto& pm = t.operators[0];
  CHECK(std::abs(ratio(pm.caught, pm.hazards_seen) - expected) <
        4 * binomial_se(expected, pm.hazards_seen));
}

TEST_CASE("pause after harm: service is suspended after each harm",
          "[model][protocol][statistical]") {
  // Harms arrive at rate lambda * p while serving; each suspends service for P. The
  // share of time (and of arrivals) paused is P / (P + 1 / (lambda p)).
  const double lambda = 10.0, p = 0.01, pause = 5.0;
  const Time horizon = 2000.0;
  auto s = scenario(horizon, {context("c")},
                    {component("src", source(lambda), {.pass = "ai"}),
                     component("ai", ai(1 - p), {.pass = "out"}), component("out", OutcomeSpec{})});
  s.pause_after_harm = pause;
  const auto t = run(s, 10);
  const double expected = pause / (pause + 1 / (lambda * p));
  std::vector<double> paused_tasks, paused_time;
  for (const auto& m : t.replications) {
    paused_tasks.push_back(ratio(m.terminal[static_cast<std::size_t>(Terminal::paused)], m.tasks));
    paused_time.push_back(m.paused_time / horizon);
  }
  const auto pt = mean_se(paused_tasks), pc = mean_se(paused_time);
  CHECK(std::abs(pt.mean - expected) < 4 * pt.se);
  CHECK(std::abs(pc.mean - expected) < 4 * pc.se);
  CHECK(t.benign_lost == t.paused);  // every task here is benign
}

TEST_CASE("time to first harm is exponential, censored at the horizon",
          "[model][outcome][statistical]") {
  // Harms form a Poisson process of rate h: E[min(T, H)] = (1 - e^{-hH}) / h.
  const double lambda = 10.0, p = 0.001, h = lambda * p;
  const Time horizon = 100.0;
  auto s = scenario(horizon, {context("c")},
                    {component("src", source(lambda), {.pass = "ai"}),
                     component("ai", ai(1 - p), {.pass = "out"}), component("out", OutcomeSpec{})});
  const auto t = run(s, 400);
  std::vector<double> first;
  std::uint64_t censored = 0;
  for (const auto& m : t.replications) {
    first.push_back(m.time_to_first_harm);
    if (!m.first_harm_observed) {
      ++censored;
      CHECK(m.time_to_first_harm == horizon);
    }
  }
  const auto f = mean_se(first);
  CHECK(std::abs(f.mean - (1 - std::exp(-h * horizon)) / h) < 4 * f.se);
  const double p_censored = std::exp(-h * horizon);
  CHECK(std::abs(ratio(censored, 400) - p_censored) < 4 * binomial_se(p_censored, 400));
}

TEST_CASE("the harm series bins harms over the horizon, following the arrival profile",
          "[model][outcome][statistical]") {
  // Arrivals only in the first half of each 10-hour period; bins are 5 hours wide.
  SourceSpec src = source(100.0);
  src.profile = {1.0, 0.0};
  src.profile_period = 10.0;
  auto s = scenario(100.0, {context("c")},
                    {component("src", src, {.pass = "ai"}),
                     component("ai", ai(0.9), {.pass = "out"}), component("out", OutcomeSpec{})});
  s.time_bins = 20;
  const auto t = run(s, 4);
  const double expected_tasks = 4 * 100.0 * 50.0;
  CHECK(std::abs(static_cast<double>(t.tasks) - expected_tasks) < 4 * std::sqrt(expected_tasks));
  for (const auto& m : t.replications) {
    REQUIRE(m.harm_series.size() == 20);
    for (std::size_t b = 0; b < 20; ++b) {
      INFO("bin " << b);
      if (b % 2 == 1) {
        CHECK(m.harm_series[b] == 0);
      } else {
        // 500 tasks in the bin, each a harm with probability 0.1.
        CHECK(std::abs(static_cast<double>(m.harm_series[b]) - 50.0) < 4 * std::sqrt(50.0));
      }
    }
  }
}
