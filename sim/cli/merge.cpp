// `stsim merge SHARD... -o OUT`: joins the slices of a sharded run (`stsim run --shard
// K/N`) into the file the unsharded run writes. The scenario is rebuilt from the text
// the shards carry, and every shard must match it and each other.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/verbosity.h"
#include "sim/output/checkpoint.h"
#include "sim/output/hdf5_file.h"
#include "sim/output/summary.h"
#include "sim/runner/runner.h"
#include "sim/scenario/scenario.h"

namespace stsim::cli {

namespace {

struct MergeArguments {
  std::vector<std::string> shards;
  std::string output;
};

// The plan of the run the shard belongs to, from the scenario text and options it records.
std::optional<runner::Plan> plan_of(const output::ResultFile& file, const std::string& path,
                                    const runner::RunState& state) {
  const auto text = file.strings("/scenario/text");
  const auto scenario_file = file.attribute_string("/", "scenario_file");
  std::vector<scenario::Assignment> overrides;
  for (const auto& assignment : file.strings("/scenario/overrides")) {
    std::string error;
    auto parsed = scenario::parse_assignment(assignment, error);
    if (!parsed) {
      fmt::print(stderr, "stsim merge: error: {}: its --set '{}' no longer parses: {}\n", path,
                 assignment, error);
      return std::nullopt;
    }
    overrides.push_back(std::move(*parsed));
  }
  const auto loaded =
      scenario::load_string(text.empty() ? "" : text.front(), scenario_file, overrides);
  // The fault is in the text the shard recorded, not in the file on disk by that name,
  // which may well be fine: the places name the shard's copy.
  const auto recorded = [&](scenario::Diagnostic d) {
    if (d.where.file == scenario_file) d.where.file = path + ":/scenario/text";
    return scenario::format(d);
  };
  if (!loaded.ok()) {
    fmt::print(stderr,
               "stsim merge: error: {}: the scenario text it records (from {}) no longer loads:\n",
               path, scenario_file);
    for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", recorded(d));
    return std::nullopt;
  }
  runner::RunOptions options;
  options.seed = state.seed;
  options.replications = state.replications;
  options.until_relative_error = state.until_relative_error;
  try {
    return runner::make_plan(*loaded.scenario, options);
  } catch (const runner::InvalidSweep& e) {
    fmt::print(stderr, "stsim merge: error: {}: the sweep it records no longer plans:\n", path);
    for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", recorded(d));
    return std::nullopt;
  }
}

int merge(const MergeArguments& args) {
  std::vector<runner::NamedState> shards;
  std::vector<std::unique_ptr<output::ResultFile>> files;
  try {
    for (const auto& path : args.shards) {
      files.push_back(std::make_unique<output::ResultFile>(path));
      shards.push_back({path, output::read_shard_state(*files.back(), path)});
      if (verbose()) {
        const auto& state = shards.back().state;
        note("stsim merge: {}: slice {} of {}, {} replication(s)\n", path, state.shard.index + 1,
             state.shard.count, runner::replications_in(state));
      }
    }
  } catch (const output::FileError& e) {
    fmt::print(stderr, "stsim merge: error: {}\n", e.what());
    return exit_invalid_input;
  }
  const auto plan = plan_of(*files.front(), args.shards.front(), shards.front().state);
  if (!plan) return exit_invalid_input;

  runner::RunResult result;
  try {
    result = runner::merge_shards(*plan, shards);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "stsim merge: error: {}\n", e.what());
    return exit_invalid_input;
  }
  // The worst-case search is sequential: slices skip it, and the merge runs it, with the
  // seed and replications an unsliced run has, so the file is the same.
  if (!plan->base.sweep.worst_case.parameter.empty()) {
    runner::RunOptions options;
    options.seed = shards.front().state.seed;
    options.replications = shards.front().state.replications;
    options.until_relative_error = shards.front().state.until_relative_error;
    result.worst_case = runner::worst_case_search(*plan, options);
  }
  // Provenance: the run spans the shards' times; its work is their work summed.
  result.command_line = own_command_line();
  result.started = files.front()->attribute_string("/", "started");
  result.finished = files.front()->attribute_string("/", "finished");
  result.processes = 0;
  for (const auto& file : files) {
    result.started = std::min(result.started, file->attribute_string("/", "started"));
    result.finished = std::max(result.finished, file->attribute_string("/", "finished"));
    result.threads = std::max<std::uint32_t>(
        result.threads, static_cast<std::uint32_t>(file->attribute_integer("/", "threads")));
    result.processes += static_cast<std::uint32_t>(file->attribute_integer("/", "processes"));
    result.total_wall_seconds += file->attribute_double("/runtime", "total_wall_seconds");
  }
  files.clear();  // closed before writing: the output may replace one of them

  const auto parent = std::filesystem::path(args.output).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  try {
    output::write_results(result, args.output);
  } catch (const output::FileError& e) {
    fmt::print(stderr, "stsim merge: error: {}\n", e.what());
    return exit_failure;
  }
  report("{}\n", args.output);
  if (!quiet()) {
    const output::ResultFile merged(args.output);
    report("{}{}", output::headline_table(merged), output::study_tables(merged));
  }
  return exit_ok;
}

}  // namespace

Command add_merge(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "merge", "Merge the shard files of a sharded run (run --shard K/N) into one");
  auto args = std::make_shared<MergeArguments>();
  cmd->add_option("shards", args->shards, "Every shard file of the run, in any order")->required();
  cmd->add_option("-o,--output", args->output, "The merged result file")->required();
  return [args] { return merge(*args); };
}

}  // namespace stsim::cli
