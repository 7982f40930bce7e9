// `stsim run --importance` end to end: the flagship scenario gets /importance, one row
// per layer and measure, exported by `stsim export`; options that cannot go with it are
// refused with a message.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/output/hdf5_file.h"
#include "tests/cli/run_stsim.h"

namespace {

using namespace stsim;
using namespace stsim::cli::testing;

const std::string flagship =
    std::string(STSIM_SOURCE_DIR) + "/scenarios/reliability-is-not-safety.toml";

}  // namespace

TEST_CASE("run --importance writes /importance for the flagship scenario", "[cli][importance]") {
  const auto path = scratch_path("importance.h5");
  const auto run = run_stsim({"run", flagship, "--importance", "--reps", "2", "--progress", "none",
                              "--threads", "2", "-o", path});
  INFO(run.err);
  REQUIRE(run.exit_code == cli::exit_ok);
  CHECK(run.err.find("importance: 18 counterfactual point(s)") != std::string::npos);
  const output::ResultFile file(path);
  // As written the model passes straight to the world: every layer, and the model.
  const auto layers = file.strings("/layer");
  CHECK(layers ==
        std::vector<std::string>{"model", "review", "rules", "verifier", "audit", "confirmation"});
  CHECK(file.attribute_string("/importance", "reference") == "as written");
  for (const char* measure : {"birnbaum", "fussell_vesely", "raw", "rrw"}) {
    const std::string g = std::string("/importance/harm_rate/") + measure;
    INFO(g);
    CHECK(file.shape(g + "/mean") == std::vector<std::uint64_t>{6});
    CHECK(file.dimensions(g + "/mean") == std::vector<std::string>{"layer"});
  }
  // Layers no task reaches as written change nothing: RAW 1 exactly, Birnbaum 0.
  const auto raw = file.doubles("/importance/harm_rate/raw/mean");
  const auto birnbaum = file.doubles("/importance/harm_rate/birnbaum/mean");
  CHECK(raw[1] == 1.0);
  CHECK(birnbaum[2] == 0.0);
  // The model: without it (always wrong) harm is far higher.
  CHECK(raw[0] > 10.0);

  const auto exported = run_stsim({"export", path, "--metric", "harm_rate"});
  REQUIRE(exported.exit_code == cli::exit_ok);
  CHECK(exported.out.find(",importance,harm_rate,raw,model,") != std::string::npos);
  CHECK(exported.out.find(",group,metric,measure,") != std::string::npos);
}

TEST_CASE("run --importance-point measures a sweep point", "[cli][importance]") {
  const auto path = scratch_path("importance-point.h5");
  const auto run = run_stsim({"run", flagship, "--importance-point", "15", "--reps", "1",
                              "--progress", "none", "--threads", "2", "-o", path});
  INFO(run.err);
  REQUIRE(run.exit_code == cli::exit_ok);
  const output::ResultFile file(path);
  CHECK(file.attribute_string("/importance", "reference") == "layered, model.reliability=0.99");
}

TEST_CASE("run --importance refuses what it cannot go with", "[cli][importance]") {
  const auto shard = run_stsim({"run", flagship, "--importance", "--shard", "1/2", "--reps", "1",
                                "-o", scratch_path("refused.h5")});
  CHECK(shard.exit_code == cli::exit_invalid_input);
  CHECK(shard.err.find("--importance cannot be combined with --shard") != std::string::npos);
  const auto point = run_stsim({"run", flagship, "--importance-point", "18", "--reps", "1", "-o",
                                scratch_path("refused.h5")});
  CHECK(point.exit_code == cli::exit_invalid_input);
  CHECK(point.err.find("--importance-point 18: the sweep has 18 point(s), numbered 0 to 17") !=
        std::string::npos);
}

TEST_CASE("graph --format mef exports a static fault tree", "[cli][importance]") {
  const auto run = run_stsim(
      {"graph", "--format", "mef",
       std::string(STSIM_SOURCE_DIR) + "/tests/validation/scenarios/independent-layers.toml"});
  REQUIRE(run.exit_code == cli::exit_ok);
  CHECK(run.out.find("<opsa-mef>") != std::string::npos);
  CHECK(run.out.find("<define-basic-event name=\"filter\">") != std::string::npos);
  CHECK(run.out.find("<define-basic-event name=\"monitor\">") != std::string::npos);
  CHECK(run.out.find("<define-basic-event name=\"model\">") != std::string::npos);
  CHECK(run.out.find("<and>") != std::string::npos);
  const auto flagship_tree = run_stsim({"graph", "--format", "mef", flagship});
  CHECK(flagship_tree.exit_code == cli::exit_invalid_input);
  CHECK(flagship_tree.err.find("error: no static fault tree: ") != std::string::npos);
}
