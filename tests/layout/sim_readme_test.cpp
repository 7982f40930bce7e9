// sim/README.md maps the source: every file under sim/ has its line, and every line names
// files that exist, so the map cannot drift from the code.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

const std::filesystem::path sim_dir = std::filesystem::path(STSIM_SOURCE_DIR) / "sim";

// The files the map's table lists, relative to sim/: the backticked names of each row's
// first cell, where "`.cpp`" after "`model/spec.h`" stands for "model/spec.cpp".
std::set<std::string> mapped_files() {
  std::ifstream in(sim_dir / "README.md");
  REQUIRE(in.good());
  std::set<std::string> files;
  std::string line;
  bool in_map = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_map = line == "## Map of the source";
    if (!in_map || line.rfind("| `", 0) != 0) continue;
    const std::string cell = line.substr(1, line.find('|', 1) - 1);
    std::string previous;
    for (std::size_t open = cell.find('`'); open != std::string::npos;
         open = cell.find('`', cell.find('`', open + 1) + 1)) {
      const std::size_t close = cell.find('`', open + 1);
      REQUIRE(close != std::string::npos);
      std::string name = cell.substr(open + 1, close - open - 1);
      if (name.front() == '.') {
        INFO(line);
        REQUIRE_FALSE(previous.empty());
        name = previous.substr(0, previous.rfind('.')) + name;
      }
      files.insert(name);
      previous = name;
    }
  }
  return files;
}

}  // namespace

TEST_CASE("sim/README.md maps every file under sim/, and only files that exist", "[layout]") {
  const auto mapped = mapped_files();
  CHECK(mapped.size() > 100);
  std::set<std::string> present;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(sim_dir))
    if (entry.is_regular_file())
      present.insert(std::filesystem::relative(entry.path(), sim_dir).generic_string());
  for (const auto& file : present) {
    INFO("sim/" << file << " has no line in the map of sim/README.md");
    CHECK(mapped.count(file) == 1);
  }
  for (const auto& file : mapped) {
    INFO("sim/README.md maps sim/" << file << ", which does not exist");
    CHECK(present.count(file) == 1);
  }
}
