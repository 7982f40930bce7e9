// `stsim export FILE.h5`: the result file as a tidy table (CSV or JSON) on stdout or in
// a file, one row per (point, metric), for pandas, R or a spreadsheet.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/write_whole.h"
#include "sim/output/hdf5_file.h"
#include "sim/output/tidy_table.h"

namespace stsim::cli {

namespace {

struct ExportOptions {
  std::string file;
  std::string format = "csv";
  std::vector<std::string> metrics;
  bool arrays = false;
  std::vector<std::string> groups;
  std::string output;
};

}  // namespace

Command add_export(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Print a result file as a tidy table (CSV or JSON)");
  cmd->footer(
      "One row per point and metric, for every statistics group of the file (results, paired "
      "differences...): the point, its label, every swept parameter (durations in hours, rates "
      "per hour), group, metric, kind, unit, n, estimate, stderr, ci_low, ci_high, and for "
      "proportions and rates count, exposure and upper_bound. With --arrays, every other array "
      "(attribution counts, time series, first harms, runtime, rare-event diagnostics) in long "
      "form: the point's columns, group, dataset, a key column per further axis, value. See "
      "docs/output.md.");
  auto options = std::make_shared<ExportOptions>();
  cmd->add_option("file", options->file, "Result file (.h5)")->required();
  cmd->add_option("--format", options->format, "csv (default) or json")
      ->check(CLI::IsMember({"csv", "json"}));
  auto* metric =
      cmd->add_option("--metric", options->metrics, "Only this metric (repeatable), e.g. harm_rate")
          ->allow_extra_args(false);
  auto* arrays = cmd->add_flag("--arrays", options->arrays,
                               "Print the arrays instead: attribution, time series, first harms, "
                               "runtime, rare-event diagnostics, one row per element");
  cmd->add_option("--group", options->groups,
                  "With --arrays: only this root group (repeatable), e.g. attribution")
      ->allow_extra_args(false)
      ->needs(arrays);
  arrays->excludes(metric);
  cmd->add_option("-o,--output", options->output, "Write to this file instead of standard output");
  return [options] {
    std::string text;
    try {
      const output::ResultFile results(options->file);
      const auto table = options->arrays ? output::array_table(results, options->groups)
                                         : output::tidy_table(results, options->metrics);
      text = options->format == "json" ? output::to_json(table) : output::to_csv(table);
    } catch (const output::FileError& e) {
      fmt::print(stderr, "stsim export: error: {}\n", e.what());
      return exit_invalid_input;
    }
    if (options->output.empty()) {
      fmt::print("{}", text);
      return std::fflush(stdout) == 0 ? exit_ok : exit_failure;
    }
    return write_whole(options->output, text, "export") ? exit_ok : exit_failure;
  };
}

}  // namespace stsim::cli
