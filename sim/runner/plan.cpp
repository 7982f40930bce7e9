// From a loaded scenario to a runnable plan: the sweep's points, each validated like a
// file, and the replication plan. Every fault is collected before reporting.

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <tuple>
#include <utility>

#include "sim/runner/runner.h"
#include "sim/scenario/parameters.h"
#include "sim/structure/check.h"

namespace stsim::runner {

namespace {

scenario::Diagnostic error_at(const scenario::Scenario& s, const model::SourceLocation& where,
                              std::string message) {
  scenario::Diagnostic d;
  d.severity = scenario::Diagnostic::Severity::error;
  d.where = where;
  if (d.where.file.empty()) d.where = {s.file, 1, 1};
  d.message = std::move(message);
  return d;
}

std::string gigabytes(std::uint64_t bytes) {
  return fmt::format("{:.3g} GB", static_cast<double>(bytes) / 1e9);
}

// The model's messages start with "file:line:col: " where it knows the place: that
// place, and the rest of the message.
std::optional<std::pair<model::SourceLocation, std::string>> located_message(
    const std::string& text) {
  const auto digits = [&](std::size_t from) {
    std::size_t end = from;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    return end;
  };
  for (std::size_t colon = text.find(':'); colon != std::string::npos;
       colon = text.find(':', colon + 1)) {
    const std::size_t line_end = digits(colon + 1);
    if (line_end == colon + 1 || line_end >= text.size() || text[line_end] != ':') continue;
    const std::size_t column_end = digits(line_end + 1);
    if (column_end == line_end + 1 || text.compare(column_end, 2, ": ") != 0) continue;
    model::SourceLocation where{
        text.substr(0, colon),
        static_cast<std::uint32_t>(std::stoul(text.substr(colon + 1, line_end - colon - 1))),
        static_cast<std::uint32_t>(
            std::stoul(text.substr(line_end + 1, column_end - line_end - 1)))};
    return std::pair{where, text.substr(column_end + 2)};
  }
  return std::nullopt;
}

// [sweep.worst_case]: a known metric, and a number parameter that takes both ends.
void check_worst_case(const scenario::Scenario& scenario,
                      std::vector<scenario::Diagnostic>& errors) {
  const auto& wc = scenario.sweep.worst_case;
  if (wc.parameter.empty()) return;
  if (!find_metric(wc.metric)) {
    errors.push_back(error_at(scenario, wc.where,
                              fmt::format("unknown worst-case metric '{}'; expected a metric of "
                                          "docs/output.md such as safety",
                                          wc.metric)));
  }
  const auto current = scenario::get_parameter(scenario.spec, wc.parameter);
  if (!current || !std::holds_alternative<double>(*current)) {
    errors.push_back(error_at(scenario, wc.where,
                              fmt::format("'sweep.worst_case.parameter' is '{}', not a number "
                                          "parameter of the scenario; expected a path such as "
                                          "\"<ai>.attack.probability\"",
                                          wc.parameter)));
    return;
  }
  for (const double end : {wc.low, wc.high}) {
    const auto loaded = scenario::with_assignments(scenario, {{wc.parameter, end}});
    for (auto d : loaded.diagnostics) {
      if (d.severity != scenario::Diagnostic::Severity::error) continue;
      d.message = "sweep.worst_case: " + d.message;
      errors.push_back(std::move(d));
    }
  }
}

model::SourceLocation sweep_location(const scenario::Scenario& s) {
  for (const auto& d : s.sweep.dimensions) {
    if (!d.where.file.empty()) return d.where;
  }
  return {s.file, 1, 1};
}

// The unit of a parameter's numbers, from the documented key table: durations are in
// hours and rates per hour, whatever unit the file wrote them in.
std::string unit_of(const model::ScenarioSpec& spec, const std::string& path) {
  const auto dot = path.find('.');
  if (dot == std::string::npos) return "";
  const std::string head = path.substr(0, dot), rest = path.substr(dot + 1);
  std::string generic = path;
  if (head == "contexts") {
    generic = "contexts.<context>" + rest.substr(std::min(rest.find('.'), rest.size()));
  } else if (head != "scenario") {
    for (const auto& c : spec.components) {
      if (c.id == head) generic = fmt::format("<{}>.{}", model::kind_name(c), rest);
    }
  }
  for (const auto& key : scenario::known_keys()) {
    if (key.path != generic) continue;
    if (key.type.rfind("duration", 0) == 0) return "hours";
    if (key.type.rfind("rate", 0) == 0) return "per hour";
  }
  return "";
}

// Durations and rates swept as text ("7d", "12/h") become numbers in hours and per hour,
// read back from each point's resolved spec, so that tables and figures get numbers.
void resolve_columns(Plan& plan) {
  for (auto& column : plan.design.columns) {
    column.unit = unit_of(plan.specs.front(), column.path);
    if (column.numeric) continue;
    std::vector<double> numbers;
    for (const auto& spec : plan.specs) {
      const auto value = scenario::get_parameter(spec, column.path);
      if (!value || !std::holds_alternative<double>(*value)) break;
      numbers.push_back(std::get<double>(*value));
    }
    if (numbers.size() != plan.specs.size()) continue;
    column.numeric = true;
    column.numbers = std::move(numbers);
    column.strings.clear();
  }
}

}  // namespace

InvalidSweep::InvalidSweep(std::vector<scenario::Diagnostic> diagnostics)
    : std::runtime_error(diagnostics.empty() ? std::string("invalid sweep")
                                             : scenario::format(diagnostics.front())),
      diagnostics_(std::move(diagnostics)) {}

Plan make_plan(const scenario::Scenario& scenario, const RunOptions& options) {
  Plan plan;
  plan.base = scenario;
  std::vector<scenario::Diagnostic> errors;
  const auto& sweep = scenario.sweep;
  // Before the points are made: a sweep too large to hold must not be built to find out.
  if (options.memory_limit > 0) {
    const auto points = design_points(sweep);
    const auto& components = scenario.spec.components;
    const auto pools = std::count_if(components.begin(), components.end(), [](const auto& c) {
      return model::kind_name(c) == "operators";
    });
    const auto bytes = estimated_memory(points, components.size(), scenario.spec.time_bins,
                                        static_cast<std::uint64_t>(pools));
    if (bytes > options.memory_limit) {
      throw InvalidSweep({error_at(
          scenario, sweep_location(scenario),
          fmt::format("the run would need about {} of memory by estimate ({} point(s) of {} "
                      "component(s), {} operator pool(s) and {} time bin(s)), above the budget "
                      "of {}; make the sweep or scenario.time_bins smaller, or raise the budget "
                      "with --memory-limit",
                      gigabytes(bytes), points, components.size(), pools, scenario.spec.time_bins,
                      gigabytes(options.memory_limit)))});
    }
  }
  try {
    // Continuous designs round where the base scenario holds an integer at that path.
    plan.design = make_design(sweep, [&](const std::string& path) {
      const auto value = scenario::get_parameter(scenario.spec, path);
      return value && std::holds_alternative<std::int64_t>(*value);
    });
  } catch (const std::invalid_argument& e) {
    throw InvalidSweep({error_at(scenario, sweep_location(scenario), e.what())});
  }

  for (std::uint32_t p = 0; p < plan.design.size(); ++p) {
    const auto& assignments = plan.design.assignments[p];
    if (assignments.empty()) {
      plan.specs.push_back(scenario.spec);
      continue;
    }
    auto loaded = structure::with_assignments_checked(scenario, assignments);
    if (!loaded.ok()) {
      for (auto d : loaded.diagnostics) {
        if (d.severity != scenario::Diagnostic::Severity::error) continue;
        d.message =
            fmt::format("sweep point {} ({}): {}", p, plan.design.point_labels[p], d.message);
        if (d.where.file.empty()) d.where = sweep_location(scenario);
        errors.push_back(std::move(d));
      }
      plan.specs.push_back(scenario.spec);
      continue;
    }
    plan.specs.push_back(std::move(loaded.scenario->spec));
  }
  // One time axis for the whole sweep: the time series share their bin edges.
  const auto& first = plan.specs.front();
  for (std::uint32_t p = 1; p < plan.specs.size() && errors.empty(); ++p) {
    if (plan.specs[p].horizon != first.horizon || plan.specs[p].time_bins != first.time_bins) {
      errors.push_back(error_at(scenario, sweep_location(scenario),
                                "'scenario.horizon' and 'scenario.time_bins' cannot vary within a "
                                "sweep; run one sweep per horizon"));
    }
  }

  auto& r = plan.replications;
  r.seed = options.seed.value_or(scenario.spec.seed);
  // The outer samples of an uncertainty design are independent draws of the parameters;
  // with common random numbers every sample would carry the same inner error, and the
  // outer mean would not average it away.
  r.common_random_numbers =
      sweep.common_random_numbers && sweep.design != scenario::SweepDesign::uncertainty;
  const bool precision =
      !options.replications && (options.until_relative_error || sweep.relative_error > 0.0);
  if (precision) {
    r.precision = true;
    r.relative_error = options.until_relative_error.value_or(sweep.relative_error);
    const std::string metric = sweep.metric.empty() ? "harm_rate" : sweep.metric;
    if (const auto id = find_metric(metric)) {
      r.metric = *id;
    } else {
      errors.push_back(error_at(scenario, sweep_location(scenario),
                                fmt::format("unknown precision metric '{}'; expected a metric of "
                                            "docs/output.md such as harm_rate",
                                            metric)));
    }
    r.min_replications =
        sweep.min_replications > 0 ? sweep.min_replications : scenario::default_min_replications;
    r.max_replications =
        sweep.max_replications > 0 ? sweep.max_replications : scenario::default_max_replications;
    r.block_size = sweep.block_size > 0 ? sweep.block_size : scenario::default_precision_block_size;
    if (!(r.relative_error > 0.0)) {
      errors.push_back(
          error_at(scenario, sweep_location(scenario), "the target relative error must be > 0"));
    }
    if (r.min_replications > r.max_replications) {
      errors.push_back(error_at(scenario, sweep_location(scenario),
                                fmt::format("min_replications ({}) exceeds max_replications ({})",
                                            r.min_replications, r.max_replications)));
    }
  } else {
    r.precision = false;
    r.max_replications = options.replications.value_or(scenario.spec.replications);
    r.min_replications = r.max_replications;
    if (r.max_replications == 0) {
      errors.push_back(error_at(scenario, sweep_location(scenario), "replications must be >= 1"));
    }
    // Blocks only group work: with a fixed count they do not change any result, and they
    // never depend on the thread count.
    r.block_size = sweep.block_size > 0
                       ? sweep.block_size
                       : static_cast<std::uint32_t>(std::clamp<std::uint64_t>(
                             (std::uint64_t{r.max_replications} + 15) / 16, 1, 64));
  }
  check_worst_case(scenario, errors);
  if (!errors.empty()) {
    scenario::limit_repeats(errors);
    throw InvalidSweep(std::move(errors));
  }

  for (auto& spec : plan.specs) spec.seed = r.seed;
  for (const auto& spec : plan.specs) plan.resolved.push_back(resolved_parameters(spec));
  resolve_columns(plan);
  return plan;
}

void check_models(const Plan& plan, const ModelFactory& factory) {
  std::vector<scenario::Diagnostic> errors;
  for (std::uint32_t p = 0; p < plan.specs.size(); ++p) {
    try {
      factory(plan.specs[p]);
    } catch (const std::invalid_argument& e) {
      std::string message = e.what();
      model::SourceLocation where{plan.base.file, 1, 1};
      if (auto located = located_message(message)) std::tie(where, message) = *located;
      if (plan.design.size() > 1 || !plan.design.assignments[p].empty())
        message = fmt::format("sweep point {} ({}): {}", p, plan.design.point_labels[p], message);
      errors.push_back(error_at(plan.base, where, message));
    }
  }
  if (!errors.empty()) {
    scenario::limit_repeats(errors);
    throw InvalidSweep(std::move(errors));
  }
}

RunResult run_sweep(const scenario::Scenario& scenario, const RunOptions& options) {
  return run_plan(make_plan(scenario, options), options);
}

}  // namespace stsim::runner
