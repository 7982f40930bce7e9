// What running across processes costs, measured in one process:
// - remote_worker: the reference scenario with one local thread and one "remote" thread
//   that takes tasks from the WorkQueue and hands back encoded blocks, as an MPI rank
//   does (without the network), against two local threads (bench_runner's /2 case);
// - block_round_trip: encoding and decoding one block of the reference scenario, the
//   message an MPI rank sends per block;
// - checkpoint: encoding the state of the default sweep (18 points) and writing it to
//   disk with fsync, what a run pays every --checkpoint-interval.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "sim/output/checkpoint.h"
#include "sim/runner/block.h"
#include "sim/runner/runner.h"
#include "sim/structure/check.h"

namespace {

namespace fs = std::filesystem;
using stsim::runner::Plan;

Plan plan_of(const std::string& file, std::uint32_t replications) {
  auto loaded = stsim::structure::load_checked(file);
  if (!loaded.ok()) {
    std::string why = file + " does not load";
    for (const auto& diagnostic : loaded.diagnostics) {
      why += '\n';
      why += stsim::scenario::format(diagnostic);
    }
    throw std::runtime_error(why);
  }
  stsim::runner::RunOptions options;
  options.replications = replications;
  return stsim::runner::make_plan(*loaded.scenario, options);
}

const Plan& reference_plan() {
  static const Plan plan = plan_of((fs::path(STSIM_BENCHMARK_DIR) / "reference.toml").string(), 32);
  return plan;
}

// A second worker behind the WorkQueue, in a thread instead of another process.
class ThreadRemote final : public stsim::runner::RemoteWorkers {
 public:
  explicit ThreadRemote(const Plan& plan) : plan_(plan) {}
  void serve(stsim::runner::WorkQueue& queue) override {
    stsim::runner::BlockWorker worker(plan_);
    while (!queue.over()) {
      const auto task = queue.take();
      if (!task) {
        queue.wait(std::chrono::milliseconds(1));
        continue;
      }
      if (auto block = worker.run(*task, nullptr)) queue.deliver(*block);
    }
  }

 private:
  const Plan& plan_;
};

void BM_remote_worker(benchmark::State& state) {
  const auto& plan = reference_plan();
  ThreadRemote remote(plan);
  stsim::runner::RunOptions options;
  options.threads = 1;
  options.remote = &remote;
  std::uint64_t tasks = 0;
  for (auto _ : state) {
    const auto result = stsim::runner::run_plan(plan, options);
    tasks += result.points[0].tasks;
    benchmark::DoNotOptimize(result.points[0].metrics[0].mean);
  }
  state.counters["tasks_per_second"] =
      benchmark::Counter(static_cast<double>(tasks), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_remote_worker)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

void BM_block_round_trip(benchmark::State& state) {
  stsim::runner::BlockWorker worker(reference_plan());
  const auto bytes = worker.run({0, 0}, nullptr);
  if (!bytes) throw std::runtime_error("no block");
  for (auto _ : state) {
    const auto block = stsim::runner::detail::decode_block(*bytes);
    auto again = stsim::runner::detail::encode_block(block);
    benchmark::DoNotOptimize(again.data());
  }
  state.counters["bytes_per_block"] = static_cast<double>(bytes->size());
}
BENCHMARK(BM_block_round_trip)->Unit(benchmark::kMicrosecond);

void BM_checkpoint(benchmark::State& state) {
  const auto source =
      fs::path(STSIM_BENCHMARK_DIR).parent_path() / "scenarios" / "reliability-is-not-safety.toml";
  const auto plan = plan_of(source.string(), 2);
  stsim::runner::RunOptions options;
  options.replications = 2;
  const auto result = stsim::runner::run_plan(plan, options);
  const auto path =
      (fs::temp_directory_path() / ("stsim-bench-" + std::to_string(::getpid()) + ".checkpoint"))
          .string();
  std::size_t size = 0;
  for (auto _ : state) {
    stsim::output::write_checkpoint(result.state, path);
    size = fs::file_size(path);
  }
  fs::remove(path);
  state.counters["bytes"] = static_cast<double>(size);
  state.counters["points"] = static_cast<double>(plan.design.size());
}
BENCHMARK(BM_checkpoint)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
