#pragma once
// Commands run by the validation tests (the built `stsim`, SCRAM), and the validation
// scenarios' paths.

#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

namespace stsim::validation {

struct Output {
  int status = -1;
  std::string text;  // stdout and stderr
};

// A shell command line, its output and exit status.
inline Output run_command(const std::string& command) {
  Output out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    out.text.append(buffer.data(), n);
  const int status = pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// The built `stsim` with these arguments.
inline Output run_stsim(const std::string& arguments) {
  return run_command(std::string(STSIM_BINARY) + " " + arguments);
}

inline std::string scenario_path(const char* name) {
  return std::string(STSIM_SOURCE_DIR) + "/tests/validation/scenarios/" + name;
}

}  // namespace stsim::validation
