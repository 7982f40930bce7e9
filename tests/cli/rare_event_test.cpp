// --rare-event: importance sampling is refused, naming the feature, where per-task
// weights would be biased; auto says what it chose; an unknown method is an error.

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "tests/cli/run_stsim.h"

using stsim::cli::testing::fixture;
using stsim::cli::testing::run_stsim;
using stsim::cli::testing::scratch_path;

TEST_CASE("rare-event importance refuses trust learning and finite queues, naming them",
          "[rare-event]") {
  const auto out = scratch_path("rare-refused.h5");
  const auto trust = run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2",
                                "--rare-event", "importance", "--set", "review.trust_gain=0.1",
                                "--set", "review.automation_bias=0.5"});
  CHECK(trust.exit_code == stsim::cli::exit_invalid_input);
  CHECK(trust.err.find("importance sampling would be biased here: component 'review' "
                       "(operators): trust learning") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));

  const auto queue = run_stsim(
      {"run", fixture("layered.toml"), "-o", out, "--reps", "2", "--rare-event", "importance"});
  CHECK(queue.exit_code == stsim::cli::exit_invalid_input);
  CHECK(queue.err.find("component 'review' (operators): finite queue (max_queue = 20)") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));

  // validate makes the same check.
  const auto valid = run_stsim({"validate", fixture("layered.toml"), "--rare-event", "importance"});
  CHECK(valid.exit_code == stsim::cli::exit_invalid_input);
  CHECK(valid.err.find("finite queue (max_queue = 20)") != std::string::npos);
}

TEST_CASE("rare-event auto says what it chose and why", "[rare-event]") {
  const auto out = scratch_path("rare-auto.h5");
  std::filesystem::remove(out);
  const auto plain = run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2",
                                "--rare-event", "auto", "--progress", "none"});
  CHECK(plain.exit_code == stsim::cli::exit_ok);
  CHECK(plain.err.find("stsim: rare events: auto chose plain Monte Carlo: component 'review' "
                       "(operators): finite queue") != std::string::npos);

  std::filesystem::remove(out);
  const auto sampled =
      run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2", "--rare-event", "auto",
                 "--progress", "none", "--set", "review.max_queue=4294967295"});
  CHECK(sampled.exit_code == stsim::cli::exit_ok);
  CHECK(sampled.err.find("stsim: rare events: auto chose importance sampling (balanced failure "
                         "biasing") != std::string::npos);
}

TEST_CASE("rare-event takes none, importance or auto", "[rare-event]") {
  const auto bad = run_stsim({"run", fixture("layered.toml"), "--rare-event", "splitting"});
  CHECK(bad.exit_code == stsim::cli::exit_invalid_input);
  CHECK(bad.err.find("--rare-event") != std::string::npos);
  CHECK(bad.err.find("splitting") != std::string::npos);
}
