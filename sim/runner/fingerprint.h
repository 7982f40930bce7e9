#pragma once
// The trajectory fingerprint of each point of a plan: its first replications'
// fingerprints (model/fingerprint.h) folded in order, with the streams the runner would
// give them. What `stsim fingerprint` prints and tests/golden pins.

#include <cstdint>
#include <vector>

#include "sim/runner/runner.h"

namespace stsim::runner {

inline constexpr std::uint32_t default_fingerprint_replications = 2;

std::vector<std::uint64_t> point_fingerprints(
    const Plan& plan, std::uint32_t replications = default_fingerprint_replications);

}  // namespace stsim::runner
