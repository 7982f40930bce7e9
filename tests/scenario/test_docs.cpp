// docs/scenarios.md documents exactly the keys the loader accepts.

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/scenario/scenario.h"

using namespace stsim::scenario;

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// The rows of the table under "## Every key": key -> {type, default, meaning}.
std::map<std::string, KeyInfo> documented_keys() {
  std::ifstream in(STSIM_SOURCE_DIR "/docs/scenarios.md");
  REQUIRE(in);
  std::map<std::string, KeyInfo> rows;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Every key";
    if (!in_section || line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream stream(line.substr(1));
    std::string cell;
    while (std::getline(stream, cell, '|')) cells.push_back(trim(cell));
    REQUIRE(cells.size() == 5);  // key, type, unit, default, meaning
    const std::string key = cells[0].substr(1, cells[0].size() - 2);  // strip the backticks
    INFO(key);
    CHECK(rows.count(key) == 0);
    rows[key] = {key, cells[1], cells[3], cells[4]};
  }
  return rows;
}

}  // namespace

TEST_CASE("docs/scenarios.md lists every key the loader accepts, and no other", "[docs]") {
  const auto documented = documented_keys();
  CHECK(documented.size() > 60);
  for (const auto& key : known_keys()) {
    INFO("key in known_keys(): " << key.path);
    const auto found = documented.find(key.path);
    REQUIRE(found != documented.end());
    CHECK(found->second.type == key.type);
    CHECK(found->second.default_value == key.default_value);
    CHECK(found->second.meaning == key.meaning);
  }
  for (const auto& entry : documented) {
    const std::string& path = entry.first;  // not a structured binding: clang 14 cannot capture one
    INFO("key in docs/scenarios.md: " << path);
    CHECK(std::any_of(known_keys().begin(), known_keys().end(),
                      [&](const KeyInfo& key) { return key.path == path; }));
  }
}

TEST_CASE("the TOML examples in docs/scenarios.md use only valid syntax and known keys", "[docs]") {
  std::ifstream in(STSIM_SOURCE_DIR "/docs/scenarios.md");
  REQUIRE(in);
  std::vector<std::string> blocks;
  std::string line, block;
  bool in_block = false;
  while (std::getline(in, line)) {
    if (!in_block && line == "```toml") {
      in_block = true;
      block.clear();
    } else if (in_block && line == "```") {
      in_block = false;
      blocks.push_back(block);
    } else if (in_block) {
      block += line + "\n";
    }
  }
  CHECK(blocks.size() >= 8);
  for (const auto& text : blocks) {
    // Examples are fragments (edges may lead to components shown elsewhere): only faults
    // of the example itself count.
    for (const auto& d : load_string(text, "example.toml").diagnostics) {
      INFO(text);
      CHECK(d.message.rfind("TOML syntax", 0) == std::string::npos);
      CHECK(d.message.rfind("unknown key", 0) == std::string::npos);
      CHECK(d.message.find("must be") == std::string::npos);
      CHECK(d.message.find("expects") == std::string::npos);
    }
  }
}
