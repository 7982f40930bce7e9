// `stsim inspect FILE`: what a result file holds, as a summary table on stdout.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/output/hdf5_file.h"
#include "sim/output/summary.h"

namespace stsim::cli {

namespace {

struct InspectOptions {
  std::string file;
  std::vector<std::string> metrics;
  bool all_metrics = false;
};

}  // namespace

Command add_inspect(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "Summarise an stsim HDF5 result file");
  cmd->footer(
      "Prints the run facts, then one table per point: the headline (model error rate and harm "
      "rate), or each metric asked for; then, where the file has them, the operator pools' "
      "queues and individual reviewers, the red team's best "
      "response, the harm rate under parameter uncertainty and its sensitivity indices. Labels "
      "are printed whole, last on each line. For a table to load elsewhere, see stsim export.");
  auto options = std::make_shared<InspectOptions>();
  cmd->add_option("file", options->file, "Result file (.h5)")->required();
  auto* metric =
      cmd->add_option("--metric", options->metrics, "Show this metric (repeatable), e.g. harm_rate")
          ->allow_extra_args(false);
  cmd->add_flag("--all-metrics", options->all_metrics, "Show every metric, one table each")
      ->excludes(metric);
  return [options] {
    try {
      const output::ResultFile results(options->file);
      std::vector<std::string> metrics = options->metrics;
      if (options->all_metrics) metrics = output::metric_names(results);
      std::string tables;
      for (const auto& m : metrics) tables += "\n" + output::metric_table(results, m);
      if (metrics.empty()) tables = output::headline_table(results);
      const std::string queues = output::queue_table(results);
      if (!queues.empty()) tables += "\n" + queues;
      const std::string reviewers = output::reviewer_table(results);
      if (!reviewers.empty()) tables += "\n" + reviewers;
      fmt::print("{}\n{}{}", output::describe(results), tables, output::study_tables(results));
      return exit_ok;
    } catch (const output::FileError& e) {
      fmt::print(stderr, "stsim inspect: error: {}\n", e.what());
      return exit_invalid_input;
    }
  };
}

}  // namespace stsim::cli
