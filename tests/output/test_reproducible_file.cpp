// The whole result file, not only the in-memory statistics, is the same bit for bit
// whatever the number of threads: the reference scenario (every component kind) swept
// with a baseline, run with 1 and 2 threads by the real simulation.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "sim/output/hdf5_file.h"
#include "sim/structure/check.h"
#include "tests/support/result_files.h"

using namespace stsim;
namespace fs = std::filesystem;

namespace {

runner::RunResult run_reference(unsigned threads) {
  const std::vector<scenario::Assignment> overrides = {{"scenario.horizon", std::string("5d")}};
  auto loaded = structure::load_checked(
      std::string(STSIM_SOURCE_DIR) + "/benchmarks/reference.toml", overrides);
  REQUIRE(loaded.ok());
  auto& sweep = loaded.scenario->sweep;
  sweep.design = scenario::SweepDesign::grid;
  scenario::SweepDimension count;
  count.path = "reviewers.count";
  count.values = {std::int64_t{1}, std::int64_t{3}};
  scenario::SweepDimension reliability;
  reliability.path = "assistant.reliability";
  reliability.values = {0.9, 0.99};
  sweep.dimensions = {count, reliability};
  sweep.baseline = {std::int64_t{3}, 0.99};
  runner::RunOptions options;
  options.threads = threads;
  options.replications = 9;
  return runner::run_plan(runner::make_plan(*loaded.scenario, options), options);
}

}  // namespace

TEST_CASE("result files are bit-identical for 1 and 2 threads", "[output][simulation]") {
  const auto dir = fs::temp_directory_path() / ("stsim-repro-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto one = (dir / "one.h5").string();
  const auto two = (dir / "two.h5").string();
  output::write_results(run_reference(1), one);
  output::write_results(run_reference(2), two);
  CHECK(test::require_same_results(one, two) > 100);
  {
    const output::ResultFile a(one);
    CHECK(a.integers("/runtime/replications") == std::vector<std::uint64_t>{9, 9, 9, 9});
    CHECK(a.integers("/design/baseline") == std::vector<std::uint64_t>{3});
  }
  fs::remove_all(dir);
}
