// `stsim run FILE`: loads and checks the scenario, runs its sweep over worker threads
// and writes the HDF5 results. Messages and progress go to stderr; the output path and
// a headline table to stdout.

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/scenario_input.h"
#include "sim/output/hdf5_file.h"
#include "sim/output/summary.h"
#include "sim/runner/runner.h"

namespace stsim::cli {

namespace {

struct RunArguments {
  std::string file;
  std::string output;
  unsigned threads = 0;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> sets;
  std::optional<std::uint32_t> reps;
  std::optional<double> until_rel_error;
  std::string progress = "auto";
};

// Set by SIGINT/SIGTERM; lock-free, so safe to store from a signal handler.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void request_stop(int) { stop_requested.store(true); }

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  // A second signal gets the default action: a user can always kill a stuck run.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// The command line as the process received it, for provenance.
std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string line;
  std::size_t start = 0;
  while (start < raw.size()) {
    auto end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    std::string arg = raw.substr(start, end - start);
    if (!line.empty()) line += ' ';
    const bool plain = !arg.empty() && arg.find_first_of(" \t\"'\\$`") == std::string::npos;
    line += plain ? arg : "'" + arg + "'";
    start = end + 1;
  }
  return line;
}

std::string duration(double seconds) {
  if (!(seconds >= 0.0) || seconds > 1e7) return "--:--";
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool bar) : bar_(bar) {}

  void operator()(const runner::Progress& p) {
    const double rate = p.elapsed_seconds > 0.0 ? static_cast<double>(p.replications_done) / p.elapsed_seconds : 0.0;
    const double left = static_cast<double>(p.replications_planned - std::min(p.replications_planned, p.replications_done));
    const std::string eta = rate > 0.0 ? duration(left / rate) : "--:--";
    const double fraction = p.replications_planned > 0
                                ? static_cast<double>(p.replications_done) / static_cast<double>(p.replications_planned)
                                : 0.0;
    if (bar_) {
      constexpr int width = 30;
      const int filled = static_cast<int>(fraction * width);
      fmt::print(stderr, "\r[{}{}] {}/{} points  {:.0f} reps/s  ETA {}   ", std::string(static_cast<std::size_t>(filled), '#'),
                 std::string(static_cast<std::size_t>(width - filled), '.'), p.points_done, p.points_total, rate, eta);
      std::fflush(stderr);
      drawn_ = true;
      return;
    }
    if (p.elapsed_seconds < next_line_ && p.points_done < p.points_total) return;
    next_line_ = p.elapsed_seconds + 5.0;
    fmt::print(stderr, "stsim: {}/{} points, {} replications ({:.1f}%), {:.0f} reps/s, elapsed {}, ETA {}\n",
               p.points_done, p.points_total, p.replications_done, 100.0 * fraction, rate,
               duration(p.elapsed_seconds), eta);
  }

  void finish() {
    if (drawn_) fmt::print(stderr, "\n");
  }

 private:
  bool bar_;
  bool drawn_ = false;
  double next_line_ = 5.0;
};

int run(const RunArguments& args) {
  // From the start: a signal while loading stops the run before its first replication.
  install_signal_handlers();
  const auto loaded = load_scenario(args.file, args.sets);
  if (!loaded) return exit_invalid_input;

  runner::RunOptions options;
  options.threads = args.threads;
  options.seed = args.seed;
  options.replications = args.reps;
  options.until_relative_error = args.until_rel_error;
  options.command_line = own_command_line();
  options.stop = &stop_requested;

  runner::Plan plan;
  try {
    plan = runner::make_plan(*loaded, options);
  } catch (const runner::InvalidSweep& e) {
    for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", scenario::format(d));
    return exit_invalid_input;
  }

  const std::string path = args.output.empty() ? "results/" + plan.specs.front().name + ".h5" : args.output;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      fmt::print(stderr, "stsim: error: cannot create directory {}: {}\n", parent.string(), ec.message());
      return exit_failure;
    }
  }

  const bool bar = args.progress == "bar" || (args.progress == "auto" && ::isatty(STDERR_FILENO));
  ProgressPrinter printer(bar);
  if (args.progress != "none") options.on_progress = [&printer](const runner::Progress& p) { printer(p); };
  options.progress_interval_seconds = bar ? 0.25 : 1.0;

  fmt::print(stderr, "stsim: running {} ({} point(s), {})\n", plan.specs.front().name, plan.design.size(),
             plan.replications.precision
                 ? fmt::format("until the relative error of {} is <= {}", runner::info(plan.replications.metric).name,
                               plan.replications.relative_error)
                 : fmt::format("{} replications each", plan.replications.max_replications));
  const auto result = runner::run_plan(plan, options);
  printer.finish();
  if (!result.complete || stop_requested.load()) {
    fmt::print(stderr, "stsim: interrupted; no results written\n");
    return exit_interrupted;
  }
  try {
    output::write_results(result, path);
  } catch (const output::FileError& e) {
    fmt::print(stderr, "stsim: error: {}\n", e.what());
    return exit_failure;
  }
  // A signal during the write: the run did not finish as asked, so its file must not stay.
  if (stop_requested.load()) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    fmt::print(stderr, "stsim: interrupted; no results written\n");
    return exit_interrupted;
  }
  fmt::print("{}\n", path);
  const output::ResultFile file(path);
  fmt::print("{}", output::headline_table(file));
  return exit_ok;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run a scenario (and its sweep) and write HDF5 results");
  auto args = std::make_shared<RunArguments>();
  cmd->add_option("file", args->file, "Scenario TOML file")->required();
  cmd->add_option("-o,--output", args->output, "Result file (default: results/<scenario name>.h5)");
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")->check(CLI::PositiveNumber);
  cmd->add_option("--seed", args->seed, "Seed (replaces scenario.seed)");
  cmd->add_option("--set", args->sets, "Override a parameter: path=value (repeatable)")
      ->allow_extra_args(false);
  auto* reps = cmd->add_option("--reps", args->reps, "Replications per point (fixed count)")
                   ->check(CLI::PositiveNumber);
  auto* rel = cmd->add_option("--until-rel-error", args->until_rel_error,
                              "Replicate until this relative error of the precision metric")
                  ->check(CLI::PositiveNumber);
  reps->excludes(rel);
  cmd->add_option("--progress", args->progress, "Progress display: auto, bar, log or none")
      ->check(CLI::IsMember({"auto", "bar", "log", "none"}));
  return [args] { return run(*args); };
}

}  // namespace stsim::cli
