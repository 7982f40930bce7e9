// The stored trajectory fingerprints (tests/golden/fingerprints.tsv) against this build:
// any change in what the model does to any task of any shipped scenario shows here.

#include "sim/runner/fingerprint.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/structure/check.h"

namespace {

struct Golden {
  std::string file;
  std::uint64_t seed = 0;
  std::uint32_t point = 0;
  std::string fingerprint;
  std::string label;
};

const std::string source_dir = STSIM_SOURCE_DIR;

std::vector<Golden> read_golden() {
  std::ifstream in(source_dir + "/tests/golden/fingerprints.tsv");
  REQUIRE(in.good());
  std::vector<Golden> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream fields(line);
    Golden g;
    std::string seed, point;
    std::getline(fields, g.file, '\t');
    std::getline(fields, seed, '\t');
    std::getline(fields, point, '\t');
    std::getline(fields, g.fingerprint, '\t');
    std::getline(fields, g.label);
    g.seed = std::stoull(seed);
    g.point = static_cast<std::uint32_t>(std::stoul(point));
    rows.push_back(g);
  }
  return rows;
}

}  // namespace

TEST_CASE("every shipped scenario's trajectory matches its golden fingerprints", "[golden]") {
  const auto rows = read_golden();
  std::map<std::pair<std::string, std::uint64_t>, std::vector<Golden>> runs;
  for (const auto& row : rows) runs[{row.file, row.seed}].push_back(row);

  std::size_t mismatches = 0;
  for (const auto& [key, expected] : runs) {
    const auto& [file, seed] = key;
    auto loaded = stsim::structure::load_checked(source_dir + "/" + file);
    INFO(file);
    REQUIRE(loaded.ok());
    stsim::runner::RunOptions options;
    options.seed = seed;
    const auto plan = stsim::runner::make_plan(*loaded.scenario, options);
    const auto actual = stsim::runner::point_fingerprints(plan);
    REQUIRE(actual.size() == expected.size());
    for (const auto& g : expected) {
      const std::string got = fmt::format("{:016x}", actual.at(g.point));
      if (got != g.fingerprint) {
        ++mismatches;
        UNSCOPED_INFO(fmt::format("{} seed {} point {} ({}): stored {}, this build {}", file, seed,
                                  g.point, g.label, g.fingerprint, got));
      }
    }
  }
  INFO(
      "a change meant to alter behaviour regenerates the file with scripts/update-fingerprints "
      "and says why in its commit");
  CHECK(mismatches == 0);
}

TEST_CASE("the golden file covers every shipped scenario at two seeds", "[golden]") {
  const auto rows = read_golden();
  std::map<std::string, std::set<std::uint64_t>> seeds;
  for (const auto& row : rows) seeds[row.file].insert(row.seed);
  std::vector<std::string> expected = {"benchmarks/reference.toml"};
  for (const char* folder : {"scenarios", "tests/validation/scenarios"})
    for (const auto& entry : std::filesystem::directory_iterator(source_dir + "/" + folder))
      if (entry.path().extension() == ".toml")
        expected.push_back(std::string(folder) + "/" + entry.path().filename().string());
  for (const auto& file : expected) {
    INFO(file << " is missing from tests/golden/fingerprints.tsv: run scripts/update-fingerprints");
    CHECK(seeds[file].size() == 2);
  }
  CHECK(seeds.size() == expected.size());
}

TEST_CASE("a fingerprint changes with any change of trajectory", "[golden]") {
  auto loaded = stsim::structure::load_checked(source_dir + "/scenarios/misuse.toml");
  REQUIRE(loaded.ok());
  stsim::runner::RunOptions options;
  const auto plan = stsim::runner::make_plan(*loaded.scenario, options);
  const auto base = stsim::runner::point_fingerprints(plan);
  // Another seed, and one more replication, each give other values at every point.
  options.seed = plan.replications.seed + 1;
  const auto reseeded =
      stsim::runner::point_fingerprints(stsim::runner::make_plan(*loaded.scenario, options));
  const auto longer =
      stsim::runner::point_fingerprints(plan, stsim::runner::default_fingerprint_replications + 1);
  for (std::size_t p = 0; p < base.size(); ++p) {
    CHECK(base[p] != reseeded[p]);
    CHECK(base[p] != longer[p]);
  }
}
