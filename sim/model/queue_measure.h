#pragma once
// Importance sampling of a finite operator queue's overflow (docs/rare-events.md): the
// classic change of measure of the M/M/c/K queue. From each arrival that finds the pool
// empty (a regeneration: everything after it is independent of what came before) until
// the pool is full, arrivals are drawn at the pool's service rate c mu and reviews at
// lambda / c, so the queue drifts up instead of down; from a full pool to the end of the
// cycle both are drawn as written. The replication carries the likelihood ratio of the
// current cycle's draws (the exponential densities' ratios), reset to 1 at each
// regeneration, and each task is born with it (Task::weight): the events of a task and
// the task itself, as the exposure, count by that weight. Over cycles, weighted events
// over weighted tasks is the regenerative ratio estimator of the per-task proportion.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace stsim::model {

struct ComponentSpec;
struct ScenarioSpec;

// The operator pool with a finite queue (max_queue), whose overflow the change of
// measure is for; null when there is none.
const ComponentSpec* finite_queue_pool(const ScenarioSpec& spec);

// Why the queue's change of measure does not apply to `spec`, which has a finite-queue
// operator pool: the first feature that breaks the regeneration at an empty pool or the
// exponential densities, named as the file names it; nothing when it applies.
std::optional<std::string> queue_measure_refusal(const ScenarioSpec& spec);

class QueueMeasure {
 public:
  // The pool at `pool` (`servers` reviewers, `capacity` tasks in review or waiting) fed
  // by the source at `source` at `arrival_rate`, each review at `service_rate`.
  void configure(std::uint32_t source, std::uint32_t pool, double arrival_rate, double service_rate,
                 std::uint32_t servers, std::uint32_t capacity) {
    active_ = true;
    source_ = source;
    pool_ = pool;
    arrival_rate_ = arrival_rate;
    service_rate_ = service_rate;
    twisted_arrival_rate_ = service_rate * servers;
    twisted_service_rate_ = arrival_rate / servers;
    capacity_ = capacity;
  }
  bool active() const { return active_; }
  std::uint32_t source() const { return source_; }
  std::uint32_t pool() const { return pool_; }
  // At most how much faster than written arrivals are drawn (1 when inactive).
  double arrival_speedup() const {
    return active_ ? std::max(1.0, twisted_arrival_rate_ / arrival_rate_) : 1.0;
  }

  // A replication starts with an empty pool; its first arrival starts the first cycle.
  void begin() {
    twisted_ = false;
    weight_ = 1.0;
    in_pool_ = 0;
  }
  // An arrival, before anything about it is drawn: one that finds the pool empty starts
  // a cycle.
  void arrival() {
    if (in_pool_ != 0) return;
    twisted_ = true;
    weight_ = 1.0;
  }
  // The time to the next arrival from a standard exponential `e`, under the current
  // measure.
  double interarrival(double e) { return draw(e, arrival_rate_, twisted_arrival_rate_); }
  // A review's length from a standard exponential `e`, under the current measure.
  double review(double e) { return draw(e, service_rate_, twisted_service_rate_); }
  // A task entered the pool (review or queue): once it is full, the rest of the cycle is
  // drawn as written.
  void entered() {
    if (++in_pool_ == capacity_) twisted_ = false;
  }
  void left() { --in_pool_; }
  // The likelihood ratio of the current cycle's draws so far.
  double weight() const { return weight_; }

 private:
  double draw(double e, double rate, double twisted_rate) {
    if (!twisted_) return e / rate;
    const double x = e / twisted_rate;
    weight_ *= rate / twisted_rate * std::exp((twisted_rate - rate) * x);
    return x;
  }

  bool active_ = false;
  std::uint32_t source_ = 0, pool_ = 0;
  double arrival_rate_ = 0.0, service_rate_ = 0.0;
  double twisted_arrival_rate_ = 0.0, twisted_service_rate_ = 0.0;
  std::uint32_t capacity_ = 0;
  // Per replication.
  bool twisted_ = false;
  double weight_ = 1.0;
  std::uint32_t in_pool_ = 0;
};

}  // namespace stsim::model
