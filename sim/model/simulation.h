#pragma once
// Runs replications of one scenario. Built once per (scenario, sweep point); run()
// reuses all storage, so a replication allocates nothing once warm. Not thread-safe:
// each thread owns its own Simulation.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/metrics.h"
#include "sim/model/spec.h"

namespace stsim::model {

// One processed event in terms that survive a change of the code's internals: a stable
// name of what happened and the component (in scenario order) it happened at. What the
// trajectory fingerprint folds in.
struct TraceEvent {
  Time time = 0.0;
  std::string_view what;
  std::uint32_t component = 0;
};

class Trace {
 public:
  virtual ~Trace() = default;
  virtual void on_event(const TraceEvent& event) = 0;
};

class Simulation {
 public:
  // Throws std::invalid_argument naming the component and problem if the spec cannot be
  // run (the scenario loader reports the same faults earlier, with file positions).
  explicit Simulation(const ScenarioSpec& spec);
  ~Simulation();
  Simulation(Simulation&&) noexcept;
  Simulation& operator=(Simulation&&) noexcept;

  // One replication. Streams are keyed by (seed, point, replication, component, purpose):
  // pass the same point for every sweep point to get common random numbers.
  // `out` is resized on first use and then reused. A trace, when given, sees every event
  // processed, in order.
  void run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
           ReplicationMetrics& out, Trace* trace = nullptr);

  const ScenarioSpec& spec() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace stsim::model
