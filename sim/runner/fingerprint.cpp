#include "sim/runner/fingerprint.h"

#include "sim/engine/fingerprint.h"
#include "sim/model/fingerprint.h"

namespace stsim::runner {

std::vector<std::uint64_t> point_fingerprints(const Plan& plan, std::uint32_t replications) {
  const ReplicationPlan& rp = plan.replications;
  std::vector<std::uint64_t> out;
  for (std::uint32_t p = 0; p < plan.specs.size(); ++p) {
    model::Simulation simulation(plan.specs[p]);
    // As in the runner: under common random numbers every point draws from point 0's streams.
    const std::uint32_t stream_point = rp.common_random_numbers ? 0 : p;
    engine::Fingerprint point;
    for (std::uint32_t r = 0; r < replications; ++r)
      point.add(model::replication_fingerprint(simulation, rp.seed, stream_point, r));
    out.push_back(point.value());
  }
  return out;
}

}  // namespace stsim::runner
