// `stsim fingerprint`: the lines it prints are the stored golden values for the build.

#include <catch2/catch.hpp>
#include <string>

#include "run_stsim.h"

using namespace stsim::cli::testing;

TEST_CASE("fingerprint prints the golden line of every point", "[cli]") {
  const std::string file = "scenarios/misuse.toml";
  const auto printed =
      run_stsim({"fingerprint", std::string(STSIM_SOURCE_DIR) + "/" + file, "--seed", "1"});
  REQUIRE(printed.exit_code == 0);
  const std::string golden =
      read_text(std::string(STSIM_SOURCE_DIR) + "/tests/golden/fingerprints.tsv");
  const auto lines = lines_of(printed.out);
  REQUIRE(lines.size() >= 2);
  for (const auto& line : lines) {
    INFO(line);
    CHECK(line.rfind("1\t", 0) == 0);
    CHECK(golden.find(file + "\t" + line + "\n") != std::string::npos);
  }
}

TEST_CASE("fingerprint refuses a faulty scenario with exit 2", "[cli]") {
  const auto path = scratch() / "faulty.toml";
  {
    std::ofstream out(path);
    out << "[scenario]\nhorizon = \"1d\"\n[model]\nkind = \"ai\"\nreliability = 2\n";
  }
  const auto run = run_stsim({"fingerprint", path.string()});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("faulty.toml:5:15: error:") != std::string::npos);
  CHECK(run.out.empty());
}
