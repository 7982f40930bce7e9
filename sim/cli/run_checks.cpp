#include "sim/cli/run_checks.h"

#include <fmt/core.h>

#include <cstdlib>
#include <stdexcept>

#include "sim/cli/option_checks.h"
#include "sim/runner/slips.h"

namespace stsim::cli {

void add_plan_options(CLI::App& command, PlanArguments& args) {
  command.add_option("--set", args.sets, "Override a parameter: path=value (repeatable)")
      ->allow_extra_args(false);
  auto* reps = command.add_option("--reps", args.reps, "Replications per point (fixed count)")
                   ->check(whole_number_from_1("the number of replications per point"));
  auto* rel =
      command
          .add_option("--until-rel-error", args.until_rel_error,
                      "Replicate until this relative error of the precision metric (0.05: 5%)")
          ->check(number_above_0("a relative error (0.05 for 5%)"));
  reps->excludes(rel);
  // The same as --set scenario.rare_event=...: the method is part of the resolved
  // configuration, so a checkpoint or shard of another method is refused.
  command
      .add_option_function<std::string>(
          "--rare-event",
          [&args](const std::string& method) {
            args.sets.push_back("scenario.rare_event=\"" + method + "\"");
          },
          "Estimator: none (plain Monte Carlo), importance (importance sampling of per-task "
          "failures and of a finite queue's overflow) or auto (importance where it applies)")
      ->check(CLI::IsMember({"none", "importance", "auto"}));
  command
      .add_option(
          "--shard", args.shard,
          "Slice K/N of the sweep (job arrays); without K/N, from SLURM_ARRAY_TASK_ID/COUNT")
      ->expected(0, 1)
      ->default_str("");
  command
      .add_option("--memory-limit", args.memory_limit_gb,
                  "Refuse a run whose estimated memory exceeds this many GB (default 8)")
      ->check(number_above_0("a memory budget in GB"));
}

std::optional<runner::Shard> parse_shard(const std::string& text) {
  std::string spec = text;
  if (spec.empty()) {
    const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (!id || !count) {
      fmt::print(stderr,
                 "stsim: error: --shard without K/N takes the slice from SLURM_ARRAY_TASK_ID and "
                 "SLURM_ARRAY_TASK_COUNT, which are not set (not a Slurm array job?)\n");
      return std::nullopt;
    }
    // Array indices need not start at 1 nor be consecutive (--array=0-9, --array=1-19:2).
    const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
    const char* step = std::getenv("SLURM_ARRAY_TASK_STEP");
    try {
      const long first = min ? std::stol(min) : 0;
      const long stride = step ? std::stol(step) : 1;
      const long index = std::stol(id);
      if (stride <= 0 || index < first || (index - first) % stride != 0)
        throw std::invalid_argument("");
      spec = fmt::format("{}/{}", (index - first) / stride + 1, count);
    } catch (const std::exception&) {
      fmt::print(
          stderr,
          "stsim: error: cannot read the slice from SLURM_ARRAY_TASK_ID={} (min {}, step {})\n", id,
          min ? min : "unset", step ? step : "unset");
      return std::nullopt;
    }
  }
  unsigned long k = 0, n = 0;
  const auto slash = spec.find('/');
  bool ok = slash != std::string::npos && slash > 0 && slash + 1 < spec.size() &&
            spec.find_first_not_of("0123456789/") == std::string::npos &&
            spec.find('/', slash + 1) == std::string::npos;
  if (ok) {
    try {
      k = std::stoul(spec.substr(0, slash));
      n = std::stoul(spec.substr(slash + 1));
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!ok || n == 0 || n > 1000000) {
    fmt::print(stderr,
               "stsim: error: --shard '{}': expected K/N, slice K of N (1 <= K <= N), e.g. 2/8\n",
               spec);
    return std::nullopt;
  }
  if (k < 1 || k > n) {
    fmt::print(stderr, "stsim: error: --shard {}: K must be between 1 and {}\n", spec, n);
    return std::nullopt;
  }
  return runner::Shard{static_cast<std::uint32_t>(k - 1), static_cast<std::uint32_t>(n)};
}

std::optional<runner::RunOptions> plan_options(const PlanArguments& args) {
  runner::RunOptions options;
  options.replications = args.reps;
  options.until_relative_error = args.until_rel_error;
  options.memory_limit = static_cast<std::uint64_t>(args.memory_limit_gb * 1e9);
  if (args.shard) {
    const auto shard = parse_shard(*args.shard);
    if (!shard) return std::nullopt;
    options.shard = *shard;
  }
  return options;
}

std::optional<runner::Plan> checked_plan(const scenario::Scenario& scenario,
                                         const runner::RunOptions& options,
                                         std::vector<std::string>& errors) {
  const auto report = [&](const runner::InvalidSweep& e) {
    for (const auto& d : e.diagnostics()) errors.push_back(scenario::format(d));
  };
  runner::Plan plan;
  try {
    plan = runner::make_plan(scenario, options);
  } catch (const runner::InvalidSweep& e) {
    report(e);
    return std::nullopt;
  }
  if (options.shard.count > plan.design.size()) {
    errors.push_back(fmt::format(
        "stsim: error: --shard {}/{}: the sweep has only {} point(s), so at most {} slice(s)",
        options.shard.index + 1, options.shard.count, plan.design.size(), plan.design.size()));
    return std::nullopt;
  }
  try {
    runner::check_models(plan, runner::simulation_factory());
  } catch (const runner::InvalidSweep& e) {
    report(e);
    return std::nullopt;
  }
  for (const auto& d : runner::likely_slips(plan, options)) errors.push_back(scenario::format(d));
  return plan;
}

}  // namespace stsim::cli
