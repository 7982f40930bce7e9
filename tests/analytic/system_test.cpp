// analyse() on small scenarios against values derived by hand from the model's rules.

#include <catch2/catch.hpp>
#include <cmath>

#include "sim/analytic/analytic.h"
#include "sim/analytic/closed_forms.h"
#include "tests/analytic/spec_builder.h"

using namespace stsim;
using namespace stsim::testing;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

double value(const analytic::Analysis& a, const char* name) {
  const auto* m = a.find(name);
  REQUIRE(m != nullptr);
  return m->value;
}

model::SafeguardSpec coupled(double detect, const char* with, double beta, double rho = 0.0) {
  auto g = safeguard(detect);
  g.coupling = {.with = with, .demand_beta = beta, .difficulty_correlation = rho};
  return g;
}

double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace

TEST_CASE("layered defences: independence, beta factor, multiple Greek letters",
          "[analytic][layers]") {
  auto s = chain_spec(10.0, 0.99, 1000.0);
  append_layer(s, "a", safeguard(0.9));
  append_layer(s, "b", safeguard(0.8));
  CHECK_THAT(value(analytic::analyse(s), "harm_rate"), WithinRel(0.01 * 0.1 * 0.2, 1e-12));

  auto beta = s;
  std::get<model::SafeguardSpec>(beta.components[3].parameters).coupling = {.with = "a",
                                                                            .demand_beta = 0.1};
  CHECK_THAT(value(analytic::analyse(beta), "harm_rate"),
             WithinRel(0.01 * analytic::beta_factor_both_miss(0.1, 0.2, 0.1), 1e-12));

  auto mgl = beta;
  append_layer(mgl, "c", coupled(0.7, "b", 0.3));
  CHECK_THAT(value(analytic::analyse(mgl), "harm_rate"),
             WithinRel(0.01 * analytic::mgl_all_three_miss(0.1, 0.2, 0.3, 0.1, 0.3), 1e-12));

  // Coupled with the model itself: a shared cause with the error it should catch.
  auto with_model = chain_spec(10.0, 0.99, 1000.0);
  append_layer(with_model, "a", coupled(0.9, "model", 0.2));
  const auto a = analytic::analyse(with_model);
  CHECK_THAT(value(a, "harm_rate"), WithinRel(0.01 * (0.2 + 0.8 * 0.1), 1e-12));
  CHECK_THAT(value(a, "near_miss_rate"), WithinRel(0.01 * 0.8 * 0.9, 1e-12));
  CHECK_THAT(value(a, "model_error_no_harm_rate"), WithinRel(0.01 * 0.8 * 0.9, 1e-12));
  CHECK_THAT(value(a, "harms_per_hour"), WithinRel(10.0 * 0.01 * 0.28, 1e-12));
}

TEST_CASE("difficulty correlation: the monitor misses where the model errs", "[analytic][layers]") {
  // Errors have difficulty in (0.9, 1); a fully correlated monitor flags iff difficulty
  // <= 0.95, so it catches half of them, not 95%.
  auto s = chain_spec(10.0, 0.9, 1000.0);
  append_layer(s, "m", coupled(0.95, "model", 0.0, 1.0));
  CHECK_THAT(value(analytic::analyse(s), "harm_rate"), WithinRel(0.1 * 0.5, 1e-12));
  std::get<model::SafeguardSpec>(s.components[2].parameters).coupling.difficulty_correlation = 0.5;
  CHECK_THAT(value(analytic::analyse(s), "harm_rate"),
             WithinRel(0.1 * (0.5 * 0.5 + 0.5 * 0.05), 1e-12));
  // A correlated monitor no better than the model catches nothing.
  std::get<model::SafeguardSpec>(s.components[2].parameters) = coupled(0.85, "model", 0.0, 1.0);
  CHECK_THAT(value(analytic::analyse(s), "harm_rate"), WithinRel(0.1, 1e-12));
  // Two correlated monitors share one difficulty: the second adds nothing below the first.
  append_layer(s, "m2", coupled(0.95, "model", 0.0, 1.0));
  std::get<model::SafeguardSpec>(s.components[2].parameters) = coupled(0.97, "model", 0.0, 1.0);
  CHECK_THAT(value(analytic::analyse(s), "harm_rate"), WithinRel(0.1 * 0.3, 1e-12));
}

TEST_CASE("refusal on observables and misuse of a perfect model", "[analytic][ai]") {
  auto s = chain_spec(10.0, 1.0, 1000.0);
  s.contexts[0].malicious_share = 0.1;
  s.contexts[0].observability = 2.0;
  auto& ai = std::get<model::AiSpec>(s.components[1].parameters);
  ai.refusal_threshold = 1.0;
  s.components[1].connect("refuse", "stopped");
  const auto a = analytic::analyse(s);
  CHECK_THAT(value(a, "refused_benign_share"), WithinRel(1.0 - phi(1.0), 1e-12));
  CHECK_THAT(value(a, "refused_malicious_share"), WithinRel(1.0 - phi(-1.0), 1e-12));
  CHECK_THAT(value(a, "harm_rate"), WithinRel(0.1 * phi(-1.0), 1e-12));
  CHECK_THAT(value(a, "harm_with_correct_output_rate"), WithinRel(0.1 * phi(-1.0), 1e-12));
  CHECK(value(a, "model_error_rate") == 0.0);
  CHECK_THAT(value(a, "benign_lost_share"), WithinRel(1.0 - phi(1.0), 1e-12));
}

TEST_CASE("harms of omission: refusals, false alarms and omissions where help was needed",
          "[analytic][omission]") {
  auto s = chain_spec(10.0, 0.9, 1000.0);
  s.contexts[0].hazardous = false;
  s.contexts[0].malicious_share = 0.2;
  s.contexts[0].omission_hazardous = true;
  s.contexts[0].omission_severity = 3.0;
  auto& ai = std::get<model::AiSpec>(s.components[1].parameters);
  ai.refusal_threshold = 1.0;
  ai.commission_share = 0.0;
  append_layer(s, "guard", safeguard(0.9, 0.05));
  const double p = 0.8 * (1.0 - phi(1.0) + phi(1.0) * (0.05 + 0.95 * 0.1));
  const auto a = analytic::analyse(s);
  CHECK_THAT(value(a, "harm_rate"), WithinRel(p, 1e-12));
  CHECK_THAT(value(a, "harm_severity_per_task"),
             WithinRel(3.0 * p * -std::expm1(-10.0 * 1000.0), 1e-12));
  // Only malicious tasks' errors harm no one: answered (P = 1 - Phi(0)) and wrong.
  CHECK_THAT(value(a, "model_error_no_harm_rate"), WithinRel(0.2 * 0.5 * 0.1, 1e-12));
  CHECK(value(a, "benign_lost_share") == 0.0);
  // Without operators every task is acted on at its birth: a deadline changes nothing.
  s.contexts[0].deadline = 0.5;
  CHECK_THAT(value(analytic::analyse(s), "harm_rate"), WithinRel(p, 1e-12));
}

TEST_CASE("counting: Poisson tasks and harms over the horizon", "[analytic][counting]") {
  auto s = chain_spec(2.0, 0.999, 500.0);
  append_layer(s, "a", safeguard(0.5));
  const auto a = analytic::analyse(s);
  const double mu = 2.0 * 0.001 * 0.5;  // harms per hour
  CHECK_THAT(value(a, "tasks_per_replication"), WithinRel(1000.0, 1e-12));
  CHECK_THAT(value(a, "first_harm_probability"), WithinRel(-std::expm1(-mu * 500.0), 1e-9));
  CHECK_THAT(value(a, "time_to_first_harm"), WithinRel(-std::expm1(-mu * 500.0) / mu, 1e-9));
  CHECK_THAT(value(a, "harm_severity_per_task"), WithinRel(0.0005 * -std::expm1(-1000.0), 1e-12));
  CHECK(value(a, "latent_failures_per_replication") == 0.0);
}

TEST_CASE("latent failures and proof tests: PFD avg from the chain", "[analytic][pfd]") {
  // A perfect safeguard when up: harm per task = error rate x PFD avg. Without repair
  // time every test cycle starts up, so over whole cycles the chain equals the closed form.
  const double lambda = 1e-3, t = 100.0;
  auto s = chain_spec(1.0, 0.99, 100.0 * t);
  auto g = safeguard(1.0);
  g.latent_failure_rate = lambda;
  g.test_interval = t;
  append_layer(s, "a", g);
  auto a = analytic::analyse(s);
  REQUIRE(a.safeguards.size() == 1);
  const double pfd = analytic::pfd_avg_1oo1(lambda, t, 0.0);
  CHECK_THAT(a.safeguards[0].pfd_avg, WithinRel(pfd, 1e-9));
  CHECK_THAT(value(a, "harm_rate"), WithinRel(0.01 * pfd, 1e-9));
  // Failures happen only while up: lambda x (hours up).
  CHECK_THAT(value(a, "latent_failures_per_replication"),
             WithinRel(lambda * 100.0 * t * (1.0 - pfd), 1e-9));

  // With repair, the periodic steady state is reached after the first cycles.
  std::get<model::SafeguardSpec>(s.components[2].parameters).repair_time = 10.0;
  s.horizon = 1000.0 * t;
  a = analytic::analyse(s);
  CHECK_THAT(a.safeguards[0].pfd_avg, WithinRel(analytic::pfd_avg_1oo1(lambda, t, 10.0), 1e-3));

  // Never tested: P(down at t) = 1 - exp(-lambda t), averaged over the horizon.
  std::get<model::SafeguardSpec>(s.components[2].parameters).test_interval = 0.0;
  s.horizon = 2000.0;
  a = analytic::analyse(s);
  CHECK_THAT(a.safeguards[0].pfd_avg, WithinRel(1.0 + std::expm1(-2.0) / 2.0, 1e-9));
}

TEST_CASE("redundant safeguards with a common-cause latent failure", "[analytic][pfd][ccf]") {
  // IEC 61508-6: each fails at lambda in all, of which beta lambda are common events
  // failing both. Since the last test: P(a up) = P(b up) = e^-lambda t, P(both up) =
  // e^-(2 - beta) lambda t. A hazard passes both when both are down; with demand_beta as
  // well, also when a is down and b, up, shares a's miss on the task.
  const double lambda = 2e-3, t = 200.0, beta = 0.2, cycles = 50.0;
  auto s = chain_spec(1.0, 0.95, cycles * t);
  auto ga = safeguard(1.0);
  ga.latent_failure_rate = lambda;
  ga.test_interval = t;
  auto gb = ga;
  gb.coupling = {.with = "a", .latent_beta = beta};
  append_layer(s, "a", ga);
  append_layer(s, "b", gb);
  const auto a = analytic::analyse(s);
  auto mean_exp = [&](double rate) {
    return -std::expm1(-rate * t) / (rate * t);
  };  // (1/T) int e^-rt
  const double both_down = 1.0 - 2.0 * mean_exp(lambda) + mean_exp((2.0 - beta) * lambda);
  CHECK_THAT(value(a, "harm_rate"), WithinRel(0.05 * both_down, 1e-9));
  // Failures of safeguards that were up: each is up for (1 - e^-lambda t) / lambda hours
  // a cycle and fails at lambda while up.
  const double failures_per_cycle = -2.0 * std::expm1(-lambda * t);
  CHECK_THAT(value(a, "latent_failures_per_replication"),
             WithinRel(cycles * failures_per_cycle, 1e-9));
  CHECK_THAT(a.safeguards[0].pfd_avg, WithinRel(a.safeguards[1].pfd_avg, 1e-9));

  // The per-demand share on top: a down and b up, b misses with a's cause.
  gb.coupling.demand_beta = beta;
  for (auto& c : s.components)
    if (c.id == "b") c.parameters = gb;
  const double a_down_b_up = mean_exp(lambda) - mean_exp((2.0 - beta) * lambda);
  CHECK_THAT(value(analytic::analyse(s), "harm_rate"),
             WithinRel(0.05 * (both_down + beta * a_down_b_up), 1e-9));
  // Independence would claim the square of one safeguard's PFD avg.
  const double independent = std::pow(analytic::pfd_avg_1oo1(lambda, t, 0.0), 2.0);
  CHECK(value(a, "harm_rate") > 0.05 * independent * 1.5);
}

TEST_CASE("operator review as M/M/c", "[analytic][queue]") {
  auto s = chain_spec(15.0, 0.9, 1000.0);
  model::OperatorSpec o;
  o.count = 2;
  o.review_time = 0.1;
  o.detect = 0.8;
  append_layer(s, "review", o);
  const auto a = analytic::analyse(s);
  REQUIRE(a.pools.size() == 1);
  // a = 1.5 Erlangs on 2 servers: C = 0.642857, Wq = C / (2 * 10 - 15) h.
  CHECK_THAT(a.pools[0].p_wait, WithinAbs(0.642857, 1e-6));
  CHECK_THAT(value(a, "operator_mean_wait"), WithinAbs(0.642857 / 5.0, 1e-6));
  CHECK_THAT(value(a, "operator_utilisation"), WithinRel(0.75, 1e-12));
  CHECK_THAT(value(a, "harm_rate"), WithinRel(0.1 * 0.2, 1e-12));
  CHECK(a.find("operator_mean_wait")->steady_state);
  CHECK(a.find("first_harm_probability") == nullptr);
}

TEST_CASE("scenarios outside the subset are refused with the reason", "[analytic][subset]") {
  auto base = chain_spec(15.0, 0.9, 1000.0);
  model::OperatorSpec o;
  o.review_time = 0.01;
  append_layer(base, "review", o);
  REQUIRE_FALSE(analytic::outside_subset(base).has_value());

  auto vigilance = base;
  std::get<model::OperatorSpec>(vigilance.components[2].parameters).vigilance_floor = 0.5;
  auto reason = analytic::outside_subset(vigilance);
  REQUIRE(reason.has_value());
  CHECK_THAT(*reason, Catch::Contains("'review'") && Catch::Contains("vigilance_floor"));
  CHECK_THROWS_AS(analytic::analyse(vigilance), std::invalid_argument);

  // An attacking AI outside the two control protocols: the reason names the protocol rule.
  auto attacking = base;
  auto& ai = std::get<model::AiSpec>(attacking.components[1].parameters);
  ai.untrusted = true;
  ai.attack.probability = 0.01;
  CHECK(analytic::outside_subset(attacking).value_or("") ==
        "component '" + attacking.components[1].id +
            "' (ai): an attack policy outside the control protocols of the subset: scenario: no "
            "episode_tasks");

  auto profile = base;
  std::get<model::SourceSpec>(profile.components[0].parameters).profile = {1.0, 2.0};
  CHECK_THAT(analytic::outside_subset(profile).value_or(""),
             Catch::Contains("'users'") && Catch::Contains("profile"));

  auto deadline = base;
  deadline.contexts[0].deadline = 2.0;
  CHECK(analytic::outside_subset(deadline).value_or("") ==
        "contexts.default: deadline = 2 h with operators: whether a task is late depends on its "
        "time in their queue");

  // A revision loop: the check sends flagged outputs back to the model.
  auto revision = chain_spec(15.0, 0.9, 1000.0);
  append_layer(revision, "check", safeguard(0.9, 0.01));
  revision.components[2].connect("block", "model");
  revision.components[2].bounds["block"] = {2, "stopped"};
  CHECK(analytic::outside_subset(revision).value_or("") ==
        "component 'check' (safeguard): next.block sends tasks back to 'model' at most 2 times, a "
        "bounded loop; the subset has no closed form for a task's repeated passes");
  CHECK_THROWS_AS(analytic::analyse(revision), std::invalid_argument);

  auto pause = base;
  pause.pause_after_harm = 4.0;
  CHECK_THAT(analytic::outside_subset(pause).value_or(""), Catch::Contains("pause_after_harm"));

  auto alarms = base;
  auto g = safeguard(0.9, 0.01);
  g.blocks = false;
  alarms.components.insert(alarms.components.begin() + 2, component("flag", g, "review"));
  alarms.components[1].connect("pass", "flag");
  CHECK_THAT(analytic::outside_subset(alarms).value_or(""),
             Catch::Contains("'flag'") && Catch::Contains("alarm"));

  auto finite_fixed = base;
  auto& pool = std::get<model::OperatorSpec>(finite_fixed.components[2].parameters);
  pool.review_distribution = model::ServiceDistribution::fixed;
  REQUIRE_FALSE(analytic::outside_subset(finite_fixed).has_value());  // M/G/1
  pool.max_queue = 5;
  CHECK_THAT(analytic::outside_subset(finite_fixed).value_or(""), Catch::Contains("M/G/c/K"));

  auto overloaded = base;
  std::get<model::OperatorSpec>(overloaded.components[2].parameters).review_time =
      0.2;  // 3 Erlangs on 1
  CHECK_THROWS_WITH(analytic::analyse(overloaded), Catch::Contains("grows without bound"));
}

namespace {

model::VoteSpec vote(std::uint32_t required, std::uint32_t channels, double lambda, double t,
                     double beta) {
  model::VoteSpec v;
  v.required = required;
  v.channels = channels;
  v.detect_error = 1.0;
  v.false_alarm = 0.0;
  v.latent_failure_rate = lambda;
  v.test_interval = t;
  v.common_cause.model = model::CommonCauseModel::beta;
  v.common_cause.beta = beta;
  return v;
}

// Harm per task of every-output-unsafe tasks through one vote: its time-averaged PFD.
double vote_pfd(const model::VoteSpec& v, double horizon) {
  auto s = chain_spec(1.0, 0.0, horizon);
  append_layer(s, "group", v);
  return value(analytic::analyse(s), "harm_rate");
}

}  // namespace

TEST_CASE("votes: 1oo1, 1oo2 and 2oo3 with beta follow the IEC 61508-6 convention",
          "[analytic][pfd][ccf][vote]") {
  // The 3^n-state chain of the analytic module against the closed form of the
  // convention (each channel fails at lambda, beta lambda of it with all the others),
  // over whole test cycles.
  const double lambda = 4e-3, t = 100.0, beta = 0.1, horizon = 20 * t;
  CHECK_THAT(vote_pfd(vote(1, 1, lambda, t, 0.0), horizon),
             WithinRel(1.0 + std::expm1(-lambda * t) / (lambda * t), 1e-9));
  CHECK_THAT(vote_pfd(vote(1, 2, lambda, t, beta), horizon),
             WithinRel(analytic::pfd_avg_koon_beta(1, 2, lambda, beta, t), 1e-9));
  CHECK_THAT(vote_pfd(vote(2, 3, lambda, t, beta), horizon),
             WithinRel(analytic::pfd_avg_koon_beta(2, 3, lambda, beta, t), 1e-9));
  CHECK_THAT(vote_pfd(vote(1, 3, lambda, t, beta), horizon),
             WithinRel(analytic::pfd_avg_koon_beta(1, 3, lambda, beta, t), 1e-9));

  // Each channel's total rate stays lambda: a channel of a 1oo2 with beta is down as
  // often as a lone one.
  auto s = chain_spec(1.0, 0.0, horizon);
  append_layer(s, "group", vote(1, 2, lambda, t, beta));
  const auto a = analytic::analyse(s);
  REQUIRE(a.safeguards.size() == 2);
  CHECK(a.safeguards[0].id == "group[0]");
  CHECK_THAT(a.safeguards[0].pfd_avg,
             WithinRel(1.0 + std::expm1(-lambda * t) / (lambda * t), 1e-9));

  // The IEC simplified formulas are the first order of the exact ones in lambda T.
  const double small = 1e-4;  // lambda T = 0.01
  for (double b : {0.0, 0.05, 0.1, 0.2}) {
    INFO("beta = " << b);
    CHECK_THAT(analytic::pfd_avg_koon_beta(1, 2, small, b, t),
               WithinRel(analytic::pfd_avg_1oo2_iec(small, b, t), 5.0 * small * t));
    CHECK_THAT(analytic::pfd_avg_koon_beta(2, 3, small, b, t),
               WithinRel(analytic::pfd_avg_2oo3_iec(small, b, t), 5.0 * small * t));
  }
  // A pair of safeguards coupled by latent_beta is the same 1oo2; the encoding of before
  // the split (one beta for both meanings, common events on top of the partner's rate)
  // gave about twice the IEC value at beta = 0.1, as issue 17 measured.
  auto pair = [&](double rate, double partner_rate, double demand_beta) {
    auto p = chain_spec(1.0, 0.0, horizon);
    auto ga = safeguard(1.0);
    ga.latent_failure_rate = partner_rate;
    ga.test_interval = t;
    auto gb = ga;
    gb.latent_failure_rate = rate;
    gb.coupling = {.with = "a", .demand_beta = demand_beta, .latent_beta = beta};
    append_layer(p, "a", ga);
    append_layer(p, "b", gb);
    return value(analytic::analyse(p), "harm_rate");
  };
  const double iec = analytic::pfd_avg_koon_beta(1, 2, lambda, beta, t);
  CHECK_THAT(pair(lambda, lambda, 0.0), WithinRel(iec, 1e-9));
  const double rare = 1e-4;  // lambda T = 0.01, where the common-cause term dominates
  const double old = pair(rare, (1.0 + beta) * rare, beta);
  const double ratio = old / analytic::pfd_avg_koon_beta(1, 2, rare, beta, t);
  INFO("old encoding / IEC = " << ratio);
  CHECK(ratio > 1.9);
  CHECK(ratio < 2.1);
}

TEST_CASE("votes: staggered tests lower a 1oo2's PFD", "[analytic][pfd][vote]") {
  const double lambda = 4e-3, t = 100.0, half = t / 2.0, horizon = 200 * t;
  auto staggered = vote(1, 2, lambda, t, 0.0);
  staggered.staggered_tests = true;
  // Independent channels, channel 1 tested at T/2, 3T/2, ...: both new until T/2, then
  // every half cycle alike, one channel s and the other s + T/2 hours from its test.
  auto integral = [](double rate, double length) {  // int_0^length e^-rate s ds
    return -std::expm1(-rate * length) / rate;
  };
  const double l = lambda;
  const double start = half - 2.0 * integral(l, half) + integral(2.0 * l, half);
  const double cycle = half - integral(l, half) - std::exp(-l * half) * integral(l, half) +
                       std::exp(-l * half) * integral(2.0 * l, half);
  const double exact = (start + (2.0 * horizon / t - 1.0) * cycle) / horizon;
  CHECK_THAT(vote_pfd(staggered, horizon), WithinRel(exact, 1e-9));
  CHECK(exact < analytic::pfd_avg_koon_beta(1, 2, lambda, 0.0, t));
}

TEST_CASE("votes: common cause on per-demand misses by MGL and alpha factors",
          "[analytic][ccf][vote]") {
  auto v = vote(1, 3, 0.0, 0.0, 0.0);
  v.detect_error = 0.6;
  v.common_cause.model = model::CommonCauseModel::mgl;
  v.common_cause.beta = 0.2;
  v.common_cause.gamma = 0.4;
  CHECK_THAT(vote_pfd(v, 100.0), WithinRel(analytic::mgl_1oo3_all_miss(0.4, 0.2, 0.4), 1e-12));
  // Without common cause, the cube of a channel's miss probability.
  v.common_cause = {};
  CHECK_THAT(vote_pfd(v, 100.0), WithinRel(0.4 * 0.4 * 0.4, 1e-12));

  // Alpha factors and MGL describe the same split: for three channels (NUREG/CR-5485
  // table 5-...): alpha_t Q_k proportions. With alpha = (a1, a2, a3) the share of a
  // channel's intensity in events of multiplicity k is k a_k / (a1 + 2 a2 + 3 a3), so
  // beta = (2 a2 + 3 a3) / alpha_t and gamma = 3 a3 / (2 a2 + 3 a3).
  auto alpha = v;
  alpha.common_cause.model = model::CommonCauseModel::alpha;
  alpha.common_cause.alpha = {0.9, 0.06, 0.04};
  const double total = 0.9 + 2 * 0.06 + 3 * 0.04;
  const double b = (2 * 0.06 + 3 * 0.04) / total, g = 3 * 0.04 / (2 * 0.06 + 3 * 0.04);
  CHECK_THAT(vote_pfd(alpha, 100.0), WithinRel(analytic::mgl_1oo3_all_miss(0.4, b, g), 1e-12));

  // Each channel keeps its own miss probability: the sets' shocks add up to q.
  const auto shocks = model::Vote::demand_shocks(alpha, 0.4);
  double escape = 1.0;
  for (std::uint32_t set = 1; set < 8; ++set)
    if ((set & 1u) != 0) escape *= 1.0 - shocks[set - 1];
  CHECK_THAT(1.0 - escape, WithinRel(0.4, 1e-12));
}

TEST_CASE("detection and false alarms by context", "[analytic][layers][context]") {
  // Contexts a (70%) and b (30%); the model errs on 10%, every error an unsafe commission.
  auto s = chain_spec(10.0, 0.9, 1000.0);
  s.contexts = {model::ContextSpec{"a", 0.7, true, 1.0, 0.0, 1.0},
                model::ContextSpec{"b", 0.3, true, 1.0, 0.0, 1.0}};
  auto filter = safeguard(0.9, 0.02);
  filter.detect_error_by_context = {{"b", 0.5}};
  filter.false_alarm_by_context = {{"b", 0.1}};
  append_layer(s, "filter", filter);
  auto a = analytic::analyse(s);
  CHECK_THAT(value(a, "harm_rate"), WithinRel(0.1 * (0.7 * 0.1 + 0.3 * 0.5), 1e-12));
  CHECK_THAT(value(a, "false_alarm_rate"), WithinRel(0.9 * (0.7 * 0.02 + 0.3 * 0.1), 1e-12));

  // A 1oo2 vote of independent channels with the same probabilities: both must miss, and
  // either may raise a false alarm.
  auto v = chain_spec(10.0, 0.9, 1000.0);
  v.contexts = s.contexts;
  model::VoteSpec group;
  group.detect_error = 0.9;
  group.detect_error_by_context = {{"b", 0.5}};
  group.false_alarm = 0.02;
  group.false_alarm_by_context = {{"b", 0.1}};
  append_layer(v, "group", group);
  a = analytic::analyse(v);
  CHECK_THAT(value(a, "harm_rate"), WithinRel(0.1 * (0.7 * 0.01 + 0.3 * 0.25), 1e-12));
  CHECK_THAT(value(a, "false_alarm_rate"),
             WithinRel(0.9 * (0.7 * (1.0 - 0.98 * 0.98) + 0.3 * (1.0 - 0.9 * 0.9)), 1e-12));

  // An operator pool with the same probabilities: its false rejections lose benign tasks.
  auto o = chain_spec(10.0, 0.9, 1000.0);
  o.contexts = s.contexts;
  model::OperatorSpec pool;
  pool.detect = 0.9;
  pool.detect_by_context = {{"b", 0.5}};
  pool.false_reject = 0.02;
  pool.false_reject_by_context = {{"b", 0.1}};
  append_layer(o, "review", pool);
  a = analytic::analyse(o);
  CHECK_THAT(value(a, "harm_rate"), WithinRel(0.1 * (0.7 * 0.1 + 0.3 * 0.5), 1e-12));
  CHECK_THAT(value(a, "benign_lost_share"), WithinRel(0.9 * (0.7 * 0.02 + 0.3 * 0.1), 1e-12));
}

TEST_CASE("a router by context and by score", "[analytic][router]") {
  // Contexts a (70%) and b (30%): every b task goes by route to a filter, the rest on.
  auto s = chain_spec(10.0, 0.9, 1000.0);
  s.contexts = {model::ContextSpec{"a", 0.7, true, 1.0, 0.0, 1.0},
                model::ContextSpec{"b", 0.3, true, 1.0, 0.0, 1.0}};
  model::RouterSpec by_context;
  by_context.share_by_context = {{"b", 1.0}};
  auto& model_edge = s.components[1];
  model_edge.connect("pass", "triage");
  auto triage = component("triage", by_context, "world");
  triage.connect("route", "filter");
  s.components.insert(s.components.end() - 2, triage);
  s.components.insert(s.components.end() - 2,
                      component("filter", safeguard(0.8), "world", "stopped"));
  CHECK_THAT(value(analytic::analyse(s), "harm_rate"), WithinRel(0.1 * (0.7 + 0.3 * 0.2), 1e-12));
  // Half of the a tasks too.
  std::get<model::RouterSpec>(s.components[2].parameters).share = 0.5;
  CHECK_THAT(value(analytic::analyse(s), "harm_rate"),
             WithinRel(0.1 * (0.7 * (0.5 + 0.5 * 0.2) + 0.3 * 0.2), 1e-12));

  // By score, behind a model that refuses scores above 2.5: a perfect model serving 20%
  // malicious requests (observability 2); scores above 1 go straight on, the rest to a
  // defence that stops all misuse. Harm: the malicious tasks scoring in (1, 2.5].
  auto m = chain_spec(10.0, 1.0, 1000.0);
  m.contexts = {model::ContextSpec{"default", 1.0, true, 1.0, 0.2, 2.0}};
  std::get<model::AiSpec>(m.components[1].parameters).refusal_threshold = 2.5;
  m.components[1].connect("pass", "triage");
  model::RouterSpec by_score;
  by_score.score_threshold = 1.0;
  auto score = component("triage", by_score, "guard");
  score.connect("route", "world");
  m.components.insert(m.components.end() - 2, score);
  model::DefenceSpec guard;
  guard.detect_misuse = 1.0;
  m.components.insert(m.components.end() - 2, component("guard", guard, "world", "stopped"));
  const auto a = analytic::analyse(m);
  CHECK_THAT(value(a, "harm_rate"), WithinRel(0.2 * (phi(0.5) - phi(-1.0)), 1e-12));
  CHECK_THAT(value(a, "near_miss_rate"), WithinRel(0.2 * phi(-1.0), 1e-12));
}
