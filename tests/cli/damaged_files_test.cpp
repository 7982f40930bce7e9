// Every reader of stsim's files against a corpus of damaged ones: `inspect` and `merge`
// given truncated, bit-flipped, empty, foreign (another program's HDF5, a PNG) and
// non-regular files, and `run --resume` given such a checkpoint. Each must refuse with
// one clear line on stderr and exit 2: no crash, no hang, nothing written.

#include "tests/support/damaged_files.h"

#include <hdf5.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/output/hdf5_file.h"
#include "tests/cli/run_stsim.h"
#include "tests/support/sweep_scenario.h"

namespace fs = std::filesystem;
using namespace stsim::cli::testing;
using stsim::cli::exit_invalid_input;
using stsim::cli::exit_ok;

namespace {

std::string path_of(const std::string& name) { return scratch_path(name); }

const std::string& scenario_file() { return sweep_scenario_file(); }

std::string made(const std::string& name, const std::vector<std::string>& extra) {
  const auto out = path_of(name);
  std::vector<std::string> args = {"run", scenario_file(), "-o", out, "--progress", "none"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto run = run_stsim(args);
  INFO(run.err);
  REQUIRE(run.exit_code == exit_ok);
  return out;
}

const std::string& result_file() {
  static const std::string path = made("good.h5", {});
  return path;
}

const std::string& shard_file() {
  static const std::string path = made("shard.h5", {"--shard", "1/1"});
  return path;
}

// An HDF5 file of another program: a dataset and no stsim attributes.
std::string foreign_hdf5() {
  const auto path = path_of("foreign.h5");
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t size = 4;
  const hid_t space = H5Screate_simple(1, &size, nullptr);
  const hid_t set = H5Dcreate2(file, "temperature", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT,
                               H5P_DEFAULT, H5P_DEFAULT);
  const double values[] = {1.0, 2.0, 3.0, 4.0};
  H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
  H5Dclose(set);
  H5Sclose(space);
  H5Fclose(file);
  return path;
}

struct Case {
  std::string name;
  std::string path;
};

// The corpus made from `good`: its damaged variants, then the foreign files.
std::vector<Case> corpus_of(const std::string& good, const std::string& tag) {
  std::vector<Case> cases;
  int n = 0;
  for (const auto& [name, bytes] : stsim::test::damaged_variants(stsim::test::file_bytes(good))) {
    const auto path = path_of(tag + "-" + std::to_string(n++) + ".h5");
    stsim::test::write_bytes(path, bytes);
    cases.push_back({name, path});
  }
  cases.push_back({"another program's HDF5", foreign_hdf5()});
  return cases;
}

void check_refused(const Run& run, const std::string& prefix) {
  CHECK(run.exit_code == exit_invalid_input);
  CHECK_THAT(run.err, Catch::StartsWith(prefix));
  CHECK(lines_of(run.err).size() == 1);
}

}  // namespace

TEST_CASE("inspect and merge refuse every damaged or foreign file with one line and exit 2",
          "[cli][damaged]") {
  for (const auto& good : {result_file(), shard_file()}) {
    for (const auto& c : corpus_of(good, fs::path(good).stem().string())) {
      INFO(good << ": " << c.name);
      const auto inspect = run_stsim({"inspect", c.path});
      INFO(inspect.err);
      check_refused(inspect, "stsim inspect: error: " + c.path + ": ");
      const auto out = path_of("merged.h5");
      const auto merge = run_stsim({"merge", c.path, "-o", out});
      INFO(merge.err);
      check_refused(merge, "stsim merge: error: " + c.path + ": ");
      CHECK_FALSE(fs::exists(out));
    }
  }
  // The intact files still read, so that the refusals above are the damage's doing.
  CHECK(run_stsim({"inspect", result_file()}).exit_code == exit_ok);
  CHECK(run_stsim({"merge", shard_file(), "-o", path_of("merged.h5")}).exit_code == exit_ok);
}

TEST_CASE("a damaged checkpoint is refused by --resume with one line and exit 2",
          "[cli][damaged]") {
  // A one-slice shard's state is exactly the checkpoint of its finished run.
  std::vector<std::uint8_t> state;
  {
    const stsim::output::ResultFile shard(shard_file());
    state = shard.bytes("/shard_state");
  }
  const auto good = path_of("state.checkpoint");
  stsim::test::write_bytes(good, state);
  const auto resume = [&](const std::string& checkpoint) {
    const auto out = path_of("resumed.h5");
    fs::remove(out);
    fs::copy_file(checkpoint, out + ".checkpoint", fs::copy_options::overwrite_existing);
    return run_stsim(
        {"run", scenario_file(), "--shard", "1/1", "-o", out, "--resume", "--progress", "none"});
  };
  for (const auto& c : corpus_of(good, "checkpoint")) {
    INFO(c.name);
    const auto run = resume(c.path);
    INFO(run.err);
    check_refused(run, "stsim: error: " + path_of("resumed.h5") + ".checkpoint");
    CHECK_FALSE(fs::exists(path_of("resumed.h5")));
  }
  const auto intact = resume(good);
  INFO(intact.err);
  CHECK(intact.exit_code == exit_ok);
}

TEST_CASE("a result file edited so that a column is shorter than the points is refused",
          "[cli][damaged]") {
  const auto copy = path_of("short.h5");
  fs::copy_file(result_file(), copy, fs::copy_options::overwrite_existing);
  std::ofstream(path_of("shorten.py"))
      << "import sys, h5py\nwith h5py.File(sys.argv[1], 'r+') as f:\n"
         "    mean = f['results/harm_rate/mean'][:2]\n"
         "    del f['results/harm_rate/mean']\n"
         "    f['results/harm_rate/mean'] = mean\n";
  REQUIRE(shell("/usr/bin/python3 " + quote(path_of("shorten.py")) + " " + quote(copy)) == 0);
  // Unsealed, the edit is caught by the checksum; resealed, by the shape check.
  const auto edited = run_stsim({"inspect", copy});
  check_refused(edited, "stsim inspect: error: " + copy + ": damaged: ");
  stsim::test::reseal(copy);
  const auto resealed = run_stsim({"inspect", copy});
  CHECK(resealed.exit_code == exit_invalid_input);
  CHECK_THAT(resealed.err,
             Catch::Contains(copy + ": damaged: /results/harm_rate/mean has shape [2], "
                                    "expected [4]"));
}

TEST_CASE("validate, run, inspect, merge and --resume refuse a FIFO or a directory, never block",
          "[cli][damaged]") {
  const auto fifo = path_of("pipe.h5");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto inspect = run_stsim({"inspect", fifo});
  check_refused(inspect, "stsim inspect: error: " + fifo + ": not a regular file (it is a FIFO)");
  const auto merge = run_stsim({"merge", fifo, "-o", path_of("never.h5")});
  check_refused(merge, "stsim merge: error: " + fifo + ": not a regular file (it is a FIFO)");
  const auto validate = run_stsim({"validate", fifo});
  check_refused(validate, fifo + ": error: cannot read the file: it is a FIFO, not a regular file");
  const auto run = run_stsim({"run", fifo, "-o", path_of("never.h5")});
  check_refused(run, fifo + ": error: cannot read the file: it is a FIFO, not a regular file");
  const auto directory = run_stsim({"inspect", scratch() / "."});
  check_refused(directory, "stsim inspect: error: ");
  CHECK_THAT(directory.err, Catch::Contains("not a regular file (it is a directory)"));

  const auto out = path_of("fifo-resume.h5");
  REQUIRE(::mkfifo((out + ".checkpoint").c_str(), 0600) == 0);
  const auto resume =
      run_stsim({"run", scenario_file(), "-o", out, "--resume", "--progress", "none"});
  check_refused(resume, "stsim: error: " + out + ".checkpoint: not a regular file (it is a FIFO)");
}
