// The figure script on every shipped scenario's output (small runs of the real `stsim`):
// every expected figure exists as a valid PNG and PDF with a caption, and a second run
// of the script gives byte-identical files.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int run(const std::string& command) {
  INFO(command);
  return std::system(command.c_str());
}

// Every regular file under root, relative to it, with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), root).string()] = read_bytes(entry.path());
    }
  }
  return files;
}

// The figure each claim is drawn with, which its scenario's output must produce.
const std::map<std::string, std::vector<std::string>> required = {
    {"reliability-is-not-safety", {"flagship", "mechanisms", "frontier", "harm_over_time", "time_to_first_harm"}},
    {"misuse", {"frontier", "mechanisms"}},
    {"common-cause", {"coupling"}},
    {"operators", {"harm_by_parameter", "mechanisms", "harm_over_time"}},
    {"latent-failures-and-drift", {"harm_over_time", "mechanisms"}},
    {"red-line", {"time_to_first_harm", "evidence", "flagship"}},
    {"marginal-risk", {"paired_differences"}},
};

}  // namespace

TEST_CASE("figures: every shipped scenario's output gives every figure, reproducibly", "[figures]") {
  const fs::path work = fs::temp_directory_path() / ("stsim-figures-test-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "results");
  const std::string source = STSIM_SOURCE_DIR;

  for (const auto& [name, figures] : required) {
    // Small versions: two replications of every point.
    const std::string command = std::string(STSIM_BINARY) + " run " + source + "/scenarios/" + name +
                                ".toml -o " + (work / "results" / (name + ".h5")).string() +
                                " --reps 2 --seed 9 --progress none";
    REQUIRE(run(command + " > /dev/null") == 0);
  }
  const std::string script = "/usr/bin/python3 " + source + "/analysis-scripts/make_figures.py " +
                             (work / "results").string() + " ";
  REQUIRE(run(script + (work / "first").string() + " > /dev/null") == 0);
  REQUIRE(run(script + (work / "second").string() + " > /dev/null") == 0);

  const auto first = snapshot(work / "first");
  const auto second = snapshot(work / "second");
  for (const auto& [name, figures] : required) {
    for (const auto& figure : figures) {
      for (const char* extension : {".png", ".pdf", ".txt"}) {
        const std::string file = name + "/" + figure + extension;
        INFO(file);
        CHECK(first.count(file) == 1);
      }
    }
  }
  std::set<std::string> captions;
  for (const auto& [file, bytes] : first) {
    INFO(file);
    const fs::path path(file);
    if (path.extension() == ".png") {
      CHECK(bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0);
    } else if (path.extension() == ".pdf") {
      CHECK(bytes.rfind("%PDF-", 0) == 0);
      CHECK(bytes.find("%%EOF") != std::string::npos);
      CHECK(bytes.find("/FontFile2") != std::string::npos);  // TrueType fonts embedded
    } else {
      CHECK(path.extension() == ".txt");
      CHECK(bytes.find("Seed: 9.") != std::string::npos);
      CHECK(bytes.find("Replications: 2 per point") != std::string::npos);
      CHECK(bytes.find("stsim ") != std::string::npos);
      captions.insert((path.parent_path() / path.stem()).string());
    }
    const auto again = second.find(file);
    REQUIRE(again != second.end());
    CHECK(again->second == bytes);
  }
  CHECK(first.size() == second.size());
  CHECK(first.size() == 3 * captions.size());
  fs::remove_all(work);
}
