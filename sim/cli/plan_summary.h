#pragma once
// A planned run in words, as `stsim validate` prints it under each valid file (and `run
// --verbose` before it starts): the points and replications, the tasks a replication is
// expected to see, the horizon, and an estimate of the CPU time from a short calibration.

#include <string>

#include "sim/runner/estimate.h"
#include "sim/runner/runner.h"

namespace stsim::cli {

// Indented lines, each ending in a newline. `cores` turns the CPU time into a wall time;
// `every_point` adds one line per point.
std::string plan_summary(const runner::Plan& plan, const runner::RunEstimate& estimate,
                         unsigned cores, bool every_point);

// 12345 -> "12,345".
std::string grouped(double count);
// Seconds as a reader says them: "0.4 s", "12 s", "4.2 minutes", "3.1 hours", "2.5 days".
std::string seconds_words(double seconds);

}  // namespace stsim::cli
