#pragma once
// Every check `stsim run` makes before its first replication, in one place, so that
// `stsim validate` makes the same ones with the same messages: a file validate accepts
// never fails in run for a reason validate could have seen (the submission script and
// every array task of a cluster job rely on it).

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/runner/runner.h"
#include "sim/scenario/scenario.h"

namespace stsim::cli {

// The options of `run` that shape the plan, also taken by `validate`.
struct PlanArguments {
  std::vector<std::string> sets;
  std::optional<std::uint32_t> reps;
  std::optional<double> until_rel_error;
  std::optional<std::string> shard;  // "K/N", or "" for the Slurm array's task
  double memory_limit_gb = static_cast<double>(runner::default_memory_limit) / 1e9;
};
void add_plan_options(CLI::App& command, PlanArguments& args);

// Slice K/N of the sweep from --shard, or from the Slurm array job's variables when
// --shard has no value. Prints the problem and returns nothing when it is invalid.
std::optional<runner::Shard> parse_shard(const std::string& text);

// Options from the arguments; nothing (the problem printed) when --shard is invalid.
std::optional<runner::RunOptions> plan_options(const PlanArguments& args);

// The plan with every check before the first replication: the sweep's points, the
// replication rule and precision metric, the memory estimate against the budget, the
// slice count against the points, and the model built for every point. Every fault
// goes to `errors` as a diagnostic line; nothing is returned when there is one. The
// warnings of likely unit slips (runner/slips.h) go there too, after a valid plan.
std::optional<runner::Plan> checked_plan(const scenario::Scenario& scenario,
                                         const runner::RunOptions& options,
                                         std::vector<std::string>& errors);

}  // namespace stsim::cli
