#pragma once
// The human summary of a result file: what `stsim run` prints after writing it and
// what `stsim inspect` prints.

#include <string>

#include "sim/output/hdf5_file.h"

namespace stsim::output {

// Run facts (scenario, status, seed, design, stopping rule, times), one "key: value" per line.
std::string describe(const ResultFile& file);

// One row per point: label, replications, model error rate, harm rate with its 95%
// interval (or the zero-event upper bound), and paired differences in harm rate against
// the baseline when there is one.
std::string headline_table(const ResultFile& file);

}  // namespace stsim::output
