#pragma once
// Runs the built `stsim` (STSIM_BINARY) through the shell, capturing its exit code,
// standard output and standard error.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/support/sweep_scenario.h"

namespace stsim::cli::testing {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A scratch directory for one test program, removed at exit. The runs it starts keep
// their records of kept runs (sim/output/kept_runs.h) in it, not in the user's home.
class Scratch {
 public:
  Scratch()
      : dir_(std::filesystem::temp_directory_path() /
             ("stsim_cli_test_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    ::setenv("STSIM_STATE_DIR", (dir_ / "state").c_str(), 0);
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return dir_ / name; }

 private:
  std::filesystem::path dir_;
};

inline Scratch& scratch() {
  static Scratch instance;
  return instance;
}

// A file of the scratch directory, by name.
inline std::string scratch_path(const std::string& name) { return (scratch() / name).string(); }

// The end-to-end sweep scenario (tests/support/sweep_scenario.h) as a scratch file,
// written once per test program.
inline const std::string& sweep_scenario_file() {
  static const std::string path = [] {
    const auto p = scratch_path("sweep-scenario.toml");
    std::ofstream(p) << stsim::test::sweep_scenario;
    return p;
  }();
  return path;
}

// A scenario of tests/cli/fixtures.
inline std::string fixture(const std::string& name) {
  return std::string(STSIM_SOURCE_DIR) + "/tests/cli/fixtures/" + name;
}

// Single-quoted for the shell.
inline std::string quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Exit status of a shell command line (-1 if it did not exit normally).
inline int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// `environment`: "NAME=value" settings for this command only.
inline Run run_stsim(const std::vector<std::string>& arguments,
                     const std::vector<std::string>& environment = {}) {
  std::string command;
  if (!environment.empty()) {
    command = "env";
    for (const auto& setting : environment) command += ' ' + quote(setting);
    command += ' ';
  }
  command += quote(STSIM_BINARY);
  for (const std::string& argument : arguments) {
    command += ' ';
    command += quote(argument);
  }
  const auto out = scratch() / "stdout", err = scratch() / "stderr";
  Run run;
  command.append(" >")
      .append(quote(out.string()))
      .append(" 2>")
      .append(quote(err.string()))
      .append(" </dev/null");
  run.exit_code = shell(command);
  run.out = read_text(out);
  run.err = read_text(err);
  return run;
}

// Starts the built `stsim` in the background with its output to files (or /dev/null)
// and returns its PID; wait_for() gives its exit code (-1 when a signal killed it).
inline pid_t spawn_stsim(const std::vector<std::string>& arguments,
                         const std::string& out = "/dev/null",
                         const std::string& err = "/dev/null") {
  scratch();  // its environment
  const std::string binary = STSIM_BINARY;
  std::vector<std::string> args = arguments;
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
    ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
    ::dup2(::open("/dev/null", O_RDONLY), 0);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  return child;
}

inline int wait_for(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace stsim::cli::testing
