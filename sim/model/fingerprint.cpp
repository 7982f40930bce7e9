#include "sim/model/fingerprint.h"

#include <string>

#include "sim/engine/fingerprint.h"

namespace stsim::model {

namespace {

class FingerprintTrace final : public Trace {
 public:
  void on_event(const TraceEvent& event) override {
    hash.add(event.time);
    hash.add(event.what);
    hash.add(std::uint64_t{event.component});
  }
  engine::Fingerprint hash;
};

void add_counter(engine::Fingerprint& hash, std::string_view name, std::uint64_t value) {
  if (value == 0) return;
  hash.add(name);
  hash.add(value);
}

void add_counter(engine::Fingerprint& hash, std::string_view name, double value) {
  if (value == 0.0) return;
  hash.add(name);
  hash.add(value);
}

void add_counters(engine::Fingerprint& hash, std::string_view name,
                  const std::vector<std::uint64_t>& values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    add_counter(hash, std::string(name) + "[" + std::to_string(i) + "]", values[i]);
}

void add_metrics(engine::Fingerprint& h, const ReplicationMetrics& m) {
  add_counter(h, "tasks", m.tasks);
  add_counter(h, "in_flight", m.in_flight);
  static constexpr const char* terminal_names[terminal_count] = {"harm", "served", "near_miss",
                                                                 "lost", "paused"};
  for (std::size_t i = 0; i < terminal_count; ++i)
    add_counter(h, std::string("terminal.") + terminal_names[i], m.terminal[i]);
  add_counter(h, "benign_tasks", m.benign_tasks);
  add_counter(h, "malicious_tasks", m.malicious_tasks);
  add_counter(h, "model_errors", m.model_errors);
  add_counter(h, "commission_errors", m.commission_errors);
  add_counter(h, "omission_errors", m.omission_errors);
  add_counter(h, "hazardous_outputs", m.hazardous_outputs);
  add_counter(h, "refused_benign", m.refused_benign);
  add_counter(h, "refused_malicious", m.refused_malicious);
  add_counter(h, "benign_served", m.benign_served);
  add_counter(h, "benign_lost", m.benign_lost);
  add_counter(h, "served_correct", m.served_correct);
  add_counter(h, "deferred", m.deferred);
  add_counter(h, "false_alarms", m.false_alarms);
  add_counter(h, "harms", m.harms);
  add_counter(h, "harm_severity", m.harm_severity);
  // The origins of omission and timing only where they occur, so that the fingerprint of a
  // scenario without them is the one it had before they existed.
  for (std::size_t i = 0; i < harm_origin_count; ++i)
    if (i < static_cast<std::size_t>(HarmOrigin::omission) || m.harms_by_origin[i] != 0)
      add_counter(h, std::string("harms_by_origin.") + harm_origin_names[i], m.harms_by_origin[i]);
  add_counter(h, "harms_with_correct_output", m.harms_with_correct_output);
  add_counter(h, "harms_latent_involved", m.harms_latent_involved);
  add_counter(h, "harms_common_cause", m.harms_common_cause);
  add_counter(h, "model_errors_no_harm", m.model_errors_no_harm);
  add_counters(h, "near_misses_by_layer", m.near_misses_by_layer);
  add_counters(h, "harms_by_last_layer", m.harms_by_last_layer);
  for (std::size_t i = 0; i < m.operators.size(); ++i) {
    const OperatorPoolMetrics& o = m.operators[i];
    const std::string pool = "operators[" + std::to_string(i) + "].";
    add_counter(h, pool + "busy_time", o.busy_time);
    add_counter(h, pool + "capacity_time", o.capacity_time);
    add_counter(h, pool + "reviews", o.reviews);
    add_counter(h, pool + "waited", o.waited);
    add_counter(h, pool + "total_wait", o.total_wait);
    add_counter(h, pool + "overflowed", o.overflowed);
    add_counter(h, pool + "caught", o.caught);
    add_counter(h, pool + "hazards_seen", o.hazards_seen);
  }
  add_counter(h, "latent_failures", m.latent_failures);
  add_counter(h, "latent_failures_found", m.latent_failures_found);
  add_counter(h, "time_to_first_harm", m.time_to_first_harm);
  add_counter(h, "first_harm_observed", std::uint64_t{m.first_harm_observed ? 1u : 0u});
  add_counters(h, "harm_series", m.harm_series);
  add_counter(h, "attacks_attempted", m.attacks_attempted);
  add_counter(h, "attacks_succeeded", m.attacks_succeeded);
  add_counter(h, "audits", m.audits);
  add_counter(h, "attacks_caught", m.attacks_caught);
  add_counter(h, "shut_down", std::uint64_t{m.shut_down ? 1u : 0u});
  add_counter(h, "events", m.events);
  add_counter(h, "paused_time", m.paused_time);
}

}  // namespace

std::uint64_t replication_fingerprint(Simulation& simulation, std::uint64_t seed,
                                      std::uint32_t point, std::uint32_t replication) {
  FingerprintTrace trace;
  ReplicationMetrics metrics;
  simulation.run(seed, point, replication, metrics, &trace);
  add_metrics(trace.hash, metrics);
  return trace.hash.value();
}

}  // namespace stsim::model
