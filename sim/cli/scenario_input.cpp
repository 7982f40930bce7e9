#include "sim/cli/scenario_input.h"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sim/cli/verbosity.h"
#include "sim/structure/check.h"
#include "sim/version.h"

namespace stsim::cli {

std::string why_unreadable(const std::string& path) {
  // Before opening it: opening a FIFO waits for a writer forever.
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (std::filesystem::is_directory(status)) return "it is a directory";
  if (std::filesystem::is_fifo(status)) return "it is a FIFO, not a regular file";
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    return "not a regular file";
  errno = 0;
  if (!std::ifstream(path)) return errno != 0 ? std::strerror(errno) : "cannot open it";
  return "";
}

std::string scenario_path(const std::string& file) {
  std::error_code ec;
  if (file.empty() || file.find('/') != std::string::npos || std::filesystem::exists(file, ec)) {
    return file;
  }
  // Relative to the program, so that an installed tree can be moved as a whole.
  const auto program = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return file;
  const auto shipped = (program.parent_path() / stsim::scenarios_from_program).lexically_normal();
  for (const auto& name : {file, file + ".toml"}) {
    if (std::filesystem::is_regular_file(shipped / name, ec)) {
      note("stsim: {} is the installed scenario {}\n", file, (shipped / name).string());
      return (shipped / name).string();
    }
  }
  return file;
}

std::optional<scenario::Scenario> load_scenario(const std::string& given,
                                                const std::vector<std::string>& sets,
                                                std::vector<std::string>& messages,
                                                SweepUse sweep) {
  const std::string file = scenario_path(given);
  std::vector<scenario::Assignment> overrides;
  bool bad = false;
  for (const auto& text : sets) {
    std::string error;
    if (auto assignment = scenario::parse_assignment(text, error)) {
      overrides.push_back(std::move(*assignment));
    } else {
      messages.push_back(fmt::format("<command line>:1:1: error: --set '{}': {}",
                                     scenario::printable(text), scenario::printable(error)));
      bad = true;
    }
  }
  if (bad) return std::nullopt;
  if (const std::string why = why_unreadable(file); !why.empty()) {
    messages.push_back(
        fmt::format("{}: error: cannot read the file: {}", scenario::printable(file), why));
    return std::nullopt;
  }
  auto loaded = structure::load_checked(file, overrides);
  for (const auto& d : loaded.diagnostics) {
    // The loader's one warning at the command line: a --set the sweep overrides at every
    // point. A command that ignores the sweep uses the value as set.
    const bool swept_override =
        d.severity == scenario::Diagnostic::Severity::warning && d.where.file == "<command line>";
    if (swept_override && sweep == SweepUse::ignored) continue;
    messages.push_back(scenario::format(d));
  }
  return std::move(loaded.scenario);
}

std::optional<scenario::Scenario> load_scenario(const std::string& file,
                                                const std::vector<std::string>& sets,
                                                SweepUse sweep) {
  std::vector<std::string> messages;
  auto scenario = load_scenario(file, sets, messages, sweep);
  for (const auto& m : messages) fmt::print(stderr, "{}\n", m);
  return scenario;
}

}  // namespace stsim::cli
