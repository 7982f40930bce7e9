#pragma once
// Runs replications of one scenario. Built once per (scenario, sweep point); run()
// reuses all storage, so a replication allocates nothing once warm. Not thread-safe:
// each thread owns its own Simulation.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/model/metrics.h"
#include "sim/model/spec.h"

namespace stsim::model {

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
  // `out` is resized on first use and then reused.
  void run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
           ReplicationMetrics& out);

  const ScenarioSpec& spec() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace stsim::model
