// Mechanism 4: operators — queueing (Erlang C and B), vigilance, automation bias and
// trust, alarm fatigue, workload, false rejects and slips.

#include <array>
#include <catch2/catch.hpp>
#include <cmath>

#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

// src -> ai -> [guard ->] ops -> out
ScenarioSpec reviewed(AiSpec model, OperatorSpec ops, double rate, Time horizon,
                      const SafeguardSpec* guard = nullptr,
                      std::vector<ContextSpec> contexts = {context("c")}) {
  std::vector<ComponentSpec> comps;
  comps.push_back(component("src", source(rate), {.pass = "ai"}));
  comps.push_back(component("ai", std::move(model), {.pass = guard ? "guard" : "ops"}));
  if (guard) comps.push_back(component("guard", *guard, {.pass = "ops"}));
  comps.push_back(component("ops", std::move(ops), {.pass = "out"}));
  comps.push_back(component("out", OutcomeSpec{}));
  return scenario(horizon, std::move(contexts), std::move(comps));
}

// Reviewers who never queue: many of them, quick.
OperatorSpec plenty(double detect) {
  OperatorSpec o;
  o.count = 1000;
  o.review_time = 0.001;
  o.detect = detect;
  return o;
}

double factorial(unsigned n) { return n <= 1 ? 1.0 : n * factorial(n - 1); }

double caught_share(const Totals& t) {
  return ratio(t.operators[0].caught, t.operators[0].hazards_seen);
}
double caught_se(const Totals& t, double p) { return binomial_se(p, t.operators[0].hazards_seen); }

}  // namespace

TEST_CASE("a pure review queue matches Erlang C for the chance of waiting and the mean wait",
          "[model][operators][statistical]") {
  const unsigned c = 3;
  const double lambda = 2.1, mean_review = 1.0;
  const double a = lambda * mean_review, rho = a / c;
  double below = 0.0;
  for (unsigned k = 0; k < c; ++k) below += std::pow(a, k) / factorial(k);
  const double top = std::pow(a, c) / factorial(c) / (1 - rho);
  const double p_wait = top / (below + top);
  const double mean_wait = p_wait * mean_review / (c - a);

  OperatorSpec ops;
  ops.count = c;
  ops.review_time = mean_review;
  const auto t = run(reviewed(ai(1.0), ops, lambda, 3000.0), 30);
  std::vector<double> waited, wait, busy;
  for (const auto& m : t.replications) {
    const auto& o = m.operators[0];
    waited.push_back(ratio(o.waited, o.reviews));
    wait.push_back(o.total_wait / static_cast<double>(o.reviews));
    busy.push_back(o.busy_time / o.capacity_time);
  }
  const auto pw = mean_se(waited), w = mean_se(wait), u = mean_se(busy);
  CHECK(std::abs(pw.mean - p_wait) < 4 * pw.se);
  CHECK(std::abs(w.mean - mean_wait) < 4 * w.se);
  CHECK(std::abs(u.mean - rho) < 4 * u.se);
  CHECK(t.operators[0].overflowed == 0);
}

TEST_CASE("a review pool with no waiting room loses work as Erlang B predicts",
          "[model][operators][statistical]") {
  const unsigned c = 3;
  const double a = 2.1;
  double sum = 0.0;
  for (unsigned k = 0; k <= c; ++k) sum += std::pow(a, k) / factorial(k);
  const double blocked = std::pow(a, c) / factorial(c) / sum;

  OperatorSpec ops;
  ops.count = c;
  ops.review_time = 1.0;
  ops.review_distribution = ServiceDistribution::lognormal;  // Erlang B is insensitive to it
  ops.review_cv = 0.5;
  ops.max_queue = 0;
  const auto t = run(reviewed(ai(1.0), ops, a, 2000.0), 10);
  std::vector<double> lost;
  for (const auto& m : t.replications) lost.push_back(ratio(m.operators[0].overflowed, m.tasks));
  const auto l = mean_se(lost);
  CHECK(std::abs(l.mean - blocked) < 4 * l.se);
  CHECK(t.operators[0].waited == 0);
  // Overflow without an edge stops the task: benign work is lost.
  CHECK(t.benign_lost == t.operators[0].overflowed);
}

TEST_CASE("fresh, unloaded operators catch hazards at their detection rate",
          "[model][operators][statistical]") {
  const double d = 0.8;
  const auto t = run(reviewed(ai(0.5), plenty(d), 1000.0, 100.0), 1);
  CHECK(std::abs(caught_share(t) - d) < 4 * caught_se(t, d));
  // Caught in a review still running at the horizon: decided, not yet stopped.
  CHECK(t.near_by_layer[2] <= t.operators[0].caught);
  CHECK(t.operators[0].caught <= t.near_by_layer[2] + t.in_flight);
  CHECK(t.harm_by_last_layer[2] == t.harms);  // the operator was the last who could stop them
  CHECK(t.operators[0].hazards_seen == t.hazardous);
}

TEST_CASE("vigilance decays with time on shift and recovers at each shift change",
          "[model][operators][statistical]") {
  // Arrivals are uniform over a shift, so detection averages the vigilance curve:
  // floor + (1 - floor) * (tau / L) * (1 - exp(-L / tau)).
  const double d = 0.9, floor = 0.5, tau = 2.0, shift = 8.0;
  OperatorSpec o = plenty(d);
  o.vigilance_floor = floor;
  o.vigilance_time_constant = tau;
  o.shift_length = shift;
  const auto t = run(reviewed(ai(0.5), o, 1000.0, 100.0), 1);
  const double expected = d * (floor + (1 - floor) * tau / shift * (1 - std::exp(-shift / tau)));
  CHECK(std::abs(caught_share(t) - expected) < 4 * caught_se(t, expected));
  // Without shift changes the whole run is spent near the floor.
  o.shift_length = infinity;
  const auto endless = run(reviewed(ai(0.5), o, 1000.0, 100.0), 1);
  const double late = d * (floor + (1 - floor) * tau / 100.0 * (1 - std::exp(-100.0 / tau)));
  CHECK(std::abs(caught_share(endless) - late) < 4 * caught_se(endless, late));
}

TEST_CASE("automation bias: trusted AI outputs go unchecked", "[model][operators][statistical]") {
  const double d = 0.9, trust = 0.8, bias = 0.5;
  OperatorSpec o = plenty(d);
  o.trust_initial = trust;
  o.automation_bias = bias;
  const auto t = run(reviewed(ai(0.5), o, 1000.0, 100.0), 1);
  const double expected = d * (1 - bias * trust);
  CHECK(std::abs(caught_share(t) - expected) < 4 * caught_se(t, expected));
}

TEST_CASE("operator detection falls as the AI's observed reliability rises",
          "[model][operators][demo][statistical]") {
  // At each check, trust moves by +g(1 - T) (output seen correct, w.p. q = 1 - hp) or by
  // -l T (error caught, w.p. hp), h the share of hazardous outputs and p the detection
  // when checking. The drift is linear in T, so at checks T has mean
  // T* = gq / (gq + l(1 - q)) and, to second order, variance V = E[D^2] / (2(gq + l(1 - q))).
  // Reviews outnumber checks by 1 / c(T), c(T) = 1 - aT, so over reviews the share checked
  // is 1 / E[1 / c(T)] ~ c* (1 - a^2 V / c*^2), and detection is p times that.
  const double p = 0.9, gain = 0.002, loss = 0.03, bias = 0.9;
  double previous = 1.0, previous_se = 0.0;
  for (double r : {0.8, 0.95, 0.99}) {
    const double h = 1 - r, q = 1 - h * p;
    const double drift = gain * q + loss * (1 - q);
    const double trust = gain * q / drift;
    const double step2 = q * std::pow(gain * (1 - trust), 2) + (1 - q) * std::pow(loss * trust, 2);
    const double variance = step2 / (2 * drift);
    const double checked = 1 - bias * trust;
    const double expected = p * checked * (1 - bias * bias * variance / (checked * checked));

    OperatorSpec o = plenty(p);
    o.trust_gain = gain;
    o.trust_loss = loss;
    o.automation_bias = bias;
    o.trust_initial = trust;  // start in equilibrium
    const auto t = run(reviewed(ai(r), o, 5000.0, 100.0), 1);
    const double share = caught_share(t);
    const double se = caught_se(t, share);
    INFO("reliability " << r << ": caught " << share << ", expected " << expected);
    CHECK(share < previous - 4 * std::hypot(se, previous_se));
    // Trust is autocorrelated over a few dozen hazards, which the binomial SE ignores:
    // allow 3% on top for it and for the higher-order terms.
    CHECK(std::abs(share - expected) < 4 * se + 0.03 * expected);
    previous = share;
    previous_se = se;
  }
  CHECK(previous < 0.3);  // at 0.99 most hazards are waved through
}

TEST_CASE("alarm fatigue: flags are heeded as often as past flags were true",
          "[model][operators][statistical]") {
  // A monitor flags without blocking; the operator only acts on flags (detect = 0).
  // Credibility tracks the share q of true flags, so hazards are caught at rate d_m * q.
  const double r = 0.9, dm = 0.9;
  OperatorSpec o = plenty(0.0);
  for (double f : {0.01, 0.2}) {
    SafeguardSpec monitor = safeguard(dm, f);
    monitor.blocks = false;
    const auto t = run(reviewed(ai(r), o, 1000.0, 100.0, &monitor), 1);
    const double q = (1 - r) * dm / ((1 - r) * dm + r * f);
    const double expected = dm * q;
    INFO("false alarm rate " << f);
    CHECK(std::abs(caught_share(t) - expected) < 4 * caught_se(t, expected));
    // Heeded false alarms cost benign work.
    const double lost = r * f * q;
    CHECK(std::abs(ratio(t.benign_lost, t.tasks) - lost) < 4 * binomial_se(lost, t.tasks));
  }
}

TEST_CASE("workload: a long queue shortens reviews and lowers detection",
          "[model][operators][statistical]") {
  OperatorSpec o;
  o.count = 1;
  o.review_time = 0.95 / 100.0;  // offered load 0.95
  o.detect = 0.9;
  const auto calm = run(reviewed(ai(0.8), o, 100.0, 500.0), 1);
  o.workload_scale = 2.0;
  const auto loaded = run(reviewed(ai(0.8), o, 100.0, 500.0), 1);
  const double p = caught_share(calm);
  CHECK(std::abs(p - 0.9) < 4 * caught_se(calm, 0.9));
  CHECK(caught_share(loaded) < p - 4 * std::hypot(caught_se(calm, p), caught_se(loaded, p)));
  CHECK(loaded.operators[0].busy_time < 0.9 * calm.operators[0].busy_time);
  CHECK(loaded.operators[0].total_wait < calm.operators[0].total_wait);
}

TEST_CASE("harm with reliability 1.0: an operator slip on a correct output",
          "[model][operators][demo][statistical]") {
  const double slip = 0.01;
  OperatorSpec o = plenty(0.9);
  o.slip = slip;
  const auto t = run(reviewed(ai(1.0), o, 1000.0, 100.0), 1);
  CHECK(t.model_errors == 0);
  CHECK(t.harms > 0);
  CHECK(std::abs(ratio(t.harms, t.tasks) - slip) < 4 * binomial_se(slip, t.tasks));
  CHECK(t.by_origin[static_cast<std::size_t>(HarmOrigin::operator_induced)] == t.harms);
  CHECK(t.harm_by_last_layer[2] == t.harms);
}

TEST_CASE("operators reject some correct outputs", "[model][operators][statistical]") {
  const double reject = 0.05;
  OperatorSpec o = plenty(0.9);
  o.false_reject = reject;
  const auto t = run(reviewed(ai(1.0), o, 1000.0, 100.0), 1);
  CHECK(std::abs(ratio(t.benign_lost, t.tasks) - reject) < 4 * binomial_se(reject, t.tasks));
  CHECK(t.harms == 0);
}

TEST_CASE("a second reviewer after the first multiplies the misses",
          "[model][operators][statistical]") {
  const double d1 = 0.7, d2 = 0.6;
  auto s =
      scenario(100.0, {context("c")},
               {component("src", source(1000.0), {.pass = "ai"}),
                component("ai", ai(0.5), {.pass = "first"}),
                component("first", plenty(d1), {.pass = "second"}),
                component("second", plenty(d2), {.pass = "out"}), component("out", OutcomeSpec{})});
  const auto t = run(s, 1);
  const double p = 0.5 * (1 - d1) * (1 - d2);
  CHECK(std::abs(ratio(t.harms, t.tasks) - p) < 4 * binomial_se(p, t.tasks));
  CHECK(t.harm_by_last_layer[3] == t.harms);
  // Every hazard the first lets through reaches the second, but for those still under
  // review at the first when the horizon comes (in flight).
  const auto passed_first = t.hazardous - t.operators[0].caught;
  CHECK(t.operators[1].hazards_seen <= passed_first);
  CHECK(passed_first - t.operators[1].hazards_seen <= t.in_flight);
}

TEST_CASE("escalation: what the first reviewer blocks goes to a senior reviewer",
          "[model][operators][statistical]") {
  // Blocks are escalated; the senior reviewer confirms a caught hazard with probability
  // d2 and overturns most false rejects.
  const double h = 0.5, d1 = 0.8, d2 = 0.9, reject1 = 0.1, reject2 = 0.2;
  OperatorSpec first = plenty(d1);
  first.false_reject = reject1;
  OperatorSpec senior = plenty(d2);
  senior.false_reject = reject2;
  auto s =
      scenario(100.0, {context("c")},
               {component("src", source(1000.0), {.pass = "ai"}),
                component("ai", ai(1 - h), {.pass = "first"}),
                component("first", first, {.pass = "out", .block = "senior"}),
                component("senior", senior, {.pass = "out"}), component("out", OutcomeSpec{})});
  const auto t = run(s, 1);
  const double harm = h * ((1 - d1) + d1 * (1 - d2));
  const double lost = (1 - h) * reject1 * reject2;
  CHECK(std::abs(ratio(t.harms, t.tasks) - harm) < 4 * binomial_se(harm, t.tasks));
  CHECK(std::abs(ratio(t.benign_lost, t.tasks) - lost) < 4 * binomial_se(lost, t.tasks));
  CHECK(t.near_by_layer[3] == t.near_misses);  // only the senior reviewer stops tasks
}

TEST_CASE("an individual pool of one reviewer is the shared pool, draw for draw",
          "[model][operators]") {
  // One reviewer holds the pool's only state either way, and a review uses the task's own
  // draws, so every count must agree exactly, with trust learning, automation bias,
  // alarm fatigue and vigilance all at work.
  OperatorSpec shared;
  shared.count = 1;
  shared.review_time = 0.05;
  shared.detect = 0.8;
  shared.false_reject = 0.05;
  shared.trust_gain = 0.01;
  shared.trust_loss = 0.05;
  shared.automation_bias = 0.6;
  shared.vigilance_floor = 0.5;
  shared.vigilance_time_constant = 20.0;
  OperatorSpec individual = shared;
  individual.individual = true;
  SafeguardSpec monitor = safeguard(0.7, 0.1);
  monitor.blocks = false;
  const auto a = run(reviewed(ai(0.8), shared, 10.0, 200.0, &monitor), 5);
  const auto b = run(reviewed(ai(0.8), individual, 10.0, 200.0, &monitor), 5);
  REQUIRE(a.operators[0].hazards_seen > 100);
  CHECK(a.harms == b.harms);
  CHECK(a.near_misses == b.near_misses);
  CHECK(a.benign_lost == b.benign_lost);
  CHECK(a.operators[0].reviews == b.operators[0].reviews);
  CHECK(a.operators[0].waited == b.operators[0].waited);
  CHECK(a.operators[0].caught == b.operators[0].caught);
  CHECK(a.operators[0].total_wait == b.operators[0].total_wait);
  for (std::size_t r = 0; r < b.replications.size(); ++r) {
    const auto& pool = b.replications[r].operators[0];
    INFO("replication " << r);
    CHECK(a.replications[r].operators[0].reviewers.empty());
    REQUIRE(pool.reviewers.size() == 1);
    CHECK(pool.reviewers[0].reviews == pool.reviews);
    CHECK(pool.reviewers[0].hazards_seen == pool.hazards_seen);
    CHECK(pool.reviewers[0].caught == pool.caught);  // no attack attempts: every catch a hazard
  }
}

TEST_CASE("individual reviewers learn trust from their own reviews",
          "[model][operators][statistical]") {
  // Neither reviewer is biased, so each checks every output and its trust T moves by
  // +g(1 - T) on an output seen correct (w.p. q_i = 1 - h p_i) and by -l T on a catch.
  // The drift is linear, so E[T] relaxes to T*_i = g q_i / (g q_i + l (1 - q_i)) exactly:
  // the careless reviewer, missing more errors, comes to trust the AI more. A shared
  // state would hold one trust for both.
  const double h = 0.2, gain = 0.01, loss = 0.05;
  const std::array<double, 2> detect = {0.9, 0.3};
  OperatorSpec o;
  o.count = 2;
  o.review_time = 0.001;
  o.individual = true;
  o.detect = detect[0];
  o.detect_by_reviewer = {{"1", detect[1]}};
  o.trust_gain = gain;
  o.trust_loss = loss;
  o.trust_initial = 0.5;
  const auto t = run(reviewed(ai(1 - h), o, 100.0, 100.0), 200);
  std::array<std::vector<double>, 2> trust, caught;
  for (const auto& m : t.replications) {
    REQUIRE(m.operators[0].reviewers.size() == 2);
    std::uint64_t reviews = 0;
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& own = m.operators[0].reviewers[i];
      trust[i].push_back(own.trust);
      caught[i].push_back(ratio(own.caught, own.hazards_seen));
      reviews += own.reviews;
    }
    CHECK(reviews == m.operators[0].reviews);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    const double q = 1 - h * detect[i];
    // After ~5,000 checks per reviewer the start is forgotten (0.5 (1 - 0.01)^5000 ~ 1e-22).
    const double expected = gain * q / (gain * q + loss * (1 - q));
    const auto got = mean_se(trust[i]);
    const auto catches = mean_se(caught[i]);
    INFO("reviewer " << i << ": trust " << got.mean << " +- " << got.se << ", expected " << expected
                     << "; caught " << catches.mean);
    CHECK(std::abs(got.mean - expected) < 4 * got.se);
    CHECK(std::abs(catches.mean - detect[i]) < 4 * catches.se);
  }
  CHECK(mean_se(trust[1]).mean > mean_se(trust[0]).mean + 0.2);
}

TEST_CASE("staggered shifts: each reviewer's vigilance runs on its own shift clock",
          "[model][operators][statistical]") {
  // Over the first half shift H = L/2, reviewer 0 starts fresh while reviewer 1, whose
  // first change is at L/2, is already L/2 into its shift. With vigilance
  // v(s) = f + (1 - f) exp(-s / tau) at time s on shift, reviewer i catches
  // d (f + (1 - f) exp(-s_i / tau) tau / H (1 - exp(-H / tau))) of the hazards it checks,
  // s_0 = 0 and s_1 = L/2 at time 0; they alternate tasks, so each sees the whole half.
  const double d = 0.9, f = 0.3, tau = 2.0, shift = 8.0, half = shift / 2;
  OperatorSpec o;
  o.count = 2;
  o.review_time = 0.001;
  o.individual = true;
  o.detect = d;
  o.vigilance_floor = f;
  o.vigilance_time_constant = tau;
  o.shift_length = shift;
  o.shift_start_by_reviewer = {{"1", half}};
  const auto t = run(reviewed(ai(0.5), o, 1000.0, half), 20);
  std::array<std::uint64_t, 2> caught = {}, seen = {};
  for (const auto& m : t.replications) {
    for (std::size_t i = 0; i < 2; ++i) {
      caught[i] += m.operators[0].reviewers[i].caught;
      seen[i] += m.operators[0].reviewers[i].hazards_seen;
    }
  }
  const double mean_decay = tau / half * (1 - std::exp(-half / tau));
  const std::array<double, 2> expected = {d * (f + (1 - f) * mean_decay),
                                          d * (f + (1 - f) * std::exp(-half / tau) * mean_decay)};
  for (std::size_t i = 0; i < 2; ++i) {
    const double share = ratio(caught[i], seen[i]);
    INFO("reviewer " << i << ": caught " << share << ", expected " << expected[i]);
    CHECK(std::abs(share - expected[i]) < 4 * binomial_se(expected[i], seen[i]));
  }
}
