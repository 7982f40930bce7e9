// `stsim fingerprint FILE`: the trajectory fingerprint of every sweep point, one line
// each, to compare a build's behaviour with the stored values in
// tests/golden/fingerprints.tsv (scripts/update-fingerprints regenerates them).

#include "sim/runner/fingerprint.h"

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/scenario_input.h"

namespace stsim::cli {

namespace {

struct FingerprintArguments {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::uint32_t replications = runner::default_fingerprint_replications;
  std::vector<std::string> sets;
};

int fingerprint_command(const FingerprintArguments& args) {
  const auto loaded = load_scenario(args.file, args.sets);
  if (!loaded) return exit_invalid_input;
  runner::RunOptions options;
  options.seed = args.seed;
  runner::Plan plan;
  try {
    plan = runner::make_plan(*loaded, options);
  } catch (const runner::InvalidSweep& e) {
    for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", scenario::format(d));
    return exit_invalid_input;
  }
  const auto fingerprints = runner::point_fingerprints(plan, args.replications);
  for (std::size_t p = 0; p < fingerprints.size(); ++p)
    fmt::print("{}\t{}\t{:016x}\t{}\n", plan.replications.seed, p, fingerprints[p],
               plan.design.point_labels.at(p));
  return exit_ok;
}

}  // namespace

Command add_fingerprint(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "fingerprint", "Print the trajectory fingerprint of every sweep point (to compare builds)");
  cmd->footer(
      "Each line is: seed, point index, a 64-bit hash of the first replications' events (time, "
      "what, "
      "component) and final counters, and the point's label. The same scenario and seed give the "
      "same values with any compiler; tests/golden/fingerprints.tsv holds the stored ones.");
  auto args = std::make_shared<FingerprintArguments>();
  cmd->add_option("file", args->file, "Scenario TOML file, or a shipped scenario by name")
      ->required();
  cmd->add_option("--seed", args->seed, "Seed instead of scenario.seed");
  cmd->add_option("--replications", args->replications, "Replications folded into each point")
      ->check(CLI::Range(1u, 1000000u));
  cmd->add_option("--set", args->sets, "Override a parameter: path=value (repeatable)");
  return [args] { return fingerprint_command(*args); };
}

}  // namespace stsim::cli
