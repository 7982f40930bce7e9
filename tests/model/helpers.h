#pragma once
// Code-built scenarios and small statistics for the model's tests.

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/model/simulation.h"
#include "sim/model/spec.h"

namespace stsim::model::testing {

struct Edges {
  std::string pass = {}, block = {}, refuse = {}, defer = {}, overflow = {};
};

// The kind is the one whose parameters are given; edges by port name.
inline ComponentSpec component(std::string id, Parameters parameters, Edges edges = {}) {
  ComponentSpec c;
  c.id = std::move(id);
  c.parameters = std::move(parameters);
  for (auto [port, target] : {std::pair{"pass", edges.pass}, std::pair{"block", edges.block},
                              std::pair{"refuse", edges.refuse}, std::pair{"defer", edges.defer},
                              std::pair{"overflow", edges.overflow}})
    c.connect(port, target);
  return c;
}

inline ContextSpec context(std::string name, double weight = 1.0, bool hazardous = true,
                           double malicious_share = 0.0, double observability = 1.0,
                           double severity = 1.0) {
  ContextSpec c;
  c.name = std::move(name);
  c.weight = weight;
  c.hazardous = hazardous;
  c.malicious_share = malicious_share;
  c.observability = observability;
  c.severity = severity;
  return c;
}

inline SourceSpec source(double rate) {
  SourceSpec s;
  s.rate = rate;
  return s;
}

inline AiSpec ai(double reliability, double commission_share = 1.0) {
  AiSpec a;
  a.reliability = reliability;
  a.commission_share = commission_share;
  return a;
}

inline SafeguardSpec safeguard(double detect_error, double false_alarm = 0.0) {
  SafeguardSpec g;
  g.detect_error = detect_error;
  g.false_alarm = false_alarm;
  return g;
}

inline ScenarioSpec scenario(Time horizon, std::vector<ContextSpec> contexts,
                             std::vector<ComponentSpec> components) {
  ScenarioSpec s;
  s.name = "test";
  s.horizon = horizon;
  s.time_bins = 10;
  s.contexts = std::move(contexts);
  s.components = std::move(components);
  return s;
}

// A scenario using every component kind and every mechanism.
inline ScenarioSpec every_kind() {
  AiSpec model = ai(0.9, 0.7);
  model.refusal_threshold = 2.0;
  model.defer_threshold = -1.0;
  model.untrusted = true;  // harms of origin attack too
  model.attack = {.opportunity = 0.5, .probability = 0.02, .success = 0.5};

  SafeguardSpec filter = safeguard(0.8, 0.02);
  filter.detect_misuse = 0.3;
  filter.latent_failure_rate = 0.01;
  filter.test_interval = 50.0;
  filter.repair_time = 2.0;
  filter.coupling = {.with = "model", .demand_beta = 0.2, .difficulty_correlation = 0.3};

  SafeguardSpec monitor = safeguard(0.7, 0.05);
  monitor.blocks = false;
  monitor.latent_failure_rate = 0.005;
  monitor.coupling = {.with = "filter", .demand_beta = 0.3};

  OperatorSpec reviewers;
  reviewers.count = 2;
  reviewers.review_time = 0.02;
  reviewers.max_queue = 3;
  reviewers.detect = 0.9;
  reviewers.vigilance_floor = 0.6;
  reviewers.trust_gain = 0.01;
  reviewers.trust_loss = 0.2;
  reviewers.automation_bias = 0.5;
  reviewers.workload_scale = 5.0;
  reviewers.false_reject = 0.01;
  reviewers.slip = 0.001;
  reviewers.drift.enabled = true;
  reviewers.drift.time_constant = 100.0;

  OperatorSpec appeal;
  appeal.review_time = 0.05;
  appeal.review_distribution = ServiceDistribution::lognormal;
  appeal.review_cv = 0.5;

  AuditSpec audit;
  audit.sample = 0.1;
  audit.detect = 0.9;
  audit.drift.enabled = true;
  audit.drift.time_constant = 100.0;

  DefenceSpec shield;
  shield.detect_misuse = 0.6;
  shield.detect_error = 0.1;
  shield.false_alarm = 0.001;

  SourceSpec users = source(50.0);
  users.profile = {0.5, 1.5};
  users.profile_period = 24.0;

  auto s = scenario(
      500.0, {context("general", 3.0, true, 0.1, 1.5), context("harmless", 1.0, false, 0.05)},
      {component("users", users, {.pass = "model"}),
       component("model", model, {.pass = "filter", .refuse = "archive", .defer = "reviewers"}),
       component("filter", filter, {.pass = "monitor"}),
       component("monitor", monitor, {.pass = "reviewers"}),
       component("reviewers", reviewers, {.pass = "audit", .block = "appeal"}),
       component("appeal", appeal, {.pass = "audit"}),
       component("audit", audit, {.pass = "shield"}),
       component("shield", shield, {.pass = "world"}), component("world", OutcomeSpec{true}),
       component("archive", OutcomeSpec{false})});
  s.pause_after_harm = 0.2;
  return s;
}

// Sums of the counters over replications.
struct Totals {
  std::uint64_t tasks = 0, in_flight = 0, harms = 0, near_misses = 0, model_errors = 0,
                commission = 0, omission = 0, hazardous = 0, refused_benign = 0,
                refused_malicious = 0, benign = 0, malicious = 0, deferred = 0, false_alarms = 0,
                paused = 0, lost = 0, served = 0, benign_served = 0, benign_lost = 0,
                latent_failures = 0, latent_found = 0, common_cause = 0, latent_involved = 0;
  std::uint64_t by_origin[harm_origin_count] = {};
  std::vector<std::uint64_t> near_by_layer, harm_by_last_layer;
  std::vector<OperatorPoolMetrics> operators;
  std::vector<double> harm_fraction;  // per replication: harms / tasks
  std::vector<ReplicationMetrics> replications;
};

inline Totals run(const ScenarioSpec& spec, std::uint32_t replications, std::uint64_t seed = 1,
                  std::uint32_t point = 0) {
  Simulation sim(spec);
  Totals t;
  ReplicationMetrics m;
  for (std::uint32_t r = 0; r < replications; ++r) {
    sim.run(seed, point, r, m);
    t.tasks += m.tasks;
    t.in_flight += m.in_flight;
    t.harms += m.harms;
    t.near_misses += m.terminal[static_cast<std::size_t>(Terminal::near_miss)];
    t.paused += m.terminal[static_cast<std::size_t>(Terminal::paused)];
    t.lost += m.terminal[static_cast<std::size_t>(Terminal::lost)];
    t.served += m.terminal[static_cast<std::size_t>(Terminal::served)];
    t.model_errors += m.model_errors;
    t.commission += m.commission_errors;
    t.omission += m.omission_errors;
    t.hazardous += m.hazardous_outputs;
    t.refused_benign += m.refused_benign;
    t.refused_malicious += m.refused_malicious;
    t.benign += m.benign_tasks;
    t.malicious += m.malicious_tasks;
    t.deferred += m.deferred;
    t.false_alarms += m.false_alarms;
    t.benign_served += m.benign_served;
    t.benign_lost += m.benign_lost;
    t.latent_failures += m.latent_failures;
    t.latent_found += m.latent_failures_found;
    t.common_cause += m.harms_common_cause;
    t.latent_involved += m.harms_latent_involved;
    for (std::size_t i = 0; i < harm_origin_count; ++i) t.by_origin[i] += m.harms_by_origin[i];
    t.near_by_layer.resize(m.near_misses_by_layer.size());
    t.harm_by_last_layer.resize(m.harms_by_last_layer.size());
    for (std::size_t i = 0; i < m.near_misses_by_layer.size(); ++i) {
      t.near_by_layer[i] += m.near_misses_by_layer[i];
      t.harm_by_last_layer[i] += m.harms_by_last_layer[i];
    }
    t.operators.resize(m.operators.size());
    for (std::size_t i = 0; i < m.operators.size(); ++i) {
      auto& o = t.operators[i];
      const auto& p = m.operators[i];
      o.busy_time += p.busy_time;
      o.capacity_time += p.capacity_time;
      o.reviews += p.reviews;
      o.waited += p.waited;
      o.total_wait += p.total_wait;
      o.overflowed += p.overflowed;
      o.caught += p.caught;
      o.hazards_seen += p.hazards_seen;
    }
    t.harm_fraction.push_back(m.tasks ? static_cast<double>(m.harms) / static_cast<double>(m.tasks)
                                      : 0.0);
    t.replications.push_back(m);
  }
  return t;
}

inline double ratio(std::uint64_t k, std::uint64_t n) {
  return static_cast<double>(k) / static_cast<double>(n);
}

// Standard error of a proportion p estimated from n trials.
inline double binomial_se(double p, std::uint64_t n) {
  return std::sqrt(p * (1.0 - p) / static_cast<double>(n));
}

struct MeanSe {
  double mean = 0.0, se = 0.0;
};
// Mean of per-replication observations and its standard error (sample variance / n).
inline MeanSe mean_se(const std::vector<double>& x) {
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return {mean, std::sqrt(ss / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()))};
}

inline double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace stsim::model::testing
