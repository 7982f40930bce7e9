// The figure script on every shipped scenario's output (small runs of the real `stsim`):
// every expected figure exists as a valid PNG, within the page's size, and PDF with a
// caption, and a second run of the script (in one process instead of several) gives
// byte-identical files. tests/python/test_figures.py covers an awkward scenario.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs a command with its output in `log`; on failure the log is shown with the command.
int run(const std::string& command, const fs::path& log) {
  const int status = std::system((command + " > " + log.string() + " 2>&1").c_str());
  if (status != 0) UNSCOPED_INFO(command << "\n" << read_bytes(log));
  return status;
}

// A PNG's width and height in pixels, from its header.
std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& bytes) {
  auto big_endian = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  return {big_endian(16), big_endian(20)};
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

// The figure each claim is drawn with, which its scenario's output must produce, and
// the replications that make it appear (the evidence figure needs some deployments with
// and some without harm at one point, so red-line gets more).
struct Expected {
  std::uint32_t replications;
  std::vector<std::string> figures;
  std::string arguments = "";  // further options of `stsim run`
};
const std::map<std::string, Expected> required = {
    {"reliability-is-not-safety",
     // The importance of the layered system at reliability 0.99 (sweep point 15).
     {2,
      {"flagship", "mechanisms", "frontier", "harm_over_time", "time_to_first_harm", "importance"},
      " --importance-point 15"}},
    {"misuse", {2, {"frontier", "mechanisms"}}},
    {"common-cause", {2, {"coupling"}}},
    {"operators", {2, {"harm_by_parameter", "mechanisms", "harm_over_time"}}},
    {"latent-failures-and-drift", {2, {"harm_over_time", "mechanisms"}}},
    {"red-line", {20, {"time_to_first_harm", "evidence", "flagship"}}},
    {"marginal-risk", {2, {"paired_differences"}}},
    {"redundancy", {2, {"harm_by_parameter"}}},
    {"which-check-matters", {2, {"sobol"}}},
    {"what-to-test-first", {2, {"morris"}}},
    {"how-sure-are-we", {2, {"uncertainty"}}},
    {"ai-control", {2, {"control_frontier"}}},
    {"deployment-shift", {2, {"reliability_in_deployment", "harm_over_time"}}},
};

}  // namespace

TEST_CASE("figures: the output of every shipped scenario gives every figure reproducibly",
          "[figures][slow]") {
  const fs::path work =
      fs::temp_directory_path() / ("stsim-figures-test-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "results");
  const std::string source = STSIM_SOURCE_DIR;

  for (const auto& [name, expected] : required) {
    // Small versions: few replications of every point.
    const std::string command = std::string(STSIM_BINARY) + " run " + source + "/scenarios/" +
                                name + ".toml -o " + (work / "results" / (name + ".h5")).string() +
                                " --reps " + std::to_string(expected.replications) +
                                " --seed 9 --progress none" + expected.arguments;
    REQUIRE(run(command, work / "log.txt") == 0);
  }
  const std::string script = "/usr/bin/python3 " + source + "/analysis-scripts/make_figures.py " +
                             (work / "results").string() + " ";
  REQUIRE(run(script + (work / "first").string(), work / "log.txt") == 0);
  REQUIRE(run(script + (work / "second").string() + " --jobs 1", work / "log.txt") == 0);

  const auto first = snapshot(work / "first");
  const auto second = snapshot(work / "second");
  for (const auto& [name, expected] : required) {
    for (const auto& figure : expected.figures) {
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
      // At most 7.5 x 9 inches at 300 dpi (analysis-scripts/stsim_analysis/figures/layout.py).
      const auto [width, height] = png_size(bytes);
      CHECK(width <= 2250);
      CHECK(height <= 2700);
    } else if (path.extension() == ".pdf") {
      CHECK(bytes.rfind("%PDF-", 0) == 0);
      CHECK(bytes.find("%%EOF") != std::string::npos);
      CHECK(bytes.find("/FontFile2") != std::string::npos);  // TrueType fonts embedded
    } else {
      CHECK(path.extension() == ".txt");
      CHECK(bytes.find("Seed: 9.") != std::string::npos);
      const auto& expected = required.at(path.parent_path().string());
      CHECK(bytes.find("Replications: " + std::to_string(expected.replications) + " per point") !=
            std::string::npos);
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
