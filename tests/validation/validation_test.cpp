// The validation suite: scenarios of the analytic subset simulated at fixed seeds with
// model::Simulation (not the runner) and compared with the exact values of sim/analytic.
//
// For every metric of every case:
//  - agreement: |estimate - exact| < 4 SE;
//  - power: 6 SE < 5% of the exact value, so that a simulation biased by 5% would be
//    outside the 4 SE band with probability >= 97.7% (the bias is then >= 6 SE, and
//    the estimate falls within 4 SE of the wrong value only if the noise exceeds 2 SE);
//  - the test of the test: the exact value scaled by 0.95 and by 1.05 is rejected.
// A separate case simulates a scenario perturbed so that its exact answer moves by 5%
// and checks that it is rejected against the unperturbed exact value.
//
// SEs come from the replications, never from a binomial formula: tasks within a
// replication are dependent (shared latent failures, queues), replications are not.
// Proportions and rates pooled over replications are ratio estimators, with the
// delta-method SE sqrt(sum (x_i - R y_i)^2 / (n (n - 1) ybar^2)).
//
// With STSIM_VALIDATION_REPORT set to a directory, each case writes <name>.json there;
// analysis-scripts/validation_report.py turns them into docs/validation.md.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/analytic/analytic.h"
#include "sim/model/simulation.h"
#include "sim/stats/accumulator.h"
#include "sim/structure/check.h"

namespace {

using namespace stsim;

struct Case {
  const char* file;     // under tests/validation/scenarios/
  const char* system;   // what is simulated
  const char* formula;  // the exact answer
  const char* source;   // where the formula comes from
  std::vector<const char*> metrics;
};

// Pooled ratio (sum x / sum y) or mean of one value per replication.
class Estimate {
 public:
  void add_ratio(double x, double y) {
    ratio_ = true;
    ++n_;
    sx_ += x;
    sy_ += y;
    sxx_ += x * x;
    syy_ += y * y;
    sxy_ += x * y;
  }
  void add_value(double v) { mean_.add(v); }

  double value() const { return ratio_ ? sx_ / sy_ : mean_.mean(); }
  double standard_error() const {
    if (!ratio_) return mean_.standard_error();
    const double n = static_cast<double>(n_), r = sx_ / sy_, ybar = sy_ / n;
    const double ss = std::max(0.0, sxx_ - 2.0 * r * sxy_ + r * r * syy_);
    return std::sqrt(ss / (n * (n - 1.0))) / ybar;
  }

 private:
  bool ratio_ = false;
  std::uint64_t n_ = 0;
  double sx_ = 0.0, sy_ = 0.0, sxx_ = 0.0, syy_ = 0.0, sxy_ = 0.0;
  stats::MeanAccumulator mean_;
};

// One replication's contribution, as docs/output.md defines each metric.
void observe(const std::string& name, const model::ReplicationMetrics& m, double horizon,
             Estimate& e) {
  const auto tasks = static_cast<double>(m.tasks);
  auto d = [](std::uint64_t x) { return static_cast<double>(x); };
  if (name == "harm_rate") return e.add_ratio(d(m.harms), tasks);
  if (name == "model_error_rate") return e.add_ratio(d(m.model_errors), tasks);
  if (name == "hazardous_output_rate") return e.add_ratio(d(m.hazardous_outputs), tasks);
  if (name == "near_miss_rate")
    return e.add_ratio(d(m.terminal[static_cast<std::size_t>(model::Terminal::near_miss)]), tasks);
  if (name == "harm_with_correct_output_rate")
    return e.add_ratio(d(m.harms_with_correct_output), tasks);
  if (name == "model_error_no_harm_rate") return e.add_ratio(d(m.model_errors_no_harm), tasks);
  if (name == "false_alarm_rate") return e.add_ratio(d(m.false_alarms), tasks);
  if (name == "refused_benign_share") return e.add_ratio(d(m.refused_benign), d(m.benign_tasks));
  if (name == "refused_malicious_share")
    return e.add_ratio(d(m.refused_malicious), d(m.malicious_tasks));
  if (name == "benign_lost_share") return e.add_ratio(d(m.benign_lost), d(m.benign_tasks));
  if (name == "harms_per_hour") return e.add_ratio(d(m.harms), horizon);
  if (name == "first_harm_probability") return e.add_ratio(m.first_harm_observed ? 1.0 : 0.0, 1.0);
  if (name == "time_to_first_harm")
    return e.add_value(m.first_harm_observed ? std::min(m.time_to_first_harm, horizon) : horizon);
  if (name == "harm_severity_per_task")
    return e.add_value(m.tasks > 0 ? m.harm_severity / tasks : 0.0);
  if (name == "tasks_per_replication") return e.add_value(tasks);
  if (name == "latent_failures_per_replication") return e.add_value(d(m.latent_failures));
  if (name == "safety")
    return e.add_ratio(
        m.harms_by_origin[static_cast<std::size_t>(model::HarmOrigin::attack)] == 0 ? 1.0 : 0.0,
        1.0);
  double busy = 0.0, capacity = 0.0, wait = 0.0, reviews = 0.0, waited = 0.0;
  double busy_periods = 0.0, filled_periods = 0.0;
  for (const auto& pool : m.operators) {
    busy += pool.busy_time;
    capacity += pool.capacity_time;
    wait += pool.total_wait;
    reviews += d(pool.reviews);
    waited += d(pool.waited);
    busy_periods += d(pool.busy_periods);
    filled_periods += d(pool.filled_periods);
  }
  if (name == "operator_fill_before_empty") return e.add_ratio(filled_periods, busy_periods);
  if (name == "operator_utilisation") return e.add_value(busy / capacity);
  if (name == "operator_mean_wait") {
    if (reviews > 0.0) e.add_value(wait / reviews);
    return;
  }
  if (name == "operator_wait_probability") {
    if (reviews > 0.0) e.add_value(waited / reviews);
    return;
  }
  FAIL("the validation suite has no estimator for metric " << name);
}

struct MetricResult {
  std::string name;
  double exact = 0.0, estimate = 0.0, standard_error = 0.0;
  bool steady_state = false;
};

std::string scenario_path(const char* file) {
  return std::string(STSIM_SOURCE_DIR) + "/tests/validation/scenarios/" + file;
}

scenario::Scenario load(const char* file, const std::vector<scenario::Assignment>& overrides = {}) {
  auto loaded = structure::load_checked(scenario_path(file), overrides);
  for (const auto& diagnostic : loaded.diagnostics) UNSCOPED_INFO(scenario::format(diagnostic));
  REQUIRE(loaded.ok());
  return std::move(*loaded.scenario);
}

std::vector<MetricResult> simulate(const model::ScenarioSpec& spec,
                                   const std::vector<const char*>& metrics,
                                   const analytic::Analysis& exact) {
  std::vector<Estimate> estimates(metrics.size());
  model::Simulation simulation(spec);
  model::ReplicationMetrics m;
  for (std::uint32_t r = 0; r < spec.replications; ++r) {
    simulation.run(spec.seed, 0, r, m);
    for (std::size_t k = 0; k < metrics.size(); ++k)
      observe(metrics[k], m, spec.horizon, estimates[k]);
  }
  std::vector<MetricResult> out;
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    const auto* e = exact.find(metrics[k]);
    INFO("metric " << metrics[k]);
    REQUIRE(e != nullptr);
    out.push_back({metrics[k], e->value, estimates[k].value(), estimates[k].standard_error(),
                   e->steady_state});
  }
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const std::vector<Case>& cases();

void report(const Case& c, const model::ScenarioSpec& spec,
            const std::vector<MetricResult>& results) {
  const char* dir = std::getenv("STSIM_VALIDATION_REPORT");
  if (dir == nullptr) return;
  std::ofstream out(std::string(dir) + "/" + spec.name + ".json");
  out.precision(17);
  out << "{\"index\": " << (&c - cases().data()) << ", \"name\": " << json_string(spec.name)
      << ", \"file\": " << json_string(c.file) << ", \"system\": " << json_string(c.system)
      << ", \"formula\": " << json_string(c.formula) << ", \"source\": " << json_string(c.source)
      << ", \"replications\": " << spec.replications << ", \"seed\": " << spec.seed
      << ", \"horizon_hours\": " << spec.horizon << ", \"metrics\": [";
  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto& r = results[k];
    out << (k ? ", " : "") << "{\"name\": " << json_string(r.name) << ", \"exact\": " << r.exact
        << ", \"estimate\": " << r.estimate << ", \"standard_error\": " << r.standard_error
        << ", \"steady_state\": " << (r.steady_state ? "true" : "false") << "}";
  }
  out << "]}\n";
  REQUIRE(out.good());
}

void validate(const Case& c) {
  const auto scenario = load(c.file);
  const auto& spec = scenario.spec;
  const auto exact = analytic::analyse(spec);
  const auto results = simulate(spec, c.metrics, exact);
  for (const auto& r : results) {
    INFO(spec.name << ": " << r.name << " exact " << r.exact << ", simulated " << r.estimate
                   << " +- " << r.standard_error << " (" << spec.replications << " replications)");
    REQUIRE(r.exact > 0.0);
    // Power: a 5% bias is at least 6 SE.
    CHECK(6.0 * r.standard_error < 0.05 * r.exact);
    // Agreement.
    CHECK(std::abs(r.estimate - r.exact) < 4.0 * r.standard_error);
    // The test of the test: a 5% bias either way is caught.
    CHECK(std::abs(r.estimate - 1.05 * r.exact) > 4.0 * r.standard_error);
    CHECK(std::abs(r.estimate - 0.95 * r.exact) > 4.0 * r.standard_error);
  }
  report(c, spec, results);
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"independent-layers.toml",
       "model (reliability 0.8, all errors unsafe commissions) -> filter (detects 50%, 5% false "
       "alarms) "
       "-> monitor (detects 60%, 2% false alarms) -> acted outcome",
       "harm = (1 - r) q1 q2 = 0.2 x 0.5 x 0.4; false alarms per task = r (f1 + (1 - f1) f2)",
       "series system of independent barriers: fault tree AND gate (NUREG-0492, Fault Tree "
       "Handbook, 1981, ch. VII)",
       {"harm_rate", "near_miss_rate", "false_alarm_rate"}},
      {"beta-factor-pair.toml",
       "as independent-layers, but the monitor misses with the filter with probability beta = 0.3",
       "harm = (1 - r) q1 (beta + (1 - beta) q2) = 0.2 x 0.5 x 0.58",
       "beta-factor model (NUREG/CR-5485, 1998, 5.2; IEC 61508-6:2010 annex D)",
       {"harm_rate", "model_error_no_harm_rate"}},
      {"mgl-three-layers.toml",
       "model (r = 0.8) -> three safeguards (detect 0.5, 0.6, 0.5), the second sharing the first's "
       "miss "
       "with beta = 0.3, the third the second's with gamma = 0.4",
       "harm = (1 - r) q1 (beta + (1 - beta) q2) (gamma + (1 - gamma) q3) = 0.2 x 0.5 x 0.58 x 0.7",
       "multiple Greek letter model, conditional form (NUREG/CR-5485, 1998, 5.3; Fleming & "
       "Kalinowski 1983)",
       {"harm_rate"}},
      {"monitor-shares-model-cause.toml",
       "model (r = 0.9) -> monitor (detects 90%) that fails with the model with probability beta = "
       "0.5",
       "harm = (1 - r) (beta + (1 - beta) (1 - d)) = 0.1 x 0.55",
       "beta-factor model (NUREG/CR-5485, 1998, 5.2)",
       {"harm_rate", "harms_per_hour"}},
      {"difficulty-correlation.toml",
       "model (r = 0.8: errs iff difficulty u > 0.8) -> monitor (detect 0.9) that judges by the "
       "same u with "
       "probability rho = 0.6 (flags iff u <= 0.9)",
       "harm = (1 - r) [rho (1 - (d - r) / (1 - r)) + (1 - rho)(1 - d)] = 0.2 x (0.6 x 0.5 + 0.4 x "
       "0.1)",
       "latent-difficulty correlation of versions (Eckhardt & Lee, IEEE TSE 11(12), 1985; "
       "Littlewood & Miller 1989)",
       {"harm_rate"}},
      {"refusal-and-misuse.toml",
       "20% malicious requests, observable score N(0,1) benign / N(1.5,1) malicious; the model "
       "refuses above "
       "1.0; reliability 0.95; a defence stops 50% of misuse",
       "P(refuse | benign) = 1 - Phi(1); P(refuse | malicious) = 1 - Phi(-0.5); harm with a "
       "correct output = "
       "m Phi(-0.5) r (1 - 0.5)",
       "signal detection theory (Green & Swets, Signal Detection Theory and Psychophysics, 1966)",
       {"refused_benign_share", "refused_malicious_share", "harm_with_correct_output_rate",
        "harm_rate"}},
      {"deferral.toml",
       "two contexts (70% routine, not hazardous, r = 0.9; 30% clinical, severity 2, r = 0.7), 80% "
       "of errors "
       "unsafe; deferral when confidence (N(2,1) correct, N(0,1) wrong) < 0.5",
       "harm = 0.3 x 0.3 x 0.8 x (1 - Phi(0.5)); severity per task = 2 harm (1 - e^(-lambda H)); "
       "deferred benign lost = sum_c w_c [r_c Phi(-1.5) + (1 - r_c) Phi(0.5)]",
       "signal detection theory (Green & Swets 1966); event tree over contexts",
       {"harm_rate", "harm_severity_per_task", "benign_lost_share", "model_error_rate"}},
      {"latent-1oo1.toml",
       "every output unsafe; one interlock, perfect when up, fails silently at 0.005/h, proof test "
       "every 100 h, "
       "repair 10 h",
       "harm per demand = PFD avg from the chain up -> down (rate lambda) -> repair (at each test) "
       "-> up (after R), "
       "integrated with matrix exponentials over the horizon; long-run limit (1oo1) = "
       "[p (T - (1 - e^-lambda(T-R))/lambda) + (1 - p)(T - (1 - e^-lambda T)/lambda)] / T, "
       "p = (1 - e^-lambda T) / (1 + e^-lambda(T-R) - e^-lambda T)",
       "IEC 61508-6:2010 annex B.3.2.2 (1oo1, PFD avg ~ lambda (T/2 + MRT)); Markov approach IEC "
       "61508-6 B.5.2, "
       "ISO/TR 12489:2013",
       {"harm_rate", "latent_failures_per_replication"}},
      {"latent-redundant-ccf.toml",
       "every output unsafe; a 1oo2 pair of interlocks in series, each perfect when up, failing "
       "silently at lambda = 0.005/h in all, of which beta lambda (beta = 0.2, "
       "coupling.latent_beta) "
       "are common-cause events failing both (the IEC 61508-6 convention); tests every 100 h (a) "
       "and 150 h (b, repair 5 h)",
       "harm per demand = time average of P(a down, b down) from the 9-state chain (a, b each up / "
       "down / under repair; a -> down at (1 - beta) lambda, b likewise, both at beta lambda), "
       "tests and repairs applied at their instants",
       "IEC 61508-6:2010 annex D (beta factor) and B.5.2 (Markov); NUREG/CR-5485 5.2",
       {"harm_rate", "latent_failures_per_replication"}},
      {"vote-1oo1.toml",
       "every output unsafe; a vote of one channel, perfect when up, failing silently at lambda = "
       "0.002/h, tested every 200 h, repaired in 10 h",
       "harm per demand = PFD avg of the channel from its 3-state chain (up, down, under repair), "
       "as latent-1oo1; IEC simplified lambda (T/2 + MRT)",
       "IEC 61508-6:2010 annex B.3.2.2.1 (1oo1); Markov approach B.5.2",
       {"harm_rate", "latent_failures_per_replication"}},
      {"vote-1oo2-beta.toml",
       "every output unsafe; a 1oo2 vote, each channel detecting 90% per demand when up and "
       "failing silently at lambda = 0.004/h; beta = 0.1 of each channel's latent rate and of its "
       "per-demand miss intensity -ln(1 - q) is common to both; simultaneous tests every 100 h",
       "harm per demand = time average over the 9-state chain of P(no working channel detects): "
       "both down; one down and the other misses (q); both up and both miss, "
       "1 - 2 e^-h + e^-(2 - beta) h with h = -ln(1 - q); exact PFD avg (latent only) "
       "1 - 2 m(lambda) + m((2 - beta) lambda), m(r) = (1 - e^-rT) / rT, against IEC's "
       "((1 - beta) lambda T)^2 / 3 + beta lambda T / 2",
       "IEC 61508-6:2010 annex B.3.2.2.2 (1oo2) and D (beta factor); Markov approach B.5.2",
       {"harm_rate", "latent_failures_per_replication"}},
      {"vote-2oo3-beta.toml",
       "model (r = 0.5, errors unsafe); a 2oo3 vote, channels perfect when up, failing silently "
       "at lambda = 0.003/h with beta = 0.1 common to all three, tested in turn every 150 h "
       "(staggered by 50 h); each channel raises a false alarm on 10% of good outputs",
       "harm per demand = (1 - r) x time average of P(at least two channels down), from the "
       "27-state chain with the staggered tests at their instants; false alarms per task = r x "
       "time average of P(at least two working channels alarm)",
       "IEC 61508-6:2010 annex B.3.2.2.4 (2oo3) and D (beta factor); Markov approach B.5.2",
       {"harm_rate", "false_alarm_rate", "latent_failures_per_replication"}},
      {"vote-mgl-1oo3.toml",
       "every output unsafe; a 1oo3 vote, each channel missing q = 0.4 of hazards per demand, the "
       "misses sharing causes by the multiple Greek letter model (beta = 0.2, gamma = 0.4)",
       "harm = P(all three miss) = 1 - 3 e^-H1 + 3 e^-H2 - e^-H3: channel intensity h = -ln(1 - q) "
       "split into Q1 = (1 - beta) h, Q2 = beta (1 - gamma) h / 2, Q3 = beta gamma h; H1 = h, H2 = "
       "2 Q1 + 3 Q2 + Q3, H3 = 3 Q1 + 3 Q2 + Q3",
       "multiple Greek letter model (NUREG/CR-5485, 1998, 5.2.3; Mosleh et al., NUREG/CR-4780)",
       {"harm_rate", "near_miss_rate"}},
      {"review-mmc.toml",
       "every output reviewed by 2 operators, exponential reviews of mean 6 min, 15 tasks/h (a = "
       "1.5 Erlangs); "
       "they catch 80% of errors and wrongly reject 5% of good outputs",
       "Erlang C: P(wait) = C(2, 1.5) = 0.642857; Wq = C / (c mu - lambda) = 0.128571 h; "
       "utilisation a / c; "
       "harm = (1 - r)(1 - d)",
       "Erlang C (Kleinrock, Queueing Systems vol. 1, 1975, 3.5; Gross & Harris, Fundamentals of "
       "Queueing "
       "Theory, 2.3)",
       {"operator_mean_wait", "operator_wait_probability", "operator_utilisation", "harm_rate",
        "benign_lost_share"}},
      {"coverage-by-context.toml",
       "model (reliability 0.8, all errors unsafe commissions), contexts routine 70% and summary "
       "30%; a filter (detects 90%, 5% false alarms) covers 60% of routine outputs and no "
       "summaries; one reviewer (6 min exponential reviews, detects 80%, rejects 10% of good "
       "outputs) covers every summary and no routine output; 6 tasks/h",
       "harm = (1 - r)(0.7 (1 - 0.6 x 0.9) + 0.3 (1 - 0.8)) = 0.0764; the reviewer is M/M/1 "
       "with the summaries only, lambda = 1.8/h: utilisation 0.18, Wq = rho / (mu - lambda) = "
       "0.021951 h",
       "layers in series with coverage as a bypass probability (Henley & Kumamoto, Probabilistic "
       "Risk Assessment, 1992, ch. 3); Erlang C with c = 1 (Kleinrock, Queueing Systems vol. 1, "
       "1975, 3.2)",
       {"harm_rate", "operator_utilisation", "operator_mean_wait", "benign_lost_share"}},
      {"audit-defence-by-context.toml",
       "model (reliability 0.8, all errors unsafe commissions), contexts routine 60% and summary "
       "40%; an audit samples half the outputs and catches 90% of routine errors and 30% of "
       "summaries; a defence behind it stops 80% of routine errors and 50% of summaries, and 2% "
       "and 10% of correct outputs; 6 tasks/h",
       "harm = (1 - r)(0.6 (1 - 0.5 x 0.9) 0.2 + 0.4 (1 - 0.5 x 0.3) 0.5) = 0.0472; false "
       "alarms per task = r (0.6 x 0.02 + 0.4 x 0.1) = 0.0416; near misses = (1 - r) - harm = "
       "0.1528",
       "independent layers in series, each with its context's probabilities (event tree, "
       "NUREG-0492, Fault Tree Handbook, 1981)",
       {"harm_rate", "near_miss_rate", "false_alarm_rate"}},
      {"detection-by-context.toml",
       "model (reliability 0.8, all errors unsafe commissions), contexts routine 60% and summary "
       "40%; a filter detects 90% of routine errors and 40% of summaries, with 5% and 20% false "
       "alarms; then a 1oo2 vote whose channels detect 70% (routine) and 50% (summary) and raise "
       "2% and 10% false alarms each; 6 tasks/h",
       "harm = (1 - r)(0.6 x 0.1 x 0.3^2 + 0.4 x 0.6 x 0.5^2) = 0.01308; false alarms per task "
       "= r (0.6 (0.05 + 0.95 (1 - 0.98^2)) + 0.4 (0.2 + 0.8 (1 - 0.9^2))) = 0.1546976; near "
       "misses = (1 - r) - harm = 0.18692",
       "independent layers in series, each with its context's probabilities (event tree, "
       "NUREG-0492, Fault Tree Handbook, 1981); 1oo2 of independent channels (IEC 61508-6:2010 "
       "annex B)",
       {"harm_rate", "false_alarm_rate", "near_miss_rate"}},
      {"review-by-context.toml",
       "model (reliability 0.8, errors unsafe commissions); contexts routine 60% and summary "
       "40%; two reviewers catch 90% of routine errors and 50% of summaries, and reject 2% "
       "and 10% of good outputs; 6 tasks/h",
       "harm = (1 - r)(0.6 x 0.1 + 0.4 x 0.5) = 0.052; near misses = (1 - r) - harm = 0.148; "
       "benign lost = r (0.6 x 0.02 + 0.4 x 0.1) = 0.0416",
       "independent per-context detection (event tree, NUREG-0492, Fault Tree Handbook, 1981)",
       {"harm_rate", "near_miss_rate", "benign_lost_share"}},
      {"individual-reviewers.toml",
       "every output reviewed by 2 individual reviewers (M/M/2: 6 min exponential reviews, 15 "
       "tasks/h, model reliability 0.9, errors unsafe commissions); reviewer 0 checks every "
       "output, "
       "catches 90% of errors and rejects 5% of good outputs; reviewer 1 checks 1 - 0.5 x 0.8 = "
       "60%, catches 40% and rejects 15%",
       "each reviewer takes half of the tasks (idle longest first, one speed: symmetric); harm = "
       "(1 - r)(1 - (0.9 + 0.6 x 0.4) / 2) = 0.043; benign lost = r (0.05 + 0.6 x 0.15) / 2 = "
       "0.063; utilisation a / c = 0.75",
       "event tree over the reviewer met (NUREG-0492, Fault Tree Handbook, 1981); symmetric "
       "assignment in M/M/c (Gross & Harris, Fundamentals of Queueing Theory, 2.3)",
       {"harm_rate", "benign_lost_share", "operator_utilisation"}},
      {"router.toml",
       "model (reliability 0.9, errors unsafe commissions, refusing scores above 2.5); contexts "
       "routine 70% (20% malicious, observability 2) and medication 30%; a router sends every "
       "medication list and every score above 1 to a check (detects 80% of errors, 90% of "
       "misuse), the rest straight on; 6 tasks/h",
       "with Phi the normal CDF: harm = 0.56 x 0.1 (Phi(1) + 0.2 (Phi(2.5) - Phi(1))) + 0.14 "
       "(Phi(-1) + (Phi(0.5) - Phi(-1))(0.9 x 0.1 + 0.1 x 0.2)) + 0.3 Phi(2.5) x 0.1 x 0.2 = "
       "0.0852024; near misses = 0.56 x 0.1 x 0.8 (Phi(2.5) - Phi(1)) + 0.14 (Phi(0.5) - "
       "Phi(-1))(0.9 x 0.9 + 0.1 x 0.8) + 0.3 Phi(2.5) x 0.1 x 0.8 = 0.0970683; refused "
       "malicious share = 1 - Phi(0.5)",
       "an event tree over the routes, the observable score a truncated normal given the "
       "model's refusal (Henley & Kumamoto, Probabilistic Risk Assessment, 1992, ch. 3)",
       {"harm_rate", "near_miss_rate", "refused_malicious_share"}},
      {"review-overflow.toml",
       "one reviewer, exponential reviews of mean 6 min, 8 tasks/h, room for 2 waiting tasks; "
       "overflow is lost",
       "M/M/1/K with K = 3, rho = 0.8: P(overflow) = (1 - rho) rho^K / (1 - rho^(K+1)); "
       "Wq = Lq / (lambda (1 - p_K)); P(an admitted task waits) = (p_1 + ... + p_(K-1)) / "
       "(1 - p_K); P(a busy period fills the pool before it empties) = 1 / (1 + 1/rho + "
       "1/rho^2), the gambler's ruin from 1 to K before 0",
       "M/M/c/K (Gross & Harris, Fundamentals of Queueing Theory, 2.5); birth-death first "
       "passage (Karlin & Taylor, A First Course in Stochastic Processes, 1975, 4.7)",
       {"benign_lost_share", "operator_mean_wait", "operator_wait_probability",
        "operator_utilisation", "operator_fill_before_empty"}},
      {"review-md1.toml",
       "one reviewer with fixed 7.5 min reviews, 6 tasks/h (rho = 0.75)",
       "Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)) = rho S / (2 (1 - rho)) for fixed "
       "S; P(wait) = rho (Poisson arrivals see time averages)",
       "M/G/1 (Kleinrock, Queueing Systems vol. 1, 1975, 5.6; Gross & Harris 5.1)",
       {"operator_mean_wait", "operator_wait_probability", "operator_utilisation"}},
      {"audit-sampling.toml",
       "model (r = 0.9, half of the errors unsafe commissions, half omissions) -> audit sampling "
       "30% of tasks "
       "and catching 80% of the hazards it samples",
       "harm = (1 - r) c (1 - s d) = 0.1 x 0.5 x 0.76; model errors without harm = (1 - r) - harm",
       "event tree of independent barriers (NUREG-0492, Fault Tree Handbook, 1981); acceptance "
       "sampling "
       "(Montgomery, Introduction to Statistical Quality Control, ch. 15)",
       {"harm_rate", "model_error_no_harm_rate", "hazardous_output_rate"}},
      {"control-upfront.toml",
       "untrusted ai attacking on a = 0.5 x 0.04 of tasks, succeeding with q = 0.5 -> upfront "
       "audit of the first B = 10 of N = 100 tasks, finding an attempt with d = 0.9; a catch "
       "shuts the deployment down",
       "safety = 1 - a (1 - d) q (1 - c^B) / (1 - c) - c^B (1 - (1 - a q)^(N - B)), c = 1 - a d - "
       "a (1 - d) q (derived in docs/validation.md, Control protocols)",
       "upfront auditing (Greenblatt et al., AI Control, ICML 2024), derived here",
       {"safety"}},
      {"control-trusted-monitoring.toml",
       "untrusted ai attacking on a = 0.04 of tasks (q = 0.6) -> trusted monitor (benign N(0,1), "
       "attacks N(1.5,1); audit zone 3% and defer zone 17% of benign outputs) -> by-score audit "
       "(B = 3, d = 1) or a trusted ai; N = 100, shutdown on a catch",
       "safety = V(N, B) of the recursion over tasks left and audits left (docs/validation.md, "
       "Control protocols)",
       "trusted monitoring with defer to trusted (Greenblatt et al., AI Control, ICML 2024), "
       "derived "
       "here",
       {"safety"}},
      {"control-untrusted-monitoring.toml",
       "as control-trusted-monitoring, but the monitor is a copy of the model (attacks N(2.5,1)) "
       "that scores 40% of its attacks as benign; defer zone 7%, d = 0.8",
       "the same recursion with the zones of an attempt mixed: (1 - k) S_attack + k S_benign",
       "untrusted monitoring with collusion (Greenblatt et al., AI Control, ICML 2024), derived "
       "here",
       {"safety"}},
      {"first-harm.toml",
       "0.5 tasks/h for 100 h; harms per task 0.04 x 0.5 (a Poisson harm process of rate 0.01/h)",
       "P(harm within H) = 1 - e^(-mu H); E[min(T1, H)] = (1 - e^(-mu H)) / mu; E[tasks] = lambda "
       "H",
       "thinning of a Poisson process (Ross, Stochastic Processes, 2nd ed., 1996, 2.3)",
       {"first_harm_probability", "time_to_first_harm", "tasks_per_replication"}},
  };
  return all;
}

const Case& find_case(const std::string& file) {
  for (const auto& c : cases())
    if (file == c.file) return c;
  FAIL("no validation case " << file);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("every case is in the analytic subset", "[validation]") {
  CHECK(cases().size() >= 10);
  for (const auto& c : cases()) {
    INFO(c.file);
    const auto scenario = load(c.file);
    CHECK_FALSE(analytic::outside_subset(scenario.spec).has_value());
  }
}

TEST_CASE("independent layers", "[validation]") { validate(find_case("independent-layers.toml")); }
TEST_CASE("beta-factor pair", "[validation]") { validate(find_case("beta-factor-pair.toml")); }
TEST_CASE("MGL three layers", "[validation]") { validate(find_case("mgl-three-layers.toml")); }
TEST_CASE("monitor shares the model's cause", "[validation]") {
  validate(find_case("monitor-shares-model-cause.toml"));
}
TEST_CASE("difficulty correlation", "[validation]") {
  validate(find_case("difficulty-correlation.toml"));
}
TEST_CASE("refusal and misuse", "[validation]") { validate(find_case("refusal-and-misuse.toml")); }
TEST_CASE("deferral", "[validation]") { validate(find_case("deferral.toml")); }
TEST_CASE("latent 1oo1", "[validation]") { validate(find_case("latent-1oo1.toml")); }
TEST_CASE("latent redundant with common cause", "[validation]") {
  validate(find_case("latent-redundant-ccf.toml"));
}
TEST_CASE("vote 1oo1", "[validation]") { validate(find_case("vote-1oo1.toml")); }
TEST_CASE("vote 1oo2 with beta", "[validation]") { validate(find_case("vote-1oo2-beta.toml")); }
TEST_CASE("vote 2oo3 with beta and staggered tests", "[validation]") {
  validate(find_case("vote-2oo3-beta.toml"));
}
TEST_CASE("vote 1oo3 with MGL", "[validation]") { validate(find_case("vote-mgl-1oo3.toml")); }
TEST_CASE("M/M/c review", "[validation]") { validate(find_case("review-mmc.toml")); }
TEST_CASE("M/M/1/K overflow", "[validation]") { validate(find_case("review-overflow.toml")); }
TEST_CASE("layers that cover only some contexts", "[validation]") {
  validate(find_case("coverage-by-context.toml"));
}
TEST_CASE("an audit and a defence whose detection depends on the context", "[validation]") {
  validate(find_case("audit-defence-by-context.toml"));
}
TEST_CASE("detection and false alarms by context", "[validation]") {
  validate(find_case("detection-by-context.toml"));
}
TEST_CASE("reviewers whose detection depends on the context", "[validation]") {
  validate(find_case("review-by-context.toml"));
}
TEST_CASE("individual reviewers, one careless", "[validation]") {
  validate(find_case("individual-reviewers.toml"));
}
TEST_CASE("a router by context and by score", "[validation]") {
  validate(find_case("router.toml"));
}
TEST_CASE("M/D/1 review", "[validation]") { validate(find_case("review-md1.toml")); }
TEST_CASE("audit sampling", "[validation]") { validate(find_case("audit-sampling.toml")); }
TEST_CASE("first harm", "[validation]") { validate(find_case("first-harm.toml")); }
TEST_CASE("upfront auditing", "[validation][control]") {
  validate(find_case("control-upfront.toml"));
}
TEST_CASE("trusted monitoring with deferral", "[validation][control]") {
  validate(find_case("control-trusted-monitoring.toml"));
}
TEST_CASE("untrusted monitoring with collusion", "[validation][control]") {
  validate(find_case("control-untrusted-monitoring.toml"));
}

TEST_CASE("validation catches a model biased by 5%", "[validation]") {
  // The independent-layers system with a reliability of 0.79 instead of 0.8 harms 5%
  // more (0.21 / 0.2): simulated, it must be rejected against the original exact value
  // and accepted against its own.
  const auto original = load("independent-layers.toml");
  const auto biased = load("independent-layers.toml", {{"model.reliability", 0.79}});
  const double exact = analytic::analyse(original.spec).find("harm_rate")->value;
  const auto own = analytic::analyse(biased.spec);
  REQUIRE(own.find("harm_rate")->value / exact == Approx(1.05).epsilon(1e-12));
  const auto results = simulate(biased.spec, {"harm_rate"}, own);
  const auto& r = results.front();
  INFO("biased estimate " << r.estimate << " +- " << r.standard_error << ", original exact "
                          << exact);
  CHECK(std::abs(r.estimate - r.exact) < 4.0 * r.standard_error);
  CHECK(std::abs(r.estimate - exact) > 4.0 * r.standard_error);
}
