#pragma once
// The texts of the shipped scenarios (scenarios/*.toml), in file name order, for tests
// that start from them (the fuzz tests).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stsim::test {

inline std::vector<std::string> shipped_scenario_texts() {
  const std::filesystem::path dir = STSIM_SOURCE_DIR "/scenarios";
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // directory order is not stable
  std::vector<std::string> texts;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  return texts;
}

}  // namespace stsim::test
