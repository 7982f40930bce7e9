// Cluster sweeps end to end on the built binary: slices of a sweep (`run --shard`)
// merged by `stsim merge`, runs killed by SIGTERM and resumed, and (in builds with MPI)
// `mpirun -np 2`, each compared bit for bit with a plain single-process run, also under
// importance sampling (weighted runs).

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/output/checkpoint.h"
#include "sim/output/hdf5_file.h"
#include "tests/cli/run_stsim.h"
#include "tests/support/damaged_files.h"
#include "tests/support/result_files.h"
#include "tests/support/sweep_scenario.h"

namespace fs = std::filesystem;
using namespace stsim::cli::testing;
using stsim::cli::exit_interrupted;
using stsim::cli::exit_invalid_input;
using stsim::cli::exit_ok;

namespace {

// The end-to-end sweep (four points with a baseline) under a precision rule, so that
// the points stop at different blocks and the baseline runs longest.
const std::string sweep_text = stsim::test::sweep_scenario + R"(
[sweep.precision]
metric = "harm_rate"
relative_error = 0.03
min_replications = 8
max_replications = 400
block_size = 4
)";

std::string scenario_file() {
  static const std::string path = [] {
    const auto p = (scratch() / "cluster.toml").string();
    std::ofstream(p) << sweep_text;
    return p;
  }();
  return path;
}

std::string path_of(const std::string& name) { return (scratch() / name).string(); }

// The number printed right after `prefix` in `text`, if `prefix` is there.
std::optional<unsigned long> number_after(const std::string& text, const std::string& prefix) {
  const auto at = text.find(prefix);
  if (at == std::string::npos) return std::nullopt;
  const auto start = at + prefix.size();
  const auto end = text.find_first_not_of("0123456789", start);
  if (end == start) return std::nullopt;
  return std::stoul(text.substr(start, end - start));
}

// The plain single-process run every other way of running is compared with.
std::string reference() {
  static const std::string path = [] {
    const auto p = path_of("reference.h5");
    const auto run = run_stsim({"run", scenario_file(), "-o", p, "--progress", "none"});
    REQUIRE(run.exit_code == exit_ok);
    return p;
  }();
  return path;
}

std::string shard(int k, int n, const std::vector<std::string>& extra = {}) {
  const auto out = path_of("shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".h5");
  std::vector<std::string> args = {
      "run", scenario_file(), "--shard", std::to_string(k) + "/" + std::to_string(n), "-o",
      out,   "--progress",    "none"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto run = run_stsim(args);
  INFO(run.err);
  REQUIRE(run.exit_code == exit_ok);
  return out;
}

// Sweeps under importance sampling (docs/rare-events.md), one per change of measure:
// balanced failure biasing of per-task failures, and the queue's change of measure.
struct Weighted {
  std::string name, path;
};

const std::vector<Weighted>& weighted_scenarios() {
  static const std::vector<Weighted> scenarios = [] {
    const auto layers = path_of("weighted-layers.toml");
    std::ofstream(layers) << R"([scenario]
name = "weighted-layers"
horizon = "200h"
seed = 5
replications = 12
rare_event = "importance"

[users]
kind = "source"
rate = "20/h"
next = "model"

[model]
kind = "ai"
reliability = 0.999
next = "filter"

[filter]
kind = "safeguard"
detect_error = 0.99
next = { pass = "world", block = "held" }

[world]
kind = "outcome"
acted = true

[held]
kind = "outcome"
acted = false

[sweep]
design = "grid"

[[sweep.dimensions]]
path = "model.reliability"
values = [0.999, 0.9999, 0.99999]
)";
    const auto queue = path_of("weighted-queue.toml");
    std::ofstream(queue) << read_text(fixture("queue.toml")) << R"(
[sweep]
design = "grid"

[[sweep.dimensions]]
path = "review.max_queue"
values = [5, 6, 8]
)";
    return std::vector<Weighted>{{"per-task failure biasing", layers},
                                 {"the queue's change of measure", queue}};
  }();
  return scenarios;
}

// A weighted run in one process, the reference of the others.
std::string weighted_reference(const Weighted& w, const std::string& tag) {
  const auto out = path_of("weighted-" + tag + ".h5");
  const auto run = run_stsim({"run", w.path, "-o", out, "--threads", "1", "--reps", "24",
                              "--rare-event", "importance", "--progress", "none"});
  INFO(run.err);
  REQUIRE(run.exit_code == exit_ok);
  const stsim::output::ResultFile f(out);
  const auto sampled = f.doubles("/rare_event/importance_sampled");
  REQUIRE(sampled.size() == 3);
  CHECK(std::all_of(sampled.begin(), sampled.end(), [](double x) { return x == 1.0; }));
  return out;
}

}  // namespace

TEST_CASE("three shards merged give the file of the unsharded run", "[cluster][shard]") {
  const auto reference_file = reference();
  {
    // The points stop at different replication counts: the merge must keep each one's own.
    const stsim::output::ResultFile ref(reference_file);
    const auto reps = ref.integers("/runtime/replications");
    REQUIRE(reps.size() == 4);
    CHECK(reps[1] < reps[0]);
    CHECK(reps[0] == *std::max_element(reps.begin(), reps.end()));
  }
  const auto one = shard(1, 3), two = shard(2, 3), three = shard(3, 3);
  {
    // Slice 2 of 3 holds point 1 and the baseline (point 0); the other rows are empty.
    const stsim::output::ResultFile f(two);
    CHECK(f.attribute_integer("/", "shard_index") == 2);
    CHECK(f.attribute_integer("/", "shard_count") == 3);
    const auto reps = f.integers("/runtime/replications");
    CHECK(reps[0] > 0);
    CHECK(reps[1] > 0);
    CHECK(reps[2] == 0);
    CHECK(reps[3] == 0);
  }
  const auto merged = path_of("merged.h5");
  const auto run = run_stsim({"merge", three, one, two, "-o", merged});
  INFO(run.err);
  REQUIRE(run.exit_code == exit_ok);
  CHECK_THAT(run.out, Catch::StartsWith(merged + "\n"));
  CHECK(stsim::test::require_same_results(reference_file, merged) > 50);
  const stsim::output::ResultFile f(merged);
  CHECK_FALSE(f.has_attribute("/", "shard_count"));
  CHECK_FALSE(f.exists("/shard_state"));
  CHECK(f.attribute_integer("/", "processes") == 3);

  // A job array of one task: its one slice merges into the same file.
  const auto alone = path_of("merged-alone.h5");
  REQUIRE(run_stsim({"merge", shard(1, 1), "-o", alone}).exit_code == exit_ok);
  CHECK(stsim::test::require_same_results(reference_file, alone) > 50);
}

TEST_CASE("weighted runs: three shards merged give the unsharded run's results bit for bit",
          "[cluster][shard][rare-event]") {
  for (std::size_t w = 0; w < weighted_scenarios().size(); ++w) {
    const auto& scenario = weighted_scenarios()[w];
    INFO(scenario.name);
    const auto tag = std::to_string(w);
    const auto reference_file = weighted_reference(scenario, tag);
    std::vector<std::string> merge = {"merge"};
    for (int k = 1; k <= 3; ++k) {
      const auto out = path_of("weighted-" + tag + "-shard-" + std::to_string(k) + ".h5");
      const auto run = run_stsim({"run", scenario.path, "--shard", std::to_string(k) + "/3", "-o",
                                  out, "--threads", "2", "--reps", "24", "--rare-event",
                                  "importance", "--progress", "none"});
      INFO(run.err);
      REQUIRE(run.exit_code == exit_ok);
      merge.push_back(out);
    }
    const auto merged = path_of("weighted-" + tag + "-merged.h5");
    merge.insert(merge.end(), {"-o", merged});
    const auto run = run_stsim(merge);
    INFO(run.err);
    REQUIRE(run.exit_code == exit_ok);
    // Every dataset, /results and /rare_event among them.
    CHECK(stsim::test::require_same_results(reference_file, merged) > 100);
    const stsim::output::ResultFile f(merged);
    CHECK(f.exists("/rare_event/harm_rate/effective_sample_size"));
  }
}

TEST_CASE("inspect shows which points a shard file did not run", "[cluster][shard]") {
  const auto run = run_stsim({"inspect", shard(2, 3)});
  REQUIRE(run.exit_code == exit_ok);
  const auto lines = lines_of(run.out);
  int not_run = 0;
  for (const auto& line : lines)
    not_run += line.find("(not run here)") != std::string::npos ? 1 : 0;
  CHECK(not_run == 2);  // points 2 and 3 belong to slice 3/3 and 1/3
  CHECK_THAT(
      run.out,
      Catch::Contains("shard:                slice 2 of 3 (its points only; join the slices with "
                      "stsim merge)\n"));
  CHECK_THAT(run.out, Catch::Contains("processes:            1\n"));
  CHECK_THAT(run_stsim({"inspect", reference()}).out, !Catch::Contains("shard:"));
}

TEST_CASE("merging a wrong or incomplete set of shards fails, names the problem, writes nothing",
          "[cluster][shard]") {
  const auto one = shard(1, 3), two = shard(2, 3), three = shard(3, 3);
  const auto other_seed = path_of("other-seed.h5");
  REQUIRE(run_stsim({"run", scenario_file(), "--shard", "3/3", "--seed", "4", "-o", other_seed,
                     "--progress", "none"})
              .exit_code == exit_ok);
  const auto two_of_two = shard(2, 2);
  const auto out = path_of("bad-merge.h5");
  struct Case {
    std::vector<std::string> files;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{one, three}, "stsim merge: error: 1 of 3 slice(s) missing: 2/3\n"},
      {{one, two, two, three},
       "stsim merge: error: slice 2/3 is given twice: " + two + " and " + two + "\n"},
      {{one, two, other_seed},
       "stsim merge: error: " + other_seed + " belongs to another run than " + one +
           ": it was run with seed 4, this run has seed 3\n"},
      {{one, two, two_of_two},
       "stsim merge: error: " + two_of_two + " is slice 2/2, but " + one +
           " is slice 1/3: the files come from runs split differently\n"},
      {{one, reference()},
       "stsim merge: error: " + reference() +
           " is not a shard file (it was not made with stsim run --shard)\n"},
      {{one, path_of("absent.h5")},
       "stsim merge: error: " + path_of("absent.h5") + ": no such file\n"},
      {{one, scenario_file()}, "stsim merge: error: " + scenario_file() + ": not an HDF5 file\n"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"merge"};
    args.insert(args.end(), c.files.begin(), c.files.end());
    args.insert(args.end(), {"-o", out});
    const auto run = run_stsim(args);
    CHECK(run.exit_code == exit_invalid_input);
    CHECK(run.err == c.message);
    CHECK(run.out.empty());
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out + ".partial"));
  }
}

TEST_CASE("merging a shard file whose state is damaged names the file", "[cluster][shard]") {
  const auto one = shard(1, 2), two = shard(2, 2);
  const auto damaged = path_of("damaged-2.h5");
  fs::copy_file(two, damaged, fs::copy_options::overwrite_existing);
  // Zeros over the state, as a failing disk or a bad copy might leave it.
  const std::string zero =
      "import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n    f['shard_state'][...] = 0\n";
  std::ofstream(path_of("zero.py")) << zero;
  REQUIRE(shell("/usr/bin/python3 " + quote(path_of("zero.py")) + " " + quote(damaged)) == 0);
  const auto out = path_of("never-merged.h5");
  // The file's own checksum header sees the change first (HDF5 may also drop unused
  // space at the end when h5py closes the file, so the size can differ too); resealed,
  // the state's own checksum is next.
  const auto unsealed = run_stsim({"merge", one, damaged, "-o", out});
  CHECK(unsealed.exit_code == exit_invalid_input);
  CHECK_THAT(unsealed.err, Catch::StartsWith("stsim merge: error: " + damaged + ": damaged: "));
  stsim::test::reseal(damaged);
  const auto run = run_stsim({"merge", one, damaged, "-o", out});
  CHECK(run.exit_code == exit_invalid_input);
  CHECK(run.err == "stsim merge: error: " + damaged +
                       ": its shard state is unreadable: not an stsim run state\n");
  CHECK_FALSE(fs::exists(out));

  // One flipped bit in the saved statistics, behind the state's magic and identity.
  fs::copy_file(two, damaged, fs::copy_options::overwrite_existing);
  const std::string flip =
      "import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n"
      "    s = f['shard_state'][...]\n    s[len(s) - 20] ^= 4\n    f['shard_state'][...] = s\n";
  std::ofstream(path_of("flip.py")) << flip;
  REQUIRE(shell("/usr/bin/python3 " + quote(path_of("flip.py")) + " " + quote(damaged)) == 0);
  stsim::test::reseal(damaged);
  const auto flipped = run_stsim({"merge", one, damaged, "-o", out});
  CHECK(flipped.exit_code == exit_invalid_input);
  CHECK(flipped.err == "stsim merge: error: " + damaged +
                           ": its shard state is unreadable: damaged run state: its checksum "
                           "does not match its contents\n");
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("merging shards whose recorded scenario no longer loads says so", "[cluster][shard]") {
  const auto one = shard(1, 2), two = shard(2, 2);
  const auto edit = [&](const std::string& dataset, const std::string& value) {
    const auto copy = path_of("edited-" + dataset + ".h5");
    fs::copy_file(one, copy, fs::copy_options::overwrite_existing);
    const std::string script =
        "import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n"
        "    del f[sys.argv[2]]\n"
        "    f.create_dataset(sys.argv[2], data=[sys.argv[3]], dtype=h5py.string_dtype())\n";
    std::ofstream(path_of("edit.py")) << script;
    REQUIRE(shell("/usr/bin/python3 " + quote(path_of("edit.py")) + " " + quote(copy) + " " +
                  quote("scenario/" + dataset) + " " + quote(value)) == 0);
    stsim::test::reseal(copy);
    return copy;
  };
  const auto out = path_of("never-merged.h5");

  const auto broken = edit("text", "[scenario\n");
  const auto text = run_stsim({"merge", broken, two, "-o", out});
  CHECK(text.exit_code == exit_invalid_input);
  CHECK_THAT(text.err, Catch::StartsWith("stsim merge: error: " + broken +
                                         ": the scenario text it records (from " + scenario_file() +
                                         ") no longer loads:\n" + broken + ":/scenario/text:1:"));
  CHECK_FALSE(fs::exists(out));

  // Loads, but its points would differ in time_bins, which a sweep cannot vary.
  auto unplannable_text = sweep_text;
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = unplannable_text.find(from);
    REQUIRE(at != std::string::npos);
    unplannable_text.replace(at, from.size(), to);
  };
  replace("path = \"model.reliability\"\nvalues = [0.9, 0.99]",
          "path = \"scenario.time_bins\"\nvalues = [5, 6]");
  replace("baseline = [\"bare\", 0.9]", "baseline = [\"bare\", 5]");
  const auto unplannable = edit("text", unplannable_text);
  const auto sweep = run_stsim({"merge", unplannable, two, "-o", out});
  CHECK(sweep.exit_code == exit_invalid_input);
  CHECK_THAT(sweep.err, Catch::StartsWith("stsim merge: error: " + unplannable +
                                          ": the sweep it records no longer plans:\n" +
                                          unplannable + ":/scenario/text:"));
  CHECK_FALSE(fs::exists(out));

  const auto bad_set = edit("overrides", "nonsense");
  const auto set = run_stsim({"merge", bad_set, two, "-o", out});
  CHECK(set.exit_code == exit_invalid_input);
  CHECK_THAT(set.err, Catch::StartsWith("stsim merge: error: " + bad_set +
                                        ": its --set 'nonsense' no longer parses: "));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("run --shard rejects slices that do not exist, and reads a Slurm array task",
          "[cluster][shard]") {
  const auto out = path_of("never.h5");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"0/3", "stsim: error: --shard 0/3: K must be between 1 and 3\n"},
      {"4/3", "stsim: error: --shard 4/3: K must be between 1 and 3\n"},
      {"2", "stsim: error: --shard '2': expected K/N, slice K of N (1 <= K <= N), e.g. 2/8\n"},
      {"a/b", "stsim: error: --shard 'a/b': expected K/N, slice K of N (1 <= K <= N), e.g. 2/8\n"},
      {"1/0", "stsim: error: --shard '1/0': expected K/N, slice K of N (1 <= K <= N), e.g. 2/8\n"},
      {"5/5", "stsim: error: --shard 5/5: the sweep has only 4 point(s), so at most 4 slice(s)\n"},
  };
  for (const auto& [spec, message] : bad) {
    const auto run =
        run_stsim({"run", scenario_file(), "--shard", spec, "-o", out, "--progress", "none"});
    CHECK(run.exit_code == exit_invalid_input);
    CHECK(run.err == message);
    CHECK_FALSE(fs::exists(out));
  }
  const auto garbled = run_stsim({"run", scenario_file(), "--shard", "-o", out},
                                 {"SLURM_ARRAY_TASK_ID=x", "SLURM_ARRAY_TASK_COUNT=3"});
  CHECK(garbled.exit_code == exit_invalid_input);
  CHECK(garbled.err ==
        "stsim: error: cannot read the slice from SLURM_ARRAY_TASK_ID=x (min unset, step unset)\n");

  // --array=10-14:2 runs tasks 10, 12 and 14: task 12 is slice 2 of 3.
  const auto from_slurm = path_of("from-slurm.h5");
  const auto run =
      run_stsim({"run", scenario_file(), "--shard", "-o", from_slurm, "--progress", "none"},
                {"SLURM_ARRAY_TASK_ID=12", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=10",
                 "SLURM_ARRAY_TASK_STEP=2"});
  INFO(run.err);
  REQUIRE(run.exit_code == exit_ok);
  const stsim::output::ResultFile f(from_slurm);
  CHECK(f.attribute_integer("/", "shard_index") == 2);
  CHECK(f.attribute_integer("/", "shard_count") == 3);
}

TEST_CASE("run --shard without K/N outside a Slurm array is an error", "[cluster][shard]") {
  const auto out = path_of("never.h5");
  const auto run = run_stsim({"run", scenario_file(), "--shard", "-o", out},
                             {"-u", "SLURM_ARRAY_TASK_ID", "-u", "SLURM_ARRAY_TASK_COUNT"});
  CHECK(run.exit_code == exit_invalid_input);
  CHECK(run.err ==
        "stsim: error: --shard without K/N takes the slice from SLURM_ARRAY_TASK_ID and "
        "SLURM_ARRAY_TASK_COUNT, "
        "which are not set (not a Slurm array job?)\n");
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("the figure script skips the slices of a sharded run with a note", "[cluster][shard]") {
  const auto results = scratch() / "figures-in";
  fs::create_directories(results);
  fs::copy_file(shard(2, 3), results / "slice.h5", fs::copy_options::overwrite_existing);
  const auto figures = scratch() / "figures-out";
  const auto log = path_of("figures.log");
  const int code =
      shell("/usr/bin/python3 " +
            quote(std::string(STSIM_SOURCE_DIR) + "/analysis-scripts/make_figures.py") + " " +
            quote(results.string()) + " " + quote(figures.string()) + " --jobs=1 >" + quote(log) +
            " 2>&1");
  const auto output = read_text(log);
  INFO(output);
  CHECK(code == 0);
  CHECK_THAT(output,
             Catch::Contains("skipping " + (results / "slice.h5").string() +
                             ": slice 2/3 of a sharded run; merge the slices with `stsim merge`"));
  CHECK_FALSE(fs::exists(figures / "slice"));
}

namespace {

// A run long enough to be interrupted: the sweep at a fixed, larger count.
const std::vector<std::string> long_run_options = {"--reps", "600",        "--threads",
                                                   "2",      "--progress", "none"};

std::vector<std::string> long_run(const std::string& out,
                                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"run", scenario_file(), "-o", out};
  args.insert(args.end(), long_run_options.begin(), long_run_options.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// Starts `stsim run` in the background, waits for a checkpoint with progress, sends `signal`
// and returns the exit code (-1 when the signal killed it).
int interrupt_after_progress(const std::string& out, int signal = SIGTERM) {
  const pid_t child = spawn_stsim(long_run(out, {"--checkpoint-interval", "0.1"}));
  REQUIRE(child >= 0);
  // Until a checkpoint holds some replications: the interruption then falls between
  // the start and the end, however slow the build (sanitizers) or the machine.
  const auto checkpoint = out + ".checkpoint";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  const auto some_done = [&] {
    const auto state = stsim::output::read_checkpoint(checkpoint);
    return state && stsim::runner::replications_in(*state) > 0;
  };
  while (!some_done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(child, signal);
  return wait_for(child);
}

}  // namespace

TEST_CASE("a run killed by SIGTERM resumes to the results of an uninterrupted run",
          "[cluster][resume]") {
  const auto uninterrupted = path_of("uninterrupted.h5");
  REQUIRE(run_stsim(long_run(uninterrupted)).exit_code == exit_ok);
  CHECK_FALSE(fs::exists(uninterrupted + ".checkpoint"));  // removed once the results are written

  const auto out = path_of("interrupted.h5");
  const auto checkpoint = out + ".checkpoint";
  REQUIRE(interrupt_after_progress(out) == exit_interrupted);
  CHECK_FALSE(fs::exists(out));
  REQUIRE(fs::exists(checkpoint));

  // Without --resume the checkpoint is not thrown away.
  const auto refused = run_stsim(long_run(out));
  CHECK(refused.exit_code == exit_invalid_input);
  CHECK(refused.err ==
        "stsim: error: " + checkpoint +
            " holds the progress of an interrupted run: add --resume to continue it, or delete it "
            "to start again\n");

  const auto resumed = run_stsim(long_run(out, {"--resume"}));
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == exit_ok);
  const auto resumed_with = number_after(resumed.err, "stsim: resumed with ");
  REQUIRE(resumed_with);
  CHECK_THAT(resumed.err, Catch::Contains(" replication(s) already done\n"));
  const auto before = *resumed_with;
  CHECK(before > 0);
  CHECK(before < 4 * 600);
  CHECK(stsim::test::require_same_results(uninterrupted, out) > 50);
  CHECK_FALSE(fs::exists(checkpoint));
}

TEST_CASE("a run killed outright resumes from its last periodic checkpoint", "[cluster][resume]") {
  const auto uninterrupted = path_of("uninterrupted.h5");
  REQUIRE(run_stsim(long_run(uninterrupted)).exit_code == exit_ok);
  const auto out = path_of("crashed.h5");
  REQUIRE(interrupt_after_progress(out, SIGKILL) == -1);  // no chance to save anything more
  REQUIRE(fs::exists(out + ".checkpoint"));
  const auto resumed = run_stsim(long_run(out, {"--resume"}));
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == exit_ok);
  const auto before = number_after(resumed.err, "stsim: resumed with ");
  REQUIRE(before);
  CHECK(*before > 0);
  CHECK(stsim::test::require_same_results(uninterrupted, out) > 50);
}

TEST_CASE("resuming refuses a checkpoint of another seed, scenario, slice or a damaged one",
          "[cluster][resume]") {
  const auto out = path_of("refused.h5");
  const auto checkpoint = out + ".checkpoint";
  REQUIRE(interrupt_after_progress(out) == exit_interrupted);
  REQUIRE(fs::exists(checkpoint));
  const auto prefix = "stsim: error: cannot resume from " + checkpoint + ": ";
  const std::string suffix = "; run as before, or delete it to start again\n";

  const auto seed = run_stsim(long_run(out, {"--resume", "--seed", "9"}));
  CHECK(seed.exit_code == exit_invalid_input);
  CHECK(seed.err == prefix + "it was run with seed 3, this run has seed 9" + suffix);

  const auto changed = run_stsim(long_run(out, {"--resume", "--set", "review.detect=0.8"}));
  CHECK(changed.exit_code == exit_invalid_input);
  CHECK_THAT(changed.err,
             Catch::StartsWith(prefix + "its resolved configuration differs (fingerprint "));
  CHECK_THAT(changed.err,
             Catch::EndsWith("the scenario, --set, --reps or --until-rel-error changed" + suffix));

  const auto slice = run_stsim(long_run(out, {"--resume", "--shard", "1/2"}));
  CHECK(slice.exit_code == exit_invalid_input);
  CHECK(slice.err == prefix + "it holds the whole sweep, this run is slice 1/2" + suffix);
  CHECK(fs::exists(checkpoint));  // every refusal leaves it in place

  std::ofstream(checkpoint, std::ios::trunc) << "not a checkpoint";
  const auto damaged = run_stsim(long_run(out, {"--resume"}));
  CHECK(damaged.exit_code == exit_invalid_input);
  CHECK(damaged.err ==
        "stsim: error: " + checkpoint + " is not a usable checkpoint: not an stsim run state\n");
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("a checkpoint path that cannot be written is refused before the first replication",
          "[cluster][resume]") {
  const auto out = path_of("unsaved.h5");
  fs::create_directories(out + ".checkpoint.new");  // where the checkpoint is written first
  const auto run = run_stsim({"run", scenario_file(), "-o", out, "--reps", "200",
                              "--checkpoint-interval", "0", "--progress", "none"});
  CHECK(run.exit_code == stsim::cli::exit_failure);
  CHECK(run.err == "stsim: error: cannot write " + out + ".checkpoint.new: Is a directory\n");
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".checkpoint"));
  fs::remove(out + ".checkpoint.new");
}

TEST_CASE("run --resume without a checkpoint starts from the beginning", "[cluster][resume]") {
  const auto out = path_of("fresh.h5");
  const auto run = run_stsim({"run", scenario_file(), "-o", out, "--resume", "--progress", "none"});
  REQUIRE(run.exit_code == exit_ok);
  CHECK_THAT(run.err, Catch::StartsWith("stsim: no checkpoint at " + out +
                                        ".checkpoint; starting from the beginning\n"));
  CHECK(stsim::test::require_same_results(reference(), out) > 50);
}

#ifndef STSIM_MPIEXEC
TEST_CASE("a build without MPI refuses to run as one of several MPI ranks", "[cluster][mpi]") {
  const auto out = path_of("no-mpi.h5");
  // What mpirun -np 3 would set (a build with MPI would join the job instead).
  const auto run = run_stsim({"run", scenario_file(), "-o", out}, {"OMPI_COMM_WORLD_SIZE=3"});
  CHECK(run.exit_code == exit_invalid_input);
  CHECK(run.err ==
        "stsim: error: started by an MPI launcher as one of 3 ranks, but this stsim was built "
        "without "
        "MPI (configure with -DSTSIM_MPI=ON, or run it as a single process)\n");
  CHECK_FALSE(fs::exists(out));
}
#else
namespace {

// Runs an mpirun command line (its arguments after the launcher) as root may.
Run mpirun(const std::string& arguments) {
  Run run;
  run.exit_code =
      shell("env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " +
            quote(STSIM_MPIEXEC) + " --oversubscribe " + arguments + " >" +
            quote(path_of("mpi.out")) + " 2>" + quote(path_of("mpi.err")) + " </dev/null");
  run.out = read_text(path_of("mpi.out"));
  run.err = read_text(path_of("mpi.err"));
  return run;
}

}  // namespace

TEST_CASE("mpirun -np 2 writes the file a single process writes", "[cluster][mpi]") {
  const auto out = path_of("mpi.h5");
  const auto run = mpirun("-np 2 " + quote(STSIM_BINARY) + " run " + quote(scenario_file()) +
                          " -o " + quote(out) + " --threads 1 --reps 120 --progress none");
  INFO(run.err);
  REQUIRE(run.exit_code == exit_ok);
  CHECK_THAT(run.err, Catch::Contains("2 MPI ranks"));
  // The second rank did part of the work.
  const auto blocks = number_after(run.err, "stsim: blocks run by the other MPI ranks: rank 1: ");
  REQUIRE(blocks);
  CHECK(*blocks > 0);

  const auto single = path_of("single.h5");
  REQUIRE(run_stsim({"run", scenario_file(), "-o", single, "--threads", "1", "--reps", "120",
                     "--progress", "none"})
              .exit_code == exit_ok);
  CHECK(stsim::test::require_same_results(single, out) > 50);
  const stsim::output::ResultFile f(out);
  CHECK(f.attribute_integer("/", "processes") == 2);
}

TEST_CASE("weighted runs: mpirun -np 2 writes the file a single process writes",
          "[cluster][mpi][rare-event]") {
  for (std::size_t w = 0; w < weighted_scenarios().size(); ++w) {
    const auto& scenario = weighted_scenarios()[w];
    INFO(scenario.name);
    const auto tag = std::to_string(w);
    const auto reference_file = weighted_reference(scenario, tag);
    const auto out = path_of("weighted-" + tag + "-mpi.h5");
    const auto run =
        mpirun("-np 2 " + quote(STSIM_BINARY) + " run " + quote(scenario.path) + " -o " +
               quote(out) + " --threads 1 --reps 24 --rare-event importance --progress none");
    INFO(run.err);
    REQUIRE(run.exit_code == exit_ok);
    const auto blocks = number_after(run.err, "stsim: blocks run by the other MPI ranks: rank 1: ");
    REQUIRE(blocks);
    CHECK(*blocks > 0);
    CHECK(stsim::test::require_same_results(reference_file, out) > 100);
  }
}

TEST_CASE("an MPI rank that sees another scenario or none fails the run with its reason",
          "[cluster][mpi]") {
  const auto out = path_of("mpi-bad.h5");
  const std::string rank = quote(STSIM_BINARY) + " run " + quote(scenario_file()) + " -o " +
                           quote(out) + " --threads 1 --progress none";
  // Two programs in one job (MPMD): rank 1 runs with another seed.
  const auto seed = mpirun("-np 1 " + rank + " : -np 1 " + rank + " --seed 4");
  CHECK(seed.exit_code == stsim::cli::exit_failure);
  CHECK_THAT(
      seed.err,
      Catch::Contains("stsim: error: MPI rank 1 resolved another configuration (fingerprint "));
  CHECK_THAT(seed.err, Catch::Contains("do all ranks see the same scenario file and options?"));
  CHECK_FALSE(fs::exists(out));

  const auto missing = path_of("nowhere.toml");
  const auto lost = mpirun("-np 1 " + rank + " : -np 1 " + quote(STSIM_BINARY) + " run " +
                           quote(missing) + " -o " + quote(out) + " --threads 1 --progress none");
  CHECK(lost.exit_code == stsim::cli::exit_failure);
  CHECK_THAT(lost.err, Catch::Contains("stsim: error: MPI rank 1 cannot take part: " + missing +
                                       ": error: cannot read the file: No such file or directory"));
  CHECK_FALSE(fs::exists(out));
}
#endif
