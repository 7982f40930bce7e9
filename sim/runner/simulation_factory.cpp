// The default replication model, model::Simulation, kept in its own translation unit so
// that programs which substitute their own model do not link the simulation.

#include "sim/model/simulation.h"
#include "sim/runner/runner.h"

namespace stsim::runner {

namespace {

class SimulationModel final : public ReplicationModel {
 public:
  explicit SimulationModel(const model::ScenarioSpec& spec) : simulation_(spec) {}
  void run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
           model::ReplicationMetrics& out) override {
    simulation_.run(seed, point, replication, out);
  }

 private:
  model::Simulation simulation_;
};

}  // namespace

ModelFactory simulation_factory() {
  return [](const model::ScenarioSpec& spec) -> std::unique_ptr<ReplicationModel> {
    return std::make_unique<SimulationModel>(spec);
  };
}

}  // namespace stsim::runner
