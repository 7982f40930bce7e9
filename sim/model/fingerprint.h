#pragma once
// Trajectory fingerprints: one 64-bit value per replication, folding in every event
// processed (time, what, component) and every final counter. Stored values in
// tests/golden/fingerprints.tsv pin the model's behaviour; `stsim fingerprint` prints
// them and scripts/update-fingerprints regenerates the file.

#include <cstdint>

#include "sim/model/simulation.h"

namespace stsim::model {

// Counters enter as (name, value) pairs and only when non-zero, so adding a counter
// that existing scenarios never touch leaves their fingerprints as they were.
std::uint64_t replication_fingerprint(Simulation& simulation, std::uint64_t seed,
                                      std::uint32_t point, std::uint32_t replication);

}  // namespace stsim::model
