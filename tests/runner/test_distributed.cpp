// Runs split across slices, processes and interruptions give the bits of one
// uninterrupted run: sharded plans merged, blocks run by remote workers, and runs
// resumed from a saved state.

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "compare.h"
#include "fake_model.h"
#include "sim/runner/block.h"
#include "sim/runner/runner.h"

using namespace stsim;

namespace {

constexpr std::uint32_t tasks = 50;

// Five points with a baseline, each stopping at its own block under the precision rule
// (rarer harms need more replications), so that slicing and resuming meet points that
// stopped and points still running, and a baseline that runs longest.
runner::Plan mixed_plan() {
  auto plan = test::reliability_plan({0.9, 0.5, 0.95, 0.8, 0.97}, 0.9);
  auto& r = plan.replications;
  r.precision = true;
  r.relative_error = 0.05;
  r.min_replications = 8;
  r.max_replications = 2000;
  r.block_size = 8;
  return plan;
}

runner::RunOptions threads(unsigned n) {
  runner::RunOptions options;
  options.threads = n;
  return options;
}

std::vector<runner::NamedState> run_slices(const runner::Plan& plan, std::uint32_t count) {
  std::vector<runner::NamedState> slices;
  for (std::uint32_t k = 0; k < count; ++k) {
    auto options = threads(2);
    options.shard = {k, count};
    auto result = runner::run_plan(plan, options, test::fake_factory(tasks));
    REQUIRE(result.complete);
    slices.push_back({"slice" + std::to_string(k + 1), result.state});
  }
  return slices;
}

std::string merge_error(const runner::Plan& plan, const std::vector<runner::NamedState>& slices) {
  try {
    runner::merge_shards(plan, slices);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "merged without complaint";
}

}  // namespace

TEST_CASE("a run state survives encoding bit for bit, and other bytes are refused",
          "[distributed]") {
  const auto plan = mixed_plan();
  const auto result = runner::run_plan(plan, threads(1), test::fake_factory(tasks));
  auto state = result.state;
  state.shard = {1, 3};
  state.replications = 40;
  state.until_relative_error = 0.25;
  const auto bytes = runner::encode_state(state);
  const auto back = runner::decode_state(bytes);
  CHECK(back.stsim_version == state.stsim_version);
  CHECK(back.fingerprint == result.fingerprint);
  CHECK(back.seed == 7);
  CHECK(back.shard.index == 1);
  CHECK(back.shard.count == 3);
  CHECK(back.replications == 40u);
  CHECK(back.until_relative_error == 0.25);
  CHECK(back.complete);
  CHECK(back.points == state.points);
  std::uint64_t total = 0;
  for (const auto& p : result.points) total += p.replications;
  CHECK(runner::replications_in(back) == total);

  CHECK_THROWS_WITH(runner::decode_state(std::vector<std::uint8_t>(bytes.begin() + 1, bytes.end())),
                    "not an stsim run state");
  const std::vector<std::uint8_t> truncated(bytes.begin(), bytes.begin() + 30);
  CHECK_THROWS_WITH(runner::decode_state(truncated),
                    "damaged run state: its checksum does not match its contents");
  const std::vector<std::uint8_t> stub(bytes.begin(), bytes.begin() + 20);
  CHECK_THROWS_WITH(runner::decode_state(stub), "corrupt run state: truncated");
  // One flipped bit anywhere in the statistics, which the identity checks cannot see.
  for (const std::size_t at : {std::size_t{40}, bytes.size() / 2, bytes.size() - 9}) {
    auto flipped = bytes;
    flipped[at] ^= 0x10;
    CHECK_THROWS_WITH(runner::decode_state(flipped),
                      "damaged run state: its checksum does not match its contents");
  }
  auto damaged = state;
  damaged.points.resize(damaged.points.size() / 2);
  CHECK_THROWS_WITH(runner::replications_in(damaged), Catch::Contains("corrupt data"));
}

TEST_CASE("three slices merged give the unsliced run, baseline and pairs included",
          "[distributed]") {
  const auto plan = mixed_plan();
  const auto whole = runner::run_plan(plan, threads(2), test::fake_factory(tasks));
  // The points really stop at different blocks, and the baseline runs as long as the longest.
  std::uint64_t longest = 0, shortest = UINT64_MAX;
  for (std::size_t p = 1; p < whole.points.size(); ++p) {
    longest = std::max(longest, whole.points[p].replications);
    shortest = std::min(shortest, whole.points[p].replications);
  }
  REQUIRE(shortest < longest);
  CHECK(whole.points[0].replications == longest);

  auto slices = run_slices(plan, 3);
  // Slice 2 holds points 1 and 4 and runs the baseline (point 0) only as far as they need.
  CHECK(slices[1].state.shard.index == 1);
  const auto merged = runner::merge_shards(plan, slices);
  test::require_identical(whole, merged);
  CHECK(merged.complete);

  // Any order of the files.
  std::swap(slices[0], slices[2]);
  test::require_identical(whole, runner::merge_shards(plan, slices));

  // A "sharded" run of one slice merges too (a job array of one task).
  test::require_identical(whole, runner::merge_shards(plan, run_slices(plan, 1)));
}

TEST_CASE("a slice runs only its own points and the baseline", "[distributed]") {
  const auto plan = mixed_plan();
  auto options = threads(2);
  options.shard = {2, 3};  // points 2 (and the baseline, point 0)
  const auto slice = runner::run_plan(plan, options, test::fake_factory(tasks));
  CHECK(slice.shard.index == 2);
  CHECK(slice.points[0].replications > 0);
  CHECK(slice.points[1].replications == 0);
  CHECK(slice.points[2].replications > 0);
  CHECK(slice.points[3].replications == 0);
  CHECK(slice.points[4].replications == 0);
  CHECK(std::isnan(slice.points[1].metrics[0].mean));

  options.shard = {3, 3};
  CHECK_THROWS_WITH(runner::run_plan(plan, options, test::fake_factory(tasks)),
                    "run_plan: slice 4/3 of a sweep of 5 point(s)");
  options.shard = {0, 6};
  CHECK_THROWS_WITH(runner::run_plan(plan, options, test::fake_factory(tasks)),
                    "run_plan: slice 1/6 of a sweep of 5 point(s)");
}

TEST_CASE("merging a wrong or incomplete set of slices names the problem", "[distributed]") {
  const auto plan = mixed_plan();
  const auto slices = run_slices(plan, 3);

  CHECK(merge_error(plan, {slices[0], slices[2]}) == "1 of 3 slice(s) missing: 2/3");
  CHECK(merge_error(plan, {slices[1]}) == "2 of 3 slice(s) missing: 1/3, 3/3");
  CHECK(merge_error(plan, {slices[0], slices[1], slices[1], slices[2]}) ==
        "slice 2/3 is given twice: slice2 and slice2");
  CHECK(merge_error(plan, {}) == "no shard files to merge");

  auto other_seed = slices[2];
  other_seed.name = "seed8.h5";
  other_seed.state.seed = 8;
  CHECK(merge_error(plan, {slices[0], slices[1], other_seed}) ==
        "seed8.h5 belongs to another run than slice1: it was run with seed 8, this run has seed 7");

  auto other_config = slices[1];
  other_config.state.fingerprint = "0123456789abcdef";
  CHECK_THAT(merge_error(plan, {slices[0], other_config, slices[2]}),
             Catch::StartsWith(
                 "slice2 belongs to another run than slice1: its resolved configuration differs"));

  auto other_code = slices[1];
  other_code.state.stsim_version = "0.0.1 (abc)";
  CHECK_THAT(merge_error(plan, {slices[0], other_code, slices[2]}),
             Catch::EndsWith("it was made by stsim 0.0.1 (abc), this is stsim " +
                             slices[0].state.stsim_version));

  auto split_in_two = slices[1];
  split_in_two.state.shard = {1, 2};
  CHECK(merge_error(plan, {slices[0], split_in_two, slices[2]}) ==
        "slice2 is slice 2/2, but slice1 is slice 1/3: the files come from runs split differently");

  auto damaged = slices[2];
  damaged.state.points.resize(damaged.state.points.size() - 9);
  CHECK(merge_error(plan, {slices[0], slices[1], damaged}) ==
        "slice3: its statistics are unreadable: corrupt data: truncated");

  auto unfinished = slices[0];
  unfinished.state.complete = false;
  CHECK(merge_error(plan, {unfinished, slices[1], slices[2]}) ==
        "slice1 is from a run that did not finish");

  // Slices of another plan (another seed in the plan itself) do not match the plan.
  auto reseeded = plan;
  reseeded.replications.seed = 9;
  CHECK_THAT(
      merge_error(reseeded, slices),
      Catch::StartsWith("slice1 does not match the scenario it records: it was run with seed 7"));
}

namespace {

// The fake model, which also raises a stop flag when it meets one replication index:
// an interruption at a fixed place in the work, whatever the timing.
class InterruptingModel final : public runner::ReplicationModel {
 public:
  InterruptingModel(const model::ScenarioSpec& spec, std::atomic<bool>& stop, std::uint32_t at)
      : model_(spec, tasks), stop_(stop), at_(at) {}
  void run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
           model::ReplicationMetrics& out) override {
    if (replication == at_) stop_ = true;
    model_.run(seed, point, replication, out);
  }

 private:
  test::FakeModel model_;
  std::atomic<bool>& stop_;
  std::uint32_t at_;
};

}  // namespace

TEST_CASE("a run stopped part-way and resumed from its state equals an uninterrupted run",
          "[distributed]") {
  const auto plan = mixed_plan();
  const auto uninterrupted = runner::run_plan(plan, threads(2), test::fake_factory(tasks));

  std::atomic<bool> stop{false};
  auto options = threads(2);
  options.stop = &stop;
  std::vector<runner::RunState> checkpoints;
  options.on_checkpoint = [&](const runner::RunState& s) { checkpoints.push_back(s); };
  options.checkpoint_interval_seconds = 1e6;  // only the final one, on the stop
  const runner::ModelFactory interrupting = [&stop](const model::ScenarioSpec& spec) {
    return std::make_unique<InterruptingModel>(spec, stop, 200);
  };
  const auto stopped = runner::run_plan(plan, options, interrupting);
  REQUIRE_FALSE(stopped.complete);
  REQUIRE(checkpoints.size() == 1);
  CHECK_FALSE(checkpoints.front().complete);
  CHECK(checkpoints.front().points == stopped.state.points);
  const auto done_before = runner::replications_in(stopped.state);
  std::uint64_t total = 0;
  for (const auto& p : uninterrupted.points) total += p.replications;
  INFO("replications before the stop: " << done_before << " of " << total);
  CHECK(done_before > 0);
  CHECK(done_before < total);

  auto resume = threads(1);  // another thread count, too
  resume.resume = &checkpoints.front();
  runner::Progress last;
  resume.on_progress = [&](const runner::Progress& p) { last = p; };
  const auto resumed = runner::run_plan(plan, resume, test::fake_factory(tasks));
  CHECK(resumed.complete);
  test::require_identical(uninterrupted, resumed);
  // Progress tells restored replications apart from those run now (for the rate).
  CHECK(last.replications_resumed == done_before);
  CHECK(last.replications_done == total);
  resume.on_progress = nullptr;

  // Resuming from a finished state runs nothing more and gives the same result.
  resume.resume = &resumed.state;
  test::require_identical(uninterrupted, runner::run_plan(plan, resume, test::fake_factory(tasks)));
}

TEST_CASE(
    "a saved state with a decision pending resumes to the end, an inconsistent one is refused",
    "[distributed]") {
  // A fixed count: the last block of each point folded, but point 1 not marked finished,
  // as a state saved between a fold and its decision would be. Before, nothing was left
  // to run and nothing decided it: the resumed run reached 100% and waited forever.
  auto plan = test::reliability_plan({0.9, 0.99});
  const auto uninterrupted = runner::run_plan(plan, threads(2), test::fake_factory(tasks));
  auto points = runner::detail::decode_points(uninterrupted.state.points);
  points[1].done = false;
  auto pending = uninterrupted.state;
  pending.points = runner::detail::encode_points(points);
  auto resume = threads(2);
  resume.resume = &pending;
  const auto resumed = runner::run_plan(plan, resume, test::fake_factory(tasks));
  CHECK(resumed.complete);
  test::require_identical(uninterrupted, resumed);

  // Finished, yet at another block than it folded: no run could have saved that.
  points = runner::detail::decode_points(uninterrupted.state.points);
  points[0].stop_blocks = points[0].merged - 1;
  auto inconsistent = uninterrupted.state;
  inconsistent.points = runner::detail::encode_points(points);
  resume.resume = &inconsistent;
  CHECK_THROWS_WITH(runner::run_plan(plan, resume, test::fake_factory(tasks)),
                    Catch::Contains("the saved statistics do not fit the plan"));
}

TEST_CASE("a state from another configuration, seed or slice is not resumed", "[distributed]") {
  const auto plan = mixed_plan();
  const auto done = runner::run_plan(plan, threads(1), test::fake_factory(tasks));
  auto options = threads(1);
  options.resume = &done.state;

  auto reseeded = plan;
  reseeded.replications.seed = 8;
  CHECK_THROWS_WITH(runner::run_plan(reseeded, options, test::fake_factory(tasks)),
                    "cannot resume: it was run with seed 7, this run has seed 8");

  auto changed = test::reliability_plan({0.9, 0.5, 0.95, 0.8, 0.96}, 0.9);
  changed.replications = plan.replications;
  CHECK_THROWS_WITH(runner::run_plan(changed, options, test::fake_factory(tasks)),
                    Catch::StartsWith("cannot resume: its resolved configuration differs"));

  options.shard = {1, 2};
  CHECK_THROWS_WITH(runner::run_plan(plan, options, test::fake_factory(tasks)),
                    "cannot resume: it holds the whole sweep, this run is slice 2/2");
}

namespace {

// Another "process" inside this one: a thread with its own BlockWorker that takes tasks
// from the queue and hands back encoded blocks, as an MPI rank does.
class ThreadRemote final : public runner::RemoteWorkers {
 public:
  explicit ThreadRemote(const runner::Plan& plan, bool fail = false) : plan_(plan), fail_(fail) {}
  void serve(runner::WorkQueue& queue) override {
    runner::BlockWorker worker(plan_, test::fake_factory(tasks));
    while (!queue.over()) {
      const auto task = queue.take();
      if (!task) {
        queue.wait(std::chrono::milliseconds(1));
        continue;
      }
      if (fail_) {
        queue.fail("remote worker 1: out of memory");
        continue;
      }
      // Catch's assertions are not for other threads: a missing block fails the run.
      auto block = worker.run(*task, nullptr);
      if (!block) {
        queue.fail("a block without a stop request came back empty");
        continue;
      }
      queue.deliver(*block);
      ++blocks;
    }
  }
  std::uint64_t blocks = 0;

 private:
  const runner::Plan& plan_;
  bool fail_;
};

// The fake model, slowed down so that the remote worker gets a fair share of the blocks.
runner::ModelFactory slow_factory() {
  return [](const model::ScenarioSpec& spec) -> std::unique_ptr<runner::ReplicationModel> {
    class Slow final : public runner::ReplicationModel {
     public:
      explicit Slow(const model::ScenarioSpec& s) : model_(s, tasks) {}
      void run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
               model::ReplicationMetrics& out) override {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        model_.run(seed, point, replication, out);
      }

     private:
      test::FakeModel model_;
    };
    return std::make_unique<Slow>(spec);
  };
}

}  // namespace

TEST_CASE("blocks run by a remote worker fold into the same result", "[distributed]") {
  auto plan = mixed_plan();
  plan.replications.max_replications = 400;
  const auto local = runner::run_plan(plan, threads(1), test::fake_factory(tasks));
  ThreadRemote remote(plan);
  auto options = threads(1);
  options.remote = &remote;
  const auto shared = runner::run_plan(plan, options, slow_factory());
  CHECK(remote.blocks > 0);
  test::require_identical(local, shared);
}

TEST_CASE("a failing remote worker fails the run with its message", "[distributed]") {
  const auto plan = mixed_plan();
  ThreadRemote remote(plan, true);
  auto options = threads(1);
  options.remote = &remote;
  CHECK_THROWS_WITH(runner::run_plan(plan, options, slow_factory()),
                    "remote worker 1: out of memory");
}
