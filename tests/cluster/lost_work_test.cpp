// No run loses its work to its output: the output and checkpoint paths are checked before
// the first replication, a full disk at the final write keeps the finished run in its
// checkpoint (which `--resume -o OTHER` completes), two runs on one
// output cannot overwrite each other, and a requeued task that already finished does
// nothing. The file system faults are real: small tmpfs mounts (the tests run as root,
// as CI does).

#include <signal.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/output/checkpoint.h"
#include "sim/output/hdf5_file.h"
#include "tests/cli/run_stsim.h"
#include "tests/support/result_files.h"
#include "tests/support/sweep_scenario.h"

namespace fs = std::filesystem;
using namespace stsim::cli::testing;
using stsim::cli::exit_failure;
using stsim::cli::exit_invalid_input;
using stsim::cli::exit_ok;

namespace {

std::string path_of(const std::string& name) { return scratch_path(name); }

const std::string& scenario_file() { return sweep_scenario_file(); }

std::vector<std::string> run_args(const std::string& out,
                                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"run", scenario_file(), "-o", out, "--progress", "none"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// A tmpfs of `size` mounted for the test's lifetime (read-only with `options` "ro").
class Mount {
 public:
  Mount(const std::string& name, const std::string& options) : dir_(path_of(name)) {
    fs::create_directories(dir_);
    INFO("mounting a tmpfs needs root, as CI has");
    REQUIRE(::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0);
  }
  ~Mount() { ::umount2(dir_.c_str(), MNT_DETACH); }
  Mount(const Mount&) = delete;
  Mount& operator=(const Mount&) = delete;
  std::string operator/(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

std::uint64_t free_bytes(const std::string& dir) {
  struct statvfs status {};
  REQUIRE(::statvfs(dir.c_str(), &status) == 0);
  return static_cast<std::uint64_t>(status.f_bavail) * status.f_frsize;
}

}  // namespace

TEST_CASE("an output that is a directory or on a read-only disk is refused before any replication",
          "[cluster][lost-work]") {
  const auto directory = path_of("a-directory");
  fs::create_directories(directory);
  const auto dir = run_stsim(run_args(directory));
  CHECK(dir.exit_code == exit_invalid_input);
  CHECK(dir.err == "stsim: error: -o " + directory + ": it is a directory; give a file name\n");

  const auto checkpoint_dir = run_stsim(run_args(path_of("fine.h5"), {"--checkpoint", directory}));
  CHECK(checkpoint_dir.exit_code == exit_invalid_input);
  CHECK(checkpoint_dir.err ==
        "stsim: error: --checkpoint " + directory + ": it is a directory; give a file name\n");

  const Mount read_only("read-only", "ro,size=1m");
  const auto out = read_only / "out.h5";
  const auto refused = run_stsim(run_args(out));
  CHECK(refused.exit_code == exit_failure);
  CHECK(refused.err == "stsim: error: cannot write beside " + out + " (" + out +
                           ".lock): Read-only file system\n");

  // A writable output with its checkpoint on the read-only disk: refused as well.
  const auto elsewhere =
      run_stsim(run_args(path_of("fine.h5"), {"--checkpoint", read_only / "out.checkpoint"}));
  CHECK(elsewhere.exit_code == exit_failure);
  CHECK(elsewhere.err == "stsim: error: cannot write " + (read_only / "out.checkpoint") +
                             ".new: Read-only file system\n");
  CHECK_FALSE(fs::exists(path_of("fine.h5")));
}

TEST_CASE("a full disk at the final write keeps the finished run, which resumes into another file",
          "[cluster][lost-work]") {
  const auto reference = path_of("full-reference.h5");
  REQUIRE(run_stsim(run_args(reference)).exit_code == exit_ok);
  const auto result_size = fs::file_size(reference);

  const Mount disk("full", "size=1m");
  // Room for the lock and the checkpoint (a few kB), not for the result file.
  const auto filler = disk / "filler";
  const auto room = free_bytes(disk / "");
  REQUIRE(room > result_size);
  std::ofstream(filler, std::ios::binary) << std::string(room - 48 * 1024, 'x');
  REQUIRE(free_bytes(disk / "") < result_size);

  const auto out = disk / "out.h5";
  const auto checkpoint = out + ".checkpoint";
  const auto state = "STSIM_STATE_DIR=" + path_of("kept-state");
  const auto failed = run_stsim(run_args(out), {state});
  INFO(failed.err);
  CHECK(failed.exit_code == exit_failure);
  CHECK_THAT(failed.err, Catch::Contains("stsim: error: cannot write " + out +
                                         ".partial: No space left on device\n"));
  CHECK_THAT(failed.err,
             Catch::EndsWith("stsim: the finished run is kept in " + checkpoint +
                             ": fix the problem and run again with --resume, or write the results "
                             "elsewhere with --resume -o OTHER.h5\n"));
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".partial"));
  REQUIRE(fs::exists(checkpoint));
  REQUIRE_FALSE(fs::is_empty(path_of("kept-state/kept-runs")));

  // Another -o, with nothing else said: the kept run is found, not run again.
  const auto other = path_of("full-other.h5");
  const auto resumed = run_stsim(run_args(other, {"--resume"}), {state});
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == exit_ok);
  CHECK_THAT(resumed.err, Catch::Contains("stsim: continuing the finished run kept in " +
                                          checkpoint + " (its final write had failed)\n"));
  CHECK_THAT(resumed.err, Catch::Contains("stsim: resumed with "));
  CHECK(stsim::test::require_same_results(reference, other) > 50);
  CHECK_FALSE(fs::exists(checkpoint));
  CHECK(fs::is_empty(path_of("kept-state/kept-runs")));

  // A run of another configuration never continues it: the record names its identity.
  const auto again = run_stsim(run_args(out), {state});
  REQUIRE(again.exit_code == exit_failure);
  REQUIRE(fs::exists(checkpoint));
  const auto different =
      run_stsim(run_args(path_of("full-different.h5"), {"--resume", "--seed", "99"}), {state});
  INFO(different.err);
  CHECK(different.exit_code == exit_ok);
  CHECK_THAT(different.err, Catch::Contains("starting from the beginning"));
  CHECK(fs::exists(checkpoint));

  // With nowhere to keep the record, the message names the checkpoint, which finishes it.
  fs::remove(checkpoint);
  const auto no_state = "STSIM_STATE_DIR=/proc/stsim-no-state";
  const auto unrecorded = run_stsim(run_args(out), {no_state});
  CHECK(unrecorded.exit_code == exit_failure);
  CHECK_THAT(unrecorded.err,
             Catch::EndsWith("write the results elsewhere with --resume --checkpoint " +
                             checkpoint + " -o OTHER.h5\n"));
  const auto explicit_other = path_of("full-explicit.h5");
  const auto finished =
      run_stsim(run_args(explicit_other, {"--resume", "--checkpoint", checkpoint}), {no_state});
  INFO(finished.err);
  REQUIRE(finished.exit_code == exit_ok);
  CHECK(stsim::test::require_same_results(reference, explicit_other) > 50);
  CHECK_FALSE(fs::exists(checkpoint));
}

namespace {

// A run on `out`, started in the background, once it holds the lock on `out` (its PID
// is in the lock file).
pid_t spawn_holding_lock(const std::string& out) {
  const pid_t child = spawn_stsim(run_args(out));
  REQUIRE(child > 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (read_text(out + ".lock") != std::to_string(child) + "\n" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  REQUIRE(read_text(out + ".lock") == std::to_string(child) + "\n");
  return child;
}

}  // namespace

TEST_CASE("a second run on the same output is refused, naming the first, whose file stays intact",
          "[cluster][lost-work]") {
  const auto reference = path_of("locked-reference.h5");
  REQUIRE(run_stsim(run_args(reference)).exit_code == exit_ok);

  const auto out = path_of("locked.h5");
  const pid_t first = spawn_holding_lock(out);
  // Stopped while it holds the lock, however fast the build: the second run meets it.
  REQUIRE(::kill(first, SIGSTOP) == 0);
  const auto second = run_stsim(run_args(out));
  REQUIRE(::kill(first, SIGCONT) == 0);
  const int first_exit = wait_for(first);
  const auto lock = out + ".lock";
  CHECK(second.exit_code == exit_invalid_input);
  CHECK(second.err == "stsim: error: " + out + " is being written by another stsim run (PID " +
                          std::to_string(first) + ", holding " + lock +
                          "); wait for it to end, or choose another -o\n");
  REQUIRE(first_exit == exit_ok);
  CHECK(stsim::test::require_same_results(reference, out) > 50);
  CHECK_FALSE(fs::exists(lock));  // removed by the run that held it
  // Free again: a third run may write it.
  CHECK(run_stsim(run_args(out)).exit_code == exit_ok);
}

TEST_CASE("the lock file a killed run leaves behind does not block the next run",
          "[cluster][lost-work]") {
  const auto reference = path_of("killed-lock-reference.h5");
  REQUIRE(run_stsim(run_args(reference)).exit_code == exit_ok);
  const auto out = path_of("killed-lock.h5");
  const pid_t killed = spawn_holding_lock(out);
  REQUIRE(::kill(killed, SIGKILL) == 0);
  CHECK(wait_for(killed) == -1);
  // The file stays, naming a process that is gone; the kernel released its lock.
  REQUIRE(read_text(out + ".lock") == std::to_string(killed) + "\n");
  const auto next = run_stsim(run_args(out, {"--resume"}));
  INFO(next.err);
  CHECK(next.exit_code == exit_ok);
  CHECK(stsim::test::require_same_results(reference, out) > 50);
  CHECK_FALSE(fs::exists(out + ".lock"));
}

TEST_CASE("resuming with no checkpoint and the complete result of the same run does nothing",
          "[cluster][lost-work]") {
  const auto out = path_of("requeued.h5");
  REQUIRE(run_stsim(run_args(out, {"--shard", "2/3"})).exit_code == exit_ok);
  const auto written = fs::last_write_time(out);
  const auto again = run_stsim(run_args(out, {"--resume", "--shard", "2/3"}));
  CHECK(again.exit_code == exit_ok);
  CHECK_THAT(again.err, Catch::StartsWith("stsim: " + out +
                                          " already holds the complete results of this run "
                                          "(fingerprint "));
  CHECK_THAT(again.err, Catch::EndsWith("); nothing to do\n"));
  CHECK_THAT(again.out, Catch::StartsWith(out + "\n"));
  CHECK(fs::last_write_time(out) == written);

  // Another slice, seed or scenario is not this run: it runs and replaces the file.
  const auto other = run_stsim(run_args(out, {"--resume", "--seed", "8", "--shard", "2/3"}));
  CHECK(other.exit_code == exit_ok);
  CHECK_THAT(other.err, Catch::Contains("no checkpoint at " + out + ".checkpoint"));
  CHECK(fs::last_write_time(out) != written);
}

TEST_CASE("a checkpoint that cannot be written part-way is reported once and the run goes on",
          "[cluster][lost-work]") {
  // A full disk still makes empty files, so the check before the run passes; every
  // checkpoint written during it fails.
  const Mount disk("no-room", "size=256k");
  std::ofstream(disk / "filler", std::ios::binary) << std::string(free_bytes(disk / ""), 'x');
  const auto checkpoint = disk / "out.checkpoint";
  const auto out = path_of("unsaved.h5");
  const auto run = run_stsim(
      run_args(out, {"--reps", "200", "--checkpoint-interval", "0", "--checkpoint", checkpoint}));
  REQUIRE(run.exit_code == exit_ok);
  const std::string warning = "stsim: warning: cannot write " + checkpoint +
                              ".new: No space left on device (the run goes on, but cannot be "
                              "resumed)\n";
  CHECK_THAT(run.err, Catch::Contains(warning));
  CHECK(run.err.find(warning) == run.err.rfind(warning));  // once
  CHECK(stsim::output::ResultFile(out).integers("/runtime/replications") ==
        std::vector<std::uint64_t>{200, 200, 200, 200});
  CHECK_FALSE(fs::exists(checkpoint));
}

TEST_CASE("SIGTERM inside one long replication stops within 2 s and resumes bit-identically",
          "[cluster][lost-work][slow]") {
  // One point, two replications of one block each, each of about 3 s in this build
  // (calibrated, so that ThreadSanitizer's build runs as many seconds as the optimised
  // one): the signal falls inside the second replication, which the run abandons; the
  // first is in the checkpoint.
  const auto& text = stsim::test::sweep_scenario;
  std::string base = text.substr(0, text.find("[sweep]"));
  const auto replace = [](std::string& in, const std::string& from, const std::string& to) {
    const auto at = in.find(from);
    REQUIRE(at != std::string::npos);
    in.replace(at, from.size(), to);
  };
  replace(base, "horizon = \"10d\"", "horizon = \"1d\"");
  const auto file_with_rate = [&](double per_hour) {
    std::string single = base;
    replace(single, "rate = \"20/h\"", "rate = \"" + std::to_string(per_hour) + "/h\"");
    const auto file = path_of("long-replication.toml");
    std::ofstream(file) << single;
    return file;
  };
  const auto args = [](const std::string& file, const std::string& out, const std::string& reps,
                       const std::vector<std::string>& extra) {
    std::vector<std::string> a = {"run", file,        "-o", out,          "--reps",
                                  reps,  "--threads", "1",  "--progress", "none"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  constexpr double calibration_rate = 100000.0;  // 2.4 million tasks a day
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(run_stsim(args(file_with_rate(calibration_rate), path_of("long-calibration.h5"), "1", {}))
              .exit_code == exit_ok);
  const double calibration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double replication_seconds = 3.0;
  const double rate = std::clamp(calibration_rate * replication_seconds / calibration_seconds,
                                 calibration_rate, 4e7);
  const auto file = file_with_rate(rate);

  const auto uninterrupted = path_of("long-uninterrupted.h5");
  REQUIRE(run_stsim(args(file, uninterrupted, "2", {})).exit_code == exit_ok);

  const auto out = path_of("long-interrupted.h5");
  const auto checkpoint = out + ".checkpoint";
  const pid_t child = spawn_stsim(args(file, out, "2", {"--checkpoint-interval", "0.05"}));
  REQUIRE(child > 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
  const auto one_done = [&] {
    const auto state = stsim::output::read_checkpoint(checkpoint);
    return state && stsim::runner::replications_in(*state) == 1;
  };
  while (!one_done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(one_done());
  // Well inside the second replication, which takes as long as the first.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto signalled = std::chrono::steady_clock::now();
  ::kill(child, SIGTERM);
  const int code = wait_for(child);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  CHECK(code == stsim::cli::exit_interrupted);
  CHECK(seconds < 2.0);
  CHECK_FALSE(fs::exists(out));
  const auto saved = stsim::output::read_checkpoint(checkpoint);
  REQUIRE(saved);
  CHECK(stsim::runner::replications_in(*saved) == 1);

  const auto resumed = run_stsim(args(file, out, "2", {"--resume"}));
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == exit_ok);
  CHECK(stsim::test::require_same_results(uninterrupted, out) > 50);
}
