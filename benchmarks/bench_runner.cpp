// Runner throughput on the reference scenario (benchmarks/reference.toml, every
// component kind): tasks simulated per second on 1 thread (per core) and on 2 threads
// (speed-up = ratio of the two, in wall time). Each iteration runs 32 replications of
// one point; "CPU" is the CPU time of the whole process, all threads.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "sim/runner/runner.h"
#include "sim/structure/check.h"

namespace {

const stsim::runner::Plan& reference_plan() {
  static const stsim::runner::Plan plan = [] {
    const auto file = std::filesystem::path(STSIM_BENCHMARK_DIR) / "reference.toml";
    auto loaded = stsim::structure::load_checked(file.string());
    if (!loaded.ok()) {
      std::string why = file.string() + " does not load";
      for (const auto& diagnostic : loaded.diagnostics) {
        why += '\n';
        why += stsim::scenario::format(diagnostic);
      }
      throw std::runtime_error(why);
    }
    stsim::runner::RunOptions options;
    options.replications = 32;
    return stsim::runner::make_plan(*loaded.scenario, options);
  }();
  return plan;
}

void BM_runner_reference(benchmark::State& state) {
  const auto& plan = reference_plan();
  stsim::runner::RunOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  std::uint64_t tasks = 0, events = 0;
  for (auto _ : state) {
    const auto result = stsim::runner::run_plan(plan, options);
    tasks += result.points[0].tasks;
    events += result.points[0].events;
    benchmark::DoNotOptimize(result.points[0].metrics[0].mean);
  }
  state.counters["tasks_per_second"] =
      benchmark::Counter(static_cast<double>(tasks), benchmark::Counter::kIsRate);
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  // With the process CPU time column, tasks per CPU-second = tasks_per_iteration / CPU:
  // a per-core figure that a loaded machine disturbs less than wall time.
  state.counters["tasks_per_iteration"] =
      benchmark::Counter(static_cast<double>(tasks), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_runner_reference)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
