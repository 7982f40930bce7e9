#include "sim/runner/estimate.h"

#include <time.h>

#include <algorithm>
#include <set>

#include "sim/runner/block.h"

namespace stsim::runner {

namespace {

// CPU time of the calling thread: the calibration's cost per task should not depend on
// what else the machine is doing.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

constexpr std::uint32_t calibration_replications = 2;

}  // namespace

double expected_tasks(const model::ScenarioSpec& spec) {
  double tasks = 0.0;
  for (const auto& component : spec.components) {
    const auto* source = std::get_if<model::SourceSpec>(&component.parameters);
    if (source == nullptr) continue;
    double multiplier = 1.0;
    if (!source->profile.empty()) {
      double sum = 0.0;
      for (double x : source->profile) sum += x;
      multiplier = sum / static_cast<double>(source->profile.size());
    }
    tasks += source->rate * multiplier * spec.horizon;
  }
  return tasks;
}

RunEstimate estimate_run(const Plan& plan, const ModelFactory& factory, double calibration_tasks) {
  RunEstimate estimate;
  for (const auto& spec : plan.specs)
    estimate.tasks_per_replication.push_back(expected_tasks(spec));
  const auto points = static_cast<std::uint32_t>(plan.specs.size());
  const std::set<std::uint32_t> chosen = {0, points / 2, points - 1};

  // The chosen points, shortened so that a replication sees about calibration_tasks tasks,
  // with a fixed count of replications in one block.
  Plan short_plan = plan;
  auto& r = short_plan.replications;
  r.precision = false;
  r.min_replications = r.max_replications = r.block_size = calibration_replications;
  short_plan.design.baseline.reset();
  for (const std::uint32_t p : chosen) {
    auto& spec = short_plan.specs[p];
    const double tasks = estimate.tasks_per_replication[p];
    if (tasks > calibration_tasks) spec.horizon *= calibration_tasks / tasks;
  }
  BlockWorker worker(short_plan, factory);
  for (const std::uint32_t p : chosen) {
    const double start = thread_cpu_seconds();
    const auto bytes = worker.run(BlockTask{p, 0}, nullptr);
    estimate.calibration_cpu_seconds += thread_cpu_seconds() - start;
    if (bytes) estimate.calibration_tasks += detail::decode_block(*bytes).tasks;
  }
  estimate.cpu_seconds_per_task =
      estimate.calibration_tasks > 0
          ? estimate.calibration_cpu_seconds / static_cast<double>(estimate.calibration_tasks)
          : 0.0;
  double tasks_at_least = 0.0, tasks_at_most = 0.0;
  for (const double tasks : estimate.tasks_per_replication) {
    tasks_at_least += tasks * plan.replications.min_replications;
    tasks_at_most += tasks * plan.replications.max_replications;
  }
  estimate.cpu_seconds_least = tasks_at_least * estimate.cpu_seconds_per_task;
  estimate.cpu_seconds_most = tasks_at_most * estimate.cpu_seconds_per_task;
  return estimate;
}

}  // namespace stsim::runner
