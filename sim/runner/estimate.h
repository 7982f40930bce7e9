#pragma once
// What a planned run will cost, before it runs: the tasks each replication is expected to
// simulate, and the CPU time of the whole run estimated from a short calibration run of
// a few points. An estimate: the cost per task is measured on shortened replications of
// up to three points and taken as the same for every point and for the whole horizon.

#include <cstdint>
#include <vector>

#include "sim/model/spec.h"
#include "sim/runner/runner.h"

namespace stsim::runner {

// Tasks a replication of `spec` is expected to see: each source's rate times the mean of
// its profile's multipliers times the horizon.
double expected_tasks(const model::ScenarioSpec& spec);

struct RunEstimate {
  std::vector<double> tasks_per_replication;  // expected, per point
  double cpu_seconds_per_task = 0.0;          // measured in the calibration
  double calibration_cpu_seconds = 0.0;       // what the calibration itself took
  std::uint64_t calibration_tasks = 0;
  // CPU time of the whole run (all threads together): with every point at its fewest
  // and at its most replications; equal for a fixed count.
  double cpu_seconds_least = 0.0;
  double cpu_seconds_most = 0.0;
};

// Calibrates on up to three points (the first, the middle and the last), each run for a
// few replications shortened to about `calibration_tasks` tasks, on the calling thread.
RunEstimate estimate_run(const Plan& plan, const ModelFactory& factory = simulation_factory(),
                         double calibration_tasks = 4000.0);

}  // namespace stsim::runner
