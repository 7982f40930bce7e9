// The `stsim run` and `stsim inspect` commands end to end, on the built binary.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/cli/commands.h"
#include "tests/support/sweep_scenario.h"

namespace fs = std::filesystem;
using stsim::test::sweep_scenario;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() /
           ("stsim-integration-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

// Runs `command` through the shell with stdout and stderr captured.
Outcome shell(const TempDir& dir, const std::string& command) {
  const auto out = dir.path / "stdout.txt";
  const auto err = dir.path / "stderr.txt";
  const int status = std::system((command + " >" + out.string() + " 2>" + err.string()).c_str());
  Outcome o;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = read(out);
  o.err = read(err);
  return o;
}

std::string binary_path() { return STSIM_BINARY; }

fs::path write_scenario(const TempDir& dir, const std::string& text, const std::string& name) {
  const auto path = dir.path / name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("a small sweep writes a file that inspect and h5py read", "[integration]") {
  TempDir dir;
  const auto scenario = write_scenario(dir, sweep_scenario, "sweep.toml");
  const auto out = dir.path / "nested" / "out.h5";
  const auto run = shell(dir, binary_path() + " run " + scenario.string() + " -o " + out.string() +
                                  " --threads 2 --progress log");
  INFO(run.err);
  REQUIRE(run.code == stsim::cli::exit_ok);
  CHECK(fs::exists(out));
  CHECK_FALSE(fs::exists(out.string() + ".partial"));
  CHECK(run.out.rfind(out.string() + "\n", 0) == 0);  // the path first, then the table
  CHECK_THAT(run.out, Catch::Contains("reviewed, model.reliability=0.99"));

  const auto inspect = shell(dir, binary_path() + " inspect " + out.string());
  INFO(inspect.err);
  REQUIRE(inspect.code == stsim::cli::exit_ok);
  CHECK_THAT(inspect.out, Catch::Contains("integration"));
  CHECK_THAT(inspect.out, Catch::Contains("bare, model.reliability=0.9"));
  CHECK_THAT(inspect.out, Catch::Contains("harm rate vs baseline"));
  // The review pool's queue, one row per point: numbers where it reviewed, '-' where the
  // design bypasses it.
  const auto queues = inspect.out.find("operator queues: ");
  REQUIRE(queues != std::string::npos);
  CHECK(inspect.out.find("individual reviewers: ") == std::string::npos);  // a shared pool
  std::vector<std::string> rows;
  std::istringstream table(inspect.out.substr(queues));
  for (std::string line; std::getline(table, line) && !line.empty();) rows.push_back(line);
  REQUIRE(rows.size() == 6);  // the title, the header and four points
  CHECK_THAT(rows[1], Catch::StartsWith("point    waited   in system"));
  for (std::size_t p = 2; p < rows.size(); ++p) {
    INFO(rows[p]);
    const bool reviewed = rows[p].find("  review  reviewed, ") != std::string::npos;
    CHECK((reviewed || rows[p].find("  review  bare, ") != std::string::npos));
    std::istringstream fields(rows[p]);
    std::string point, waited, in_system;
    fields >> point >> waited >> in_system;
    CHECK(point == std::to_string(p - 2));
    if (reviewed) {
      CHECK(std::stod(in_system) > 0.0);
      CHECK(std::stod(waited) >= 0.0);
    } else {
      CHECK(waited == "-");
      CHECK(in_system == "-");
    }
  }

  // Every dataset and attribute read with h5py; the scenario text round-trips.
  const auto script = write_scenario(dir, R"(
import sys, h5py
path, scenario = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
count = 0
def visit(name, obj):
    global count
    for key in obj.attrs:
        obj.attrs[key]
    if isinstance(obj, h5py.Dataset):
        obj[()]
        count += 1
with h5py.File(path, "r") as f:
    assert f.attrs["format"] == "stsim-results", f.attrs["format"]
    assert f.attrs["status"] == "complete"
    assert f.attrs["points"] == 4
    f.visititems(visit)
    assert f["scenario/text"][()].decode("utf-8") == scenario
    assert f["results/harm_rate/mean"].shape == (4,)
    assert f["timeseries/harms_mean"].shape == (4, 5)
    assert int(f["design/baseline"][()]) == 0
    assert list(f["runtime/replications"][()]) == [6, 6, 6, 6]
print(count)
)",
                                     "read.py");
  const auto python = shell(
      dir, "/usr/bin/python3 " + script.string() + " " + out.string() + " " + scenario.string());
  INFO(python.err);
  CHECK(python.code == 0);
  CHECK(std::stoi(python.out) > 100);

  // h5dump reads it too.
  CHECK(shell(dir, "h5dump -H " + out.string()).code == 0);
}

TEST_CASE("a run to a precision target (until-rel-error) records the rule", "[integration]") {
  TempDir dir;
  const std::string precision = R"(
[sweep.precision]
metric = "harm_rate"
relative_error = 0.01
min_replications = 4
max_replications = 40
block_size = 4
)";
  const auto scenario = write_scenario(dir, sweep_scenario + precision, "sweep.toml");
  const auto out = dir.path / "precise.h5";
  // The command line's target replaces the file's.
  const auto run =
      shell(dir, binary_path() + " run " + scenario.string() + " -o " + out.string() +
                     " --until-rel-error 0.5 --set model.reliability=0.8 --progress none");
  INFO(run.err);
  REQUIRE(run.code == stsim::cli::exit_ok);
  const auto inspect = shell(dir, binary_path() + " inspect " + out.string());
  CHECK_THAT(inspect.out, Catch::Contains("precision: relative error of harm_rate <= 0.5"));
  const auto both =
      shell(dir, binary_path() + " run " + scenario.string() + " --reps 5 --until-rel-error 0.1");
  CHECK(both.code == stsim::cli::exit_invalid_input);
}

TEST_CASE("a bad --set is rejected before anything is written", "[integration]") {
  TempDir dir;
  const auto scenario = write_scenario(dir, sweep_scenario, "sweep.toml");
  const auto out = dir.path / "out.h5";
  const auto run = shell(dir, binary_path() + " run " + scenario.string() + " -o " + out.string() +
                                  " --set model.reliability=1.5 --progress none");
  CHECK(run.code == stsim::cli::exit_invalid_input);
  CHECK_THAT(run.err, Catch::Contains("model.reliability"));
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out.string() + ".partial"));
  const auto malformed = shell(dir, binary_path() + " run " + scenario.string() + " -o " +
                                        out.string() + " --set nonsense --progress none");
  CHECK(malformed.code == stsim::cli::exit_invalid_input);
  CHECK_THAT(malformed.err, Catch::StartsWith("<command line>:1:1: error: --set 'nonsense': "));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("run and analytic reject a missing scenario file in one line", "[integration]") {
  TempDir dir;
  const auto missing = (dir.path / "absent.toml").string();
  const auto out = dir.path / "out.h5";
  for (const std::string& arguments :
       {" run " + missing + " -o " + out.string(), " analytic " + missing}) {
    const auto run = shell(dir, binary_path() + arguments);
    CHECK(run.code == stsim::cli::exit_invalid_input);
    CHECK(run.err == missing + ": error: cannot read the file: No such file or directory\n");
    CHECK_FALSE(fs::exists(out));
  }
}

TEST_CASE("SIGTERM stops a run with the interrupted code and no result file", "[integration]") {
  TempDir dir;
  const auto scenario = write_scenario(dir, sweep_scenario, "sweep.toml");
  const auto out = (dir.path / "long.h5").string();
  const std::string binary = binary_path();
  const std::string file = scenario.string();
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(binary.c_str(), binary.c_str(), "run", file.c_str(), "-o", out.c_str(), "--reps",
            "100000000", "--progress", "none", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ::kill(child, SIGTERM);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == stsim::cli::exit_interrupted);
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".partial"));
}

TEST_CASE("inspect rejects missing and foreign files", "[integration]") {
  TempDir dir;
  const auto missing = shell(dir, binary_path() + " inspect " + (dir.path / "none.h5").string());
  CHECK(missing.code == stsim::cli::exit_invalid_input);
  CHECK_THAT(missing.err, Catch::Contains("no such file"));
  const auto text = write_scenario(dir, sweep_scenario, "not-results.h5");
  const auto foreign = shell(dir, binary_path() + " inspect " + text.string());
  CHECK(foreign.code == stsim::cli::exit_invalid_input);
  CHECK_THAT(foreign.err, Catch::Contains("not an HDF5 file"));
}

TEST_CASE("a 10,000-point sampled sweep runs to a file that is read back", "[integration]") {
  // Little work per point, so what is measured is the bookkeeping per point: it is O(log P)
  // per block, and every per-point array is a dataset (an attribute caps at 64 KiB).
  TempDir dir;
  const auto scenario = write_scenario(dir, R"(
[scenario]
name = "many points"
horizon = "1h"
seed = 5
replications = 1
time_bins = 2

[contexts.work]
hazardous = true

[users]
kind = "source"
rate = "20/h"
next = "model"

[model]
kind = "ai"
reliability = 0.9
next = "world"

[world]
kind = "outcome"

[sweep]
design = "latin_hypercube"
points = 10000

[[sweep.dimensions]]
path = "model.reliability"
low = 0.5
high = 1.0
)",
                                       "many.toml");
  const auto out = dir.path / "many.h5";
  const auto run = shell(
      dir, binary_path() + " run " + scenario.string() + " -o " + out.string() + " --threads 2 -q");
  INFO(run.err);
  REQUIRE(run.code == stsim::cli::exit_ok);
  const auto script = write_scenario(dir, R"(
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert f.attrs["status"] == "complete"
    assert f.attrs["points"] == 10000
    assert f["results/harm_rate/mean"].shape == (10000,)
    assert f["results/time_to_first_harm/censored"].shape == (10000,)
    assert (f["runtime/replications"][()] == 1).all()
    reliability = f["design/columns/0"][()]
    assert reliability.min() >= 0.5 and reliability.max() <= 1.0
    tasks = f["results/tasks_per_replication/mean"][()]
    assert tasks.sum() > 0
print("read")
)",
                                     "read_many.py");
  const auto python = shell(dir, "/usr/bin/python3 " + script.string() + " " + out.string());
  INFO(python.err);
  CHECK(python.code == 0);
  CHECK(python.out == "read\n");
}

namespace {

// The harm_rate rows of `group` in `stsim export --format csv` of `file`.
std::vector<std::string> exported_rows(const TempDir& dir, const std::filesystem::path& file,
                                       const std::string& group) {
  const auto exported =
      shell(dir, binary_path() + " export " + file.string() + " --metric harm_rate --format csv");
  REQUIRE(exported.code == stsim::cli::exit_ok);
  std::vector<std::string> rows;
  std::istringstream lines(exported.out);
  for (std::string line; std::getline(lines, line);)
    if (line.find("," + group + ",harm_rate,") != std::string::npos) rows.push_back(line);
  return rows;
}

}  // namespace

TEST_CASE("a saltelli sweep writes /sensitivity, which export, inspect and merge keep",
          "[integration]") {
  TempDir dir;
  const auto scenario = write_scenario(dir, R"(
[scenario]
horizon = "2d"
seed = 3
replications = 4
time_bins = 2

[contexts.work]
hazardous = true

[users]
kind = "source"
rate = "20/h"
next = "model"

[model]
kind = "ai"
next = "check"

[check]
kind = "safeguard"
next = { pass = "world", block = "stopped" }

[world]
kind = "outcome"

[stopped]
kind = "outcome"
acted = false

[sweep]
design = "saltelli"
points = 8

[[sweep.dimensions]]
path = "model.reliability"
low = 0.5
high = 0.9

[[sweep.dimensions]]
path = "check.detect_error"
low = 0.0
high = 0.5
)",
                                       "saltelli.toml");
  const auto whole = dir.path / "whole.h5";
  const std::string run = binary_path() + " run " + scenario.string() + " --threads 2 -q -o ";
  REQUIRE(shell(dir, run + whole.string()).code == stsim::cli::exit_ok);
  // Rows of the sensitivity group: one per index and dimension, with the dimension's path.
  const auto rows = exported_rows(dir, whole, "sensitivity");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].find(",first_order,model.reliability,variance share,") != std::string::npos);
  CHECK(rows[3].find(",total,check.detect_error,variance share,") != std::string::npos);
  const auto inspected = shell(dir, binary_path() + " inspect " + whole.string());
  CHECK(inspected.code == stsim::cli::exit_ok);
  // The indices of the harm rate, one line per dimension named in words.
  const auto table = inspected.out.substr(inspected.out.find("harm rate sensitivity"));
  CHECK(table.starts_with("harm rate sensitivity (saltelli design), 95% intervals\n"));
  CHECK(table.find("  model reliability\n") != std::string::npos);
  CHECK(table.find("  check detect error\n") != std::string::npos);

  // A slice has no indices; the merge of the slices has those of the whole run.
  const auto a = dir.path / "a.h5", b = dir.path / "b.h5", merged = dir.path / "merged.h5";
  REQUIRE(shell(dir, run + a.string() + " --shard 1/2").code == stsim::cli::exit_ok);
  REQUIRE(shell(dir, run + b.string() + " --shard 2/2").code == stsim::cli::exit_ok);
  REQUIRE(shell(dir, binary_path() + " merge " + a.string() + " " + b.string() + " -o " +
                         merged.string() + " -q")
              .code == stsim::cli::exit_ok);
  const auto script = write_scenario(dir, R"(
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as whole, h5py.File(sys.argv[2], "r") as merged, \
        h5py.File(sys.argv[3], "r") as slice:
    assert "sensitivity" not in slice
    assert whole["sensitivity"].attrs["design"] == "saltelli"
    assert whole["sensitivity"].attrs["base_samples"] == 8
    assert list(whole["dimension"].asstr()[()]) == ["model.reliability", "check.detect_error"]
    for index in ("first_order", "total"):
        for k in ("mean", "ci_low", "ci_high"):
            w = whole[f"sensitivity/harm_rate/{index}/{k}"][()]
            assert w.shape == (2,)
            assert np.array_equal(w, merged[f"sensitivity/harm_rate/{index}/{k}"][()])
print("same")
)",
                                     "compare.py");
  const auto python = shell(dir, "/usr/bin/python3 " + script.string() + " " + whole.string() +
                                     " " + merged.string() + " " + a.string());
  INFO(python.err);
  CHECK(python.out == "same\n");
}

TEST_CASE("an uncertainty sweep writes /uncertainty, which export and merge keep",
          "[integration]") {
  TempDir dir;
  const auto scenario = write_scenario(dir, R"(
[scenario]
horizon = "1d"
seed = 3
replications = 2
time_bins = 1

[contexts.work]
hazardous = true

[users]
kind = "source"
rate = "50/h"
next = "model"

[model]
kind = "ai"
commission_share = 1.0
next = "world"

[world]
kind = "outcome"

[sweep]
design = "uncertainty"
points = 20

[[sweep.dimensions]]
path = "model.reliability"
distribution = "beta"
successes = 90
trials = 100
)",
                                       "uncertain.toml");
  const auto whole = dir.path / "whole.h5";
  const std::string run = binary_path() + " run " + scenario.string() + " --threads 2 -q -o ";
  REQUIRE(shell(dir, run + whole.string()).code == stsim::cli::exit_ok);
  const auto rows = exported_rows(dir, whole, "uncertainty");
  // The four summaries, then the three spreads (their scalar in `estimate`).
  REQUIRE(rows.size() == 7);
  CHECK(rows[0].find(",mean,mean over parameters,per task,20,") != std::string::npos);
  CHECK(rows[3].find(",q95,quantile over parameters,per task,20,") != std::string::npos);
  CHECK(rows[4].find(",outer_sd,,per task,,") != std::string::npos);
  CHECK(rows[6].find(",inner_stderr,,per task,,") != std::string::npos);

  const auto a = dir.path / "a.h5", b = dir.path / "b.h5", merged = dir.path / "merged.h5";
  REQUIRE(shell(dir, run + a.string() + " --shard 1/2").code == stsim::cli::exit_ok);
  REQUIRE(shell(dir, run + b.string() + " --shard 2/2").code == stsim::cli::exit_ok);
  REQUIRE(shell(dir, binary_path() + " merge " + a.string() + " " + b.string() + " -o " +
                         merged.string() + " -q")
              .code == stsim::cli::exit_ok);
  const auto merged_rows =
      shell(dir, binary_path() + " export " + merged.string() + " --metric harm_rate --format csv");
  std::vector<std::string> again;
  std::istringstream merged_lines(merged_rows.out);
  for (std::string line; std::getline(merged_lines, line);)
    if (line.find(",uncertainty,harm_rate,") != std::string::npos) again.push_back(line);
  CHECK(again == rows);
}

TEST_CASE("inspect shows each individual reviewer, so the careless one stands out",
          "[integration]") {
  TempDir dir;
  const auto out = dir.path / "reviewers.h5";
  const auto run = shell(dir, binary_path() + " run " + STSIM_SOURCE_DIR +
                                  "/tests/validation/scenarios/individual-reviewers.toml --reps 6 "
                                  "--progress none -o " +
                                  out.string());
  INFO(run.err);
  REQUIRE(run.code == stsim::cli::exit_ok);
  const auto inspect = shell(dir, binary_path() + " inspect " + out.string());
  INFO(inspect.out);
  REQUIRE(inspect.code == stsim::cli::exit_ok);
  const auto at = inspect.out.find("individual reviewers: ");
  REQUIRE(at != std::string::npos);
  std::vector<std::string> rows;
  std::istringstream table(inspect.out.substr(at));
  for (std::string line; std::getline(table, line) && !line.empty();) rows.push_back(line);
  REQUIRE(rows.size() == 4);  // the title, the header and two reviewers
  CHECK_THAT(rows[1], Catch::StartsWith("point     share      caught"));
  std::vector<double> caught;
  for (std::size_t k = 0; k < 2; ++k) {
    std::istringstream fields(rows[k + 2]);
    std::string point, share, catches;
    fields >> point >> share >> catches;
    CHECK(point == "0");
    CHECK(std::stod(share) > 0.0);
    CHECK(std::stod(share) < 1.0);
    caught.push_back(std::stod(catches));
    CHECK_THAT(rows[k + 2], Catch::EndsWith("review         " + std::to_string(k) + "  base"));
  }
  // 0.9 and 0.24 in closed form, each within about 0.01 (4 SE) at 6 replications.
  CHECK(caught[1] < caught[0] / 2);
}
