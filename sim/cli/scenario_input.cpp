#include "sim/cli/scenario_input.h"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sim/structure/check.h"

namespace stsim::cli {

std::string why_unreadable(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return "it is a directory";
  errno = 0;
  if (!std::ifstream(path)) return errno != 0 ? std::strerror(errno) : "cannot open it";
  return "";
}

std::optional<scenario::Scenario> load_scenario(const std::string& file,
                                                const std::vector<std::string>& sets) {
  std::vector<scenario::Assignment> overrides;
  bool bad = false;
  for (const auto& text : sets) {
    std::string error;
    if (auto assignment = scenario::parse_assignment(text, error)) {
      overrides.push_back(std::move(*assignment));
    } else {
      fmt::print(stderr, "<command line>:1:1: error: --set '{}': {}\n", text, error);
      bad = true;
    }
  }
  if (bad) return std::nullopt;
  if (const std::string why = why_unreadable(file); !why.empty()) {
    fmt::print(stderr, "{}: error: cannot read the file: {}\n", file, why);
    return std::nullopt;
  }
  auto loaded = structure::load_checked(file, overrides);
  for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", scenario::format(d));
  return std::move(loaded.scenario);
}

}  // namespace stsim::cli
