// The cluster templates under scripts/ (Slurm job array, merge, submission driver, MPI
// job) and their guide docs/cluster.md: the scripts parse, name every step they promise,
// and the array and merge scripts, run with bash as Slurm would run them, produce the
// file an unsharded run writes. No Slurm is needed: its variables are set by hand and its
// commands (sbatch, scontrol) are replaced by stand-ins that record their arguments.

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path source_dir{STSIM_SOURCE_DIR};
const fs::path scripts_dir = source_dir / "scripts";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Single-quoted for the shell.
std::string quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

// A scratch directory per test case, removed at its end.
struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() /
           ("stsim-templates-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Runs `command` in this directory through the shell, with no Slurm variables but those
  // it sets itself (the test may run inside a Slurm job), capturing its output.
  Outcome shell(const std::string& command) const {
    const auto out = path / "stdout.txt", err = path / "stderr.txt";
    const std::string line =
        "cd " + quote(path.string()) +
        " && unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN "
        "SLURM_ARRAY_TASK_STEP SLURM_ARRAY_JOB_ID SLURM_CPUS_PER_TASK SLURM_JOB_ID && (" +
        command + ") >" + quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
    const int status = std::system(line.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(out), read_text(err)};
  }
};

// A sweep of three points that runs in milliseconds.
const char* const tiny_scenario = R"([scenario]
name = "tiny"
horizon = "1d"
replications = 20
seed = 7
time_bins = 4

[users]
kind = "source"
rate = "10/h"
next = "model"

[model]
kind = "ai"
reliability = 0.9
next = { pass = "world", refuse = "refused" }

[world]
kind = "outcome"
acted = true

[refused]
kind = "outcome"
acted = false

[sweep]
design = "grid"

[[sweep.dimensions]]
path = "model.reliability"
values = [0.5, 0.9, 0.99]
)";

const std::vector<std::string> expected_templates = {"mpi.sbatch", "slurm-array.sbatch",
                                                     "slurm-merge.sbatch", "submit-array.sh"};

std::vector<fs::path> templates() {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(scripts_dir)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".sh" || ext == ".sbatch"))
      found.push_back(entry.path());
  }
  return found;
}

std::string template_text(const std::string& name) { return read_text(scripts_dir / name); }

// The per-point table `stsim inspect` prints after the run facts (which hold provenance).
std::string point_table(const std::string& inspect_output) {
  const auto at = inspect_output.find("\npoint  ");
  return at == std::string::npos ? std::string() : inspect_output.substr(at);
}

std::string env_for_templates(const TempDir& dir) {
  return std::string("STSIM=") + quote(STSIM_BINARY) +
         " SCENARIO=tiny.toml OUTDIR=" + quote((dir.path / "out").string());
}

// Writes a stand-in `scontrol` into dir/bin that appends its arguments to dir/scontrol.log.
fs::path fake_scontrol(const TempDir& dir) {
  fs::create_directories(dir.path / "bin");
  write_text(dir.path / "bin" / "scontrol", "#!/bin/sh\necho \"$*\" >> \"$FAKE_LOG\"\n");
  fs::permissions(dir.path / "bin" / "scontrol", fs::perms::owner_all);
  return dir.path / "scontrol.log";
}

// Runs `script` (a bash script) as Slurm runs a batch script, sends it USR1 (the time-limit
// warning of --signal=B:USR1@...) once `checkpoint` exists, that is once stsim runs under
// the script's traps, and returns its wait status. Kills it if no checkpoint comes.
int run_until_checkpoint_then_usr1(const fs::path& script, const fs::path& checkpoint) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl("/bin/bash", "bash", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 600 && !fs::exists(checkpoint); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const bool checkpointed = fs::exists(checkpoint);
  ::kill(pid, checkpointed ? SIGUSR1 : SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(checkpointed);
  return status;
}

}  // namespace

TEST_CASE("every template under scripts/ parses with bash -n", "[templates]") {
  std::set<std::string> names;
  for (const auto& path : templates()) {
    names.insert(path.filename().string());
    INFO(path.string());
    TempDir dir;
    const auto outcome = dir.shell("bash -n " + quote(path.string()));
    INFO(outcome.err);
    CHECK(outcome.code == 0);
  }
  for (const auto& name : expected_templates) {
    INFO(name);
    CHECK(names.count(name) == 1);
  }
}

TEST_CASE("every template is strict, commented by step and configurable from the environment",
          "[templates]") {
  for (const auto& path : templates()) {
    INFO(path.string());
    const auto text = read_text(path);
    CHECK(text.rfind("#!/bin/bash\n", 0) == 0);
    CHECK(text.find("\nset -euo pipefail\n") != std::string::npos);
    CHECK(text.find("# Step 1: ") != std::string::npos);
    CHECK(text.find("# Step 2: ") != std::string::npos);
    CHECK(text.find("STSIM=${STSIM:-") != std::string::npos);
    CHECK(text.find("SCENARIO=${SCENARIO:-") != std::string::npos);
    CHECK(text.find("docs/cluster.md") != std::string::npos);
  }
}

TEST_CASE(
    "the array template runs its slice with --shard and --resume and requeues at the time limit",
    "[templates]") {
  const auto text = template_text("slurm-array.sbatch");
  CHECK(text.find("#SBATCH --array=") != std::string::npos);
  CHECK(text.find("#SBATCH --requeue") != std::string::npos);
  CHECK(text.find("#SBATCH --signal=B:USR1@") != std::string::npos);
  CHECK(text.find("\"$STSIM\" run \"$SCENARIO\" --shard -o \"$shard\" --resume") !=
        std::string::npos);
  CHECK(text.find("shard=\"$OUTDIR/shard-$SLURM_ARRAY_TASK_ID.h5\"") != std::string::npos);
  CHECK(text.find("--checkpoint-interval") != std::string::npos);
  CHECK(text.find("trap '") != std::string::npos);
  CHECK(text.find("scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"") !=
        std::string::npos);
}

TEST_CASE("the merge template merges every shard file, and the driver chains it after the array",
          "[templates]") {
  const auto merge = template_text("slurm-merge.sbatch");
  CHECK(merge.find("shards=(\"$OUTDIR\"/shard-*.h5)") != std::string::npos);
  CHECK(merge.find("\"$STSIM\" merge \"${shards[@]}\" -o \"$OUTPUT\"") != std::string::npos);
  CHECK(merge.find("--dependency=afterok:") != std::string::npos);

  const auto submit = template_text("submit-array.sh");
  CHECK(submit.find("sbatch --parsable --array=\"1-$SLICES\"") != std::string::npos);
  CHECK(submit.find("slurm-array.sbatch") != std::string::npos);
  CHECK(submit.find("sbatch --parsable --dependency=\"afterok:$array_job\"") != std::string::npos);
  CHECK(submit.find("slurm-merge.sbatch") != std::string::npos);
}

TEST_CASE("the MPI template launches one run over every rank, resumably", "[templates]") {
  const auto text = template_text("mpi.sbatch");
  CHECK(text.find("LAUNCHER=${LAUNCHER:-srun}") != std::string::npos);
  CHECK(text.find("THREADS=${THREADS:-${SLURM_CPUS_PER_TASK:-1}}") != std::string::npos);
  CHECK(text.find("$LAUNCHER \"$STSIM\" run \"$SCENARIO\" -o \"$OUTPUT\" --resume --threads "
                  "\"$THREADS\"") != std::string::npos);
  CHECK(text.find("#SBATCH --requeue") != std::string::npos);
  CHECK(text.find("scontrol requeue \"$SLURM_JOB_ID\"") != std::string::npos);
}

TEST_CASE("docs/cluster.md links every template, and the README links the guide", "[templates]") {
  const auto guide = read_text(source_dir / "docs" / "cluster.md");
  REQUIRE_FALSE(guide.empty());
  for (const auto& path : templates()) {
    const auto link = "(../scripts/" + path.filename().string() + ")";
    INFO(link);
    CHECK(guide.find(link) != std::string::npos);
  }
  const auto readme = read_text(source_dir / "README.md");
  CHECK(readme.find("(docs/cluster.md)") != std::string::npos);
  CHECK(readme.find("`scripts/`") != std::string::npos);
  const auto output = read_text(source_dir / "docs" / "output.md");
  for (const char* term : {"processes", "shard_index", "shard_count", "/shard_state", ".checkpoint",
                           "stsim merge", "--resume", "--shard", "--checkpoint-interval"}) {
    INFO(term);
    CHECK(output.find(term) != std::string::npos);
  }
}

TEST_CASE("the array and merge templates, run as Slurm runs them, give the unsharded run's results",
          "[templates][end-to-end]") {
  TempDir dir;
  write_text(dir.path / "tiny.toml", tiny_scenario);
  const auto env = env_for_templates(dir);

  // Array indices 0 and 1 of --array=0-1: slices 1/2 and 2/2.
  for (const int task : {0, 1}) {
    const auto outcome =
        dir.shell(env + " SLURM_ARRAY_JOB_ID=77 SLURM_ARRAY_TASK_ID=" + std::to_string(task) +
                  " SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=0 bash " +
                  quote((scripts_dir / "slurm-array.sbatch").string()));
    INFO(outcome.err);
    REQUIRE(outcome.code == 0);
    CHECK(outcome.err.find("slice " + std::to_string(task + 1) + "/2") != std::string::npos);
    // --resume without a checkpoint starts afresh and says so.
    CHECK(outcome.err.find("no checkpoint at") != std::string::npos);
    CHECK(fs::exists(dir.path / "out" / ("shard-" + std::to_string(task) + ".h5")));
  }

  const auto merged = dir.path / "all.h5";
  const auto merge = dir.shell(env + " OUTPUT=" + quote(merged.string()) + " bash " +
                               quote((scripts_dir / "slurm-merge.sbatch").string()));
  INFO(merge.err);
  REQUIRE(merge.code == 0);
  REQUIRE(fs::exists(merged));

  const auto inspected = dir.shell(quote(STSIM_BINARY) + " inspect " + quote(merged.string()));
  REQUIRE(inspected.code == 0);
  CHECK(inspected.out.find("status:               complete") != std::string::npos);

  const auto whole = dir.shell(quote(STSIM_BINARY) + " run tiny.toml -o whole.h5 --progress none");
  REQUIRE(whole.code == 0);
  const auto reference = dir.shell(quote(STSIM_BINARY) + " inspect whole.h5");
  REQUIRE(reference.code == 0);
  const auto table = point_table(inspected.out);
  CHECK_FALSE(table.empty());
  CHECK(table == point_table(reference.out));
}

TEST_CASE("the merge template refuses an incomplete set of slices and writes nothing",
          "[templates][end-to-end]") {
  TempDir dir;
  write_text(dir.path / "tiny.toml", tiny_scenario);
  const auto env = env_for_templates(dir);
  const auto only_first = dir.shell(
      env + " SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=1 bash " +
      quote((scripts_dir / "slurm-array.sbatch").string()));
  REQUIRE(only_first.code == 0);

  const auto merged = dir.path / "all.h5";
  const auto merge = dir.shell(env + " OUTPUT=" + quote(merged.string()) + " bash " +
                               quote((scripts_dir / "slurm-merge.sbatch").string()));
  CHECK(merge.code == 2);
  CHECK(merge.err.find("missing: 2/2") != std::string::npos);
  CHECK_FALSE(fs::exists(merged));

  const auto none = dir.shell(env + " OUTDIR=empty OUTPUT=" + quote(merged.string()) + " bash " +
                              quote((scripts_dir / "slurm-merge.sbatch").string()));
  CHECK(none.code == 2);
  CHECK(none.err.find("no shard files") != std::string::npos);
}

TEST_CASE("the submission driver chains the merge after the array job with afterok",
          "[templates][end-to-end]") {
  TempDir dir;
  write_text(dir.path / "tiny.toml", tiny_scenario);
  // A stand-in sbatch: records its arguments, answers as `sbatch --parsable` does.
  fs::create_directories(dir.path / "bin");
  write_text(
      dir.path / "bin" / "sbatch",
      "#!/bin/sh\n"
      "echo \"$*\" >> \"$FAKE_LOG\"\n"
      "if [ \"$(wc -l < \"$FAKE_LOG\")\" -eq 1 ]; then echo '4242;cluster'; else echo 4243; fi\n");
  fs::permissions(dir.path / "bin" / "sbatch", fs::perms::owner_all);
  const auto log = dir.path / "sbatch.log";

  const auto outcome =
      dir.shell(env_for_templates(dir) + " SLICES=3 FAKE_LOG=" + quote(log.string()) +
                " PATH=" + quote((dir.path / "bin").string()) + ":\"$PATH\" bash " +
                quote((scripts_dir / "submit-array.sh").string()) + " --partition=short");
  INFO(outcome.err);
  REQUIRE(outcome.code == 0);
  const auto calls = read_text(log);
  const auto first_end = calls.find('\n');
  REQUIRE(first_end != std::string::npos);
  const auto first = calls.substr(0, first_end), second = calls.substr(first_end + 1);
  CHECK(first.find("--array=1-3") != std::string::npos);
  CHECK(first.find("--partition=short") != std::string::npos);
  CHECK(first.find("slurm-array.sbatch") != std::string::npos);
  CHECK(second.find("--dependency=afterok:4242 ") != std::string::npos);
  CHECK(second.find("--partition=short") != std::string::npos);
  CHECK(second.find("slurm-merge.sbatch") != std::string::npos);
  CHECK(outcome.out.find("merge job 4243") != std::string::npos);

  // No slices at all: nothing is submitted.
  fs::remove(log);
  const auto none = dir.shell(env_for_templates(dir) + " SLICES=0 FAKE_LOG=" + quote(log.string()) +
                              " PATH=" + quote((dir.path / "bin").string()) + ":\"$PATH\" bash " +
                              quote((scripts_dir / "submit-array.sh").string()));
  CHECK(none.code == 2);
  CHECK(none.err == "submit-array.sh: error: SLICES=0: expected a positive number of slices\n");
  CHECK_FALSE(fs::exists(log));

  // More slices than the sweep's 3 points: validate's message, nothing submitted.
  const auto too_many =
      dir.shell(env_for_templates(dir) + " SLICES=4 FAKE_LOG=" + quote(log.string()) +
                " PATH=" + quote((dir.path / "bin").string()) + ":\"$PATH\" bash " +
                quote((scripts_dir / "submit-array.sh").string()));
  CHECK(too_many.code == 2);
  CHECK(too_many.err ==
        "stsim: error: --shard 4/4: the sweep has only 3 point(s), so at most 3 slice(s)\n");
  CHECK_FALSE(fs::exists(log));

  // A scenario that does not load is reported before anything is submitted.
  write_text(dir.path / "broken.toml", "[scenario\n");
  const auto broken = dir.shell(std::string("STSIM=") + quote(STSIM_BINARY) +
                                " SCENARIO=broken.toml FAKE_LOG=" + quote(log.string()) +
                                " PATH=" + quote((dir.path / "bin").string()) + ":\"$PATH\" bash " +
                                quote((scripts_dir / "submit-array.sh").string()));
  CHECK(broken.code == 2);
  CHECK_FALSE(fs::exists(log));
}

TEST_CASE(
    "the array template passes the time-limit signal on to stsim, which saves its progress, and "
    "requeues",
    "[templates][end-to-end]") {
  TempDir dir;
  write_text(dir.path / "tiny.toml", tiny_scenario);
  const auto log = fake_scontrol(dir);
  const auto checkpoint = dir.path / "out" / "shard-2.h5.checkpoint";

  // Far more replications than run before the signal; checkpoints as often as possible, so
  // the first one shows that stsim is running under the script's trap.
  const auto script = dir.path / "task.sh";
  write_text(script,
             "unset SLURM_ARRAY_TASK_STEP SLURM_CPUS_PER_TASK\ncd " + quote(dir.path.string()) +
                 "\n" + env_for_templates(dir) +
                 " STSIM_ARGS='--reps 1000000' CHECKPOINT_INTERVAL=0 FAKE_LOG=" +
                 quote(log.string()) + " PATH=" + quote((dir.path / "bin").string()) +
                 ":\"$PATH\" SLURM_ARRAY_JOB_ID=77 SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=2 "
                 "SLURM_ARRAY_TASK_MIN=1 exec bash " +
                 quote((scripts_dir / "slurm-array.sbatch").string()) + " >task.out 2>task.err\n");
  const int status = run_until_checkpoint_then_usr1(script, checkpoint);

  const auto err = read_text(dir.path / "task.err");
  INFO(err);
  // stsim's exit code for "stopped, progress saved", passed on by the script.
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(err.find("progress saved in") != std::string::npos);
  CHECK(read_text(log) == "requeue 77_2\n");
  CHECK(fs::exists(checkpoint));
  CHECK_FALSE(fs::exists(dir.path / "out" / "shard-2.h5"));
}

#ifdef STSIM_MPIEXEC
TEST_CASE("the MPI template runs one job over two ranks and requeues it at the time limit",
          "[templates][end-to-end][mpi]") {
  TempDir dir;
  write_text(dir.path / "tiny.toml", tiny_scenario);
  const auto log = fake_scontrol(dir);
  const std::string env =
      std::string("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 STSIM=") +
      quote(STSIM_BINARY) + " SCENARIO=tiny.toml THREADS=1 LAUNCHER=" +
      quote(std::string(STSIM_MPIEXEC) + " --oversubscribe -np 2") +
      " SLURM_JOB_ID=55 FAKE_LOG=" + quote(log.string()) +
      " PATH=" + quote((dir.path / "bin").string()) + ":\"$PATH\"";

  const auto whole =
      dir.shell(env + " OUTPUT=out/whole.h5 bash " + quote((scripts_dir / "mpi.sbatch").string()));
  INFO(whole.err);
  REQUIRE(whole.code == 0);
  CHECK(whole.err.find("2 MPI ranks") != std::string::npos);
  const auto inspected = dir.shell(quote(STSIM_BINARY) + " inspect out/whole.h5");
  const auto reference =
      dir.shell(quote(STSIM_BINARY) + " run tiny.toml -o single.h5 --progress none");
  REQUIRE(reference.code == 0);
  CHECK_FALSE(point_table(inspected.out).empty());
  CHECK(point_table(inspected.out) == point_table(reference.out));
  CHECK_FALSE(fs::exists(log));

  const auto script = dir.path / "job.sh";
  const auto checkpoint = dir.path / "out" / "long.h5.checkpoint";
  write_text(
      script,
      "cd " + quote(dir.path.string()) + "\n" + env +
          " OUTPUT=out/long.h5 STSIM_ARGS='--reps 1000000' CHECKPOINT_INTERVAL=0 exec bash " +
          quote((scripts_dir / "mpi.sbatch").string()) + " >job.out 2>job.err\n");
  run_until_checkpoint_then_usr1(script, checkpoint);
  const auto err = read_text(dir.path / "job.err");
  INFO(err);
  CHECK(err.find("progress saved in") != std::string::npos);
  CHECK(read_text(log) == "requeue 55\n");
  CHECK(fs::exists(checkpoint));
  CHECK_FALSE(fs::exists(dir.path / "out" / "long.h5"));
}
#endif
