// `stsim validate FILE...`: every fault of every file, as a compiler reports them, and a
// one-line summary of each valid file's control structure.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/plan_summary.h"
#include "sim/cli/run_checks.h"
#include "sim/cli/scenario_input.h"
#include "sim/cli/verbosity.h"
#include "sim/structure/check.h"
#include "sim/structure/graph.h"

namespace stsim::cli {

namespace {

// "9 components, 4 paths, smallest cut set 1 (model -> filter -> world)": the path is
// one on which that many layers stand between the model and an acted outcome. Counted,
// not enumerated, so that it costs little however many paths there are.
std::string summary(const model::ScenarioSpec& spec) {
  const structure::StructureSummary structure = structure::summarise(spec);
  const bool saturated = structure.paths == std::numeric_limits<std::uint64_t>::max();
  std::string text = fmt::format(
      "{} component{}, {}{} path{}", spec.components.size(), spec.components.size() == 1 ? "" : "s",
      saturated ? "at least " : "", structure.paths, structure.paths == 1 ? "" : "s");
  if (structure.ai_components == 0) return text + ", no ai component";
  if (!structure.smallest) return text + ", no hazard from an ai reaches an acted outcome";
  return text + fmt::format(", smallest cut set {} ({})", structure.smallest->layers.size(),
                            structure::describe(spec, structure.smallest->witness));
}

}  // namespace

Command add_validate(CLI::App& app) {
  CLI::App* command = app.add_subcommand("validate", "Check scenario files without running them");
  command->footer(
      "Every fault goes to standard error as file:line:col: error: ...; each valid file gets one "
      "line on standard "
      "output: components, paths from sources to outcomes, and the smallest cut set (the fewest "
      "protective layers "
      "whose joint failure lets a model error reach an acted outcome, with a path where that "
      "happens). Exit 0 if "
      "every file is valid (warnings do not fail), 2 if not. Under each valid file, its plan: "
      "points, replications, tasks expected per replication, horizon, and an estimate of the "
      "CPU time from a short calibration run (--verbose: every point; --quiet: nothing on "
      "success). Every check `run` makes before its "
      "first replication is made here too, with the same message: give validate the same "
      "--set, --reps, --until-rel-error, --shard and --memory-limit. See docs/structure.md.");
  auto files = std::make_shared<std::vector<std::string>>();
  auto plan = std::make_shared<PlanArguments>();
  command->add_option("files", *files, "Scenario TOML files, or shipped scenarios by name")
      ->required();
  add_plan_options(*command, *plan);
  return [files, plan] {
    const auto options = plan_options(*plan);
    if (!options) return exit_invalid_input;
    bool all_valid = true;
    for (const std::string& file : *files) {
      // The messages of `run`, for the same reasons, before its first replication.
      std::vector<std::string> messages;
      const auto loaded = load_scenario(file, plan->sets, messages);
      std::optional<runner::Plan> checked;
      if (loaded) checked = checked_plan(*loaded, *options, messages);
      for (const std::string& message : messages) fmt::print(stderr, "{}\n", message);
      if (!checked) {
        all_valid = false;
        continue;
      }
      report("{}: ok: {}\n", file, summary(loaded->spec));
      if (!quiet()) {
        const auto estimate = runner::estimate_run(*checked);
        report("{}",
               plan_summary(*checked, estimate, std::thread::hardware_concurrency(), verbose()));
      }
    }
    std::fflush(stdout);
    return all_valid ? exit_ok : exit_invalid_input;
  };
}

}  // namespace stsim::cli
