// `stsim analytic FILE`: for a scenario in the analytic subset, the exact value of every
// metric that has one beside the simulated estimate, its 95% interval and whether the
// exact value falls inside. A scenario outside the subset is refused (exit 2) with the
// component and parameter that put it outside.

#include "sim/analytic/analytic.h"

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/analytic/importance.h"
#include "sim/cli/commands.h"
#include "sim/cli/option_checks.h"
#include "sim/cli/scenario_input.h"
#include "sim/runner/runner.h"

namespace stsim::cli {

namespace {

struct AnalyticArguments {
  std::string file;
  unsigned threads = 0;
  std::optional<std::uint32_t> reps;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> sets;
  bool importance = false;
};

// The exact importance measures of the scenario as written beside the simulated ones
// (stsim run --importance), by layer.
int importance_command(const AnalyticArguments& args, const scenario::Scenario& loaded,
                       const runner::RunOptions& options) {
  runner::Plan plan;
  std::vector<analytic::ExactImportance> exact;
  try {
    plan = runner::importance_plan(loaded, options);
    exact = analytic::exact_importance(plan.specs.front());
  } catch (const runner::InvalidSweep& e) {
    for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", scenario::format(d));
    return exit_invalid_input;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "{}: error: outside the analytic subset: {}\n", args.file, e.what());
    return exit_invalid_input;
  }
  const auto result = runner::run_plan(plan, options);
  const auto measured = runner::importance_measures(result);
  const auto& harm = measured.metrics.front();  // harm_rate
  fmt::print("{}: importance for harm_rate, {} replications per point, seed {}, step {}\n",
             plan.specs.front().name, measured.replications, result.seed, measured.step);
  fmt::print("{:<16} {:<15} {:>13} {:>13} {:>29} {:>7} {:>6}\n", "layer", "measure", "exact",
             "simulated", "95% interval", "z", "inside");
  std::size_t inside = 0, shown = 0;
  for (std::size_t j = 0; j < exact.size(); ++j) {
    for (std::size_t k = 0; k < model::importance_measure_count; ++k) {
      const auto measure = static_cast<model::ImportanceMeasure>(k);
      const double value = model::value_of(exact[j].measures, measure);
      const auto& e = harm.measures[k][j];
      if (!std::isfinite(value)) continue;  // an infinite RRW (a perfect layer removes all harm)
      const bool in = e.ci_low <= value && value <= e.ci_high;
      const double z = e.standard_error > 0.0 ? (e.value - value) / e.standard_error : 0.0;
      ++shown;
      inside += in ? 1 : 0;
      fmt::print("{:<16} {:<15} {:>13.6g} {:>13.6g}   [{:>11.6g}, {:>11.6g}] {:>7.2f} {:>6}\n",
                 exact[j].id, model::to_string(measure), value, e.value, e.ci_low, e.ci_high, z,
                 in ? "yes" : "NO");
    }
  }
  fmt::print("{} of {} exact measures inside the simulated 95% intervals\n", inside, shown);
  return exit_ok;
}

int analytic_command(const AnalyticArguments& args) {
  const auto loaded = load_scenario(args.file, args.sets);
  if (!loaded) return exit_invalid_input;

  runner::RunOptions options;
  options.threads = args.threads;
  options.seed = args.seed;
  options.replications = args.reps;
  options.command_line = "stsim analytic " + args.file;
  if (args.importance) return importance_command(args, *loaded, options);
  runner::Plan plan;
  try {
    plan = runner::make_plan(*loaded, options);
  } catch (const runner::InvalidSweep& e) {
    for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", scenario::format(d));
    return exit_invalid_input;
  }

  // Every point must be in the subset before anything is simulated.
  std::vector<analytic::Analysis> exact;
  for (std::size_t i = 0; i < plan.specs.size(); ++i) {
    const std::string where = plan.specs.size() > 1 ? fmt::format(" (sweep point {}: {})", i,
                                                                  plan.design.point_labels.at(i))
                                                    : std::string();
    try {
      exact.push_back(analytic::analyse(plan.specs[i]));
    } catch (const std::invalid_argument& e) {
      fmt::print(stderr, "{}: error: outside the analytic subset{}: {}\n", args.file, where,
                 e.what());
      return exit_invalid_input;
    }
  }

  const auto result = runner::run_plan(plan, options);
  for (std::size_t i = 0; i < result.points.size(); ++i) {
    const auto& point = result.points[i];
    fmt::print("{}{}: {} replications, seed {}\n", plan.specs[i].name,
               result.points.size() > 1 ? fmt::format(" [{}]", point.label) : std::string(),
               point.replications, result.seed);
    fmt::print("{:<32} {:>13} {:>13} {:>29} {:>7} {:>6}\n", "metric", "exact", "simulated",
               "95% interval", "z", "inside");
    std::size_t inside = 0, shown = 0;
    for (const auto& m : exact[i].metrics) {
      const auto id = runner::find_metric(m.name);
      if (!id) throw std::logic_error("analytic metric " + m.name + " is not a runner metric");
      const auto& s = point.metrics[static_cast<std::size_t>(*id)];
      if (s.n == 0) continue;
      const bool in = s.ci_low <= m.value && m.value <= s.ci_high;
      const double z = s.standard_error > 0.0 ? (s.mean - m.value) / s.standard_error : 0.0;
      ++shown;
      inside += in ? 1 : 0;
      fmt::print("{:<32} {:>13.6g} {:>13.6g}   [{:>11.6g}, {:>11.6g}] {:>7.2f} {:>6}{}\n", m.name,
                 m.value, s.mean, s.ci_low, s.ci_high, z, in ? "yes" : "NO",
                 m.steady_state ? "  (steady state)" : "");
    }
    for (const auto& g : exact[i].safeguards)
      fmt::print("safeguard '{}': PFD avg over the horizon {:.6g}\n", g.id, g.pfd_avg);
    for (const auto& p : exact[i].pools)
      fmt::print(
          "operators '{}': {:.6g} reviews/h on {} (M/M/c{}): P(wait) {:.6g}, mean wait {:.6g} h, "
          "utilisation {:.6g}, P(overflow) {:.6g}\n",
          p.id, p.arrival_rate, p.servers, p.p_overflow > 0.0 ? "/K" : "", p.p_wait, p.mean_wait,
          p.utilisation, p.p_overflow);
    fmt::print(
        "{} of {} exact values inside the simulated 95% intervals (steady-state values hold for a "
        "long run "
        "from an empty queue only approximately)\n\n",
        inside, shown);
  }
  return exit_ok;
}

}  // namespace

Command add_analytic(CLI::App& app) {
  auto args = std::make_shared<AnalyticArguments>();
  auto* sub = app.add_subcommand(
      "analytic", "Exact values beside simulated estimates, for scenarios in the analytic subset");
  sub->add_option("file", args->file, "scenario TOML file")->required();
  sub->add_option("--reps", args->reps, "replications per point (default: the scenario's)")
      ->check(whole_number_from_1("the number of replications per point"));
  sub->add_option("--threads", args->threads, "worker threads (0 = all cores)");
  sub->add_option("--seed", args->seed, "replaces scenario.seed");
  sub->add_option("--set", args->sets, "override a parameter: path=value (repeatable)");
  sub->add_flag("--importance", args->importance,
                "exact importance measures of each layer beside the simulated ones "
                "(the scenario as written, its sweep set aside)");
  return [args] { return analytic_command(*args); };
}

}  // namespace stsim::cli
