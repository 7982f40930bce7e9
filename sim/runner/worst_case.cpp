#include "sim/runner/worst_case.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "sim/runner/design.h"
#include "sim/runner/runner.h"

namespace stsim::runner {

namespace {

// 1 / golden ratio: each refinement keeps this share of the bracket.
const double golden = (std::sqrt(5.0) - 1.0) / 2.0;

struct Group {
  std::uint32_t point = 0;
  std::string label;
  std::vector<scenario::Assignment> others;  // the point's assignments but the searched one
};

// Points that differ only in the searched parameter form one group, in sweep order.
std::vector<Group> groups_of(const Plan& plan, const std::string& parameter) {
  std::vector<Group> out;
  std::map<std::string, std::size_t> seen;
  const auto& columns = plan.design.columns;
  for (std::uint32_t p = 0; p < plan.design.size(); ++p) {
    Group g;
    g.point = p;
    std::string key;
    const auto& assignments = plan.design.assignments[p];
    for (std::size_t d = 0; d < assignments.size(); ++d) {
      if (assignments[d].path == parameter) continue;
      g.others.push_back(assignments[d]);
      const std::string value = to_text(assignments[d].value);
      key += assignments[d].path + "=" + value + "\n";
      if (!g.label.empty()) g.label += ", ";
      const bool labelled = d < columns.size() && !columns[d].labels.empty();
      g.label += labelled ? columns[d].labels[p] : assignments[d].path + " = " + value;
    }
    if (g.label.empty()) g.label = "as written";
    if (seen.emplace(key, out.size()).second) out.push_back(std::move(g));
  }
  return out;
}

}  // namespace

std::uint32_t golden_iterations(double width, double range, double tolerance) {
  std::uint32_t n = 0;
  while (width > tolerance * range && n < 200) {
    width *= golden;
    ++n;
  }
  return n;
}

WorstCaseResult worst_case_search(const Plan& plan, const RunOptions& options) {
  const scenario::WorstCaseSpec& spec = plan.base.sweep.worst_case;
  WorstCaseResult out;
  out.parameter = spec.parameter;
  out.metric = *find_metric(spec.metric);
  out.low = spec.low;
  out.high = spec.high;
  out.log_scale = spec.log_scale;
  out.grid = spec.grid;
  out.tolerance = spec.tolerance;
  out.replications = spec.replications != 0        ? spec.replications
                     : plan.replications.precision ? plan.replications.min_replications
                                                   : plan.replications.max_replications;
  out.seed = plan.replications.seed;
  const auto metric = static_cast<std::size_t>(out.metric);

  // The search runs on u = log(x) (or x): grid points equally spaced in u.
  const auto to_x = [&](double u) { return spec.log_scale ? std::exp(u) : u; };
  const double u_low = spec.log_scale ? std::log(spec.low) : spec.low;
  const double u_high = spec.log_scale ? std::log(spec.high) : spec.high;

  const auto groups = groups_of(plan, spec.parameter);
  std::vector<WorstCaseSearch> searches(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    searches[g].label = groups[g].label;
    searches[g].point = groups[g].point;
  }

  // One batch of evaluations, (group, value) each, as the points of one fixed-count run
  // under common random numbers: every evaluation sees the same replications.
  RunOptions fixed = options;
  fixed.replications = out.replications;
  fixed.until_relative_error.reset();
  fixed.resume = nullptr;
  fixed.on_checkpoint = nullptr;
  fixed.shard = {};
  scenario::Scenario as_written = plan.base;
  as_written.sweep = scenario::SweepSpec{};
  const Plan single = make_plan(as_written, fixed);
  bool stopped = false;
  const auto evaluate = [&](const std::vector<std::pair<std::size_t, double>>& batch) {
    Plan p = single;
    p.replications.common_random_numbers = true;
    p.specs.clear();
    p.resolved.clear();
    p.design.assignments.clear();
    p.design.point_labels.clear();
    for (const auto& [g, x] : batch) {
      auto assignments = groups[g].others;
      assignments.push_back({spec.parameter, x});
      auto loaded = scenario::with_assignments(plan.base, assignments);
      if (!loaded.ok()) throw InvalidSweep(loaded.diagnostics);
      p.specs.push_back(loaded.scenario->spec);
      p.resolved.push_back(resolved_parameters(p.specs.back()));
      p.design.assignments.push_back(std::move(assignments));
      p.design.point_labels.push_back(
          fmt::format("{}, {} = {}", groups[g].label, spec.parameter, short_number(x)));
    }
    const RunResult r = run_plan(p, fixed);
    if (!r.complete) {
      stopped = true;
      return;
    }
    for (std::size_t k = 0; k < batch.size(); ++k) {
      auto& s = searches[batch[k].first];
      const Statistic& st = r.points[k].metrics[metric];
      s.values.push_back(batch[k].second);
      s.means.push_back(st.mean);
      s.standard_errors.push_back(st.standard_error);
      // The least estimate so far (ties: the smaller value, the first evaluated).
      const bool better = s.at_argmin.empty() || st.mean < s.at_argmin[metric].mean ||
                          (st.mean == s.at_argmin[metric].mean && batch[k].second < s.argmin);
      if (better) {
        s.argmin = batch[k].second;
        s.at_argmin.assign(r.points[k].metrics.begin(), r.points[k].metrics.end());
      }
    }
  };

  // 1. The grid, every group at once.
  const double step = (u_high - u_low) / static_cast<double>(spec.grid - 1);
  std::vector<std::pair<std::size_t, double>> batch;
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (std::uint32_t i = 0; i < spec.grid; ++i)
      batch.emplace_back(g, to_x(i + 1 == spec.grid ? u_high : u_low + step * i));
  evaluate(batch);
  if (stopped) return out;

  // 2. Golden-section refinement of the bracket around each group's grid minimum; the
  // same number of iterations for every group, one batch per iteration.
  std::vector<double> a(groups.size()), b(groups.size()), c(groups.size()), d(groups.size()),
      fc(groups.size()), fd(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& means = searches[g].means;
    const auto i =
        static_cast<std::uint32_t>(std::min_element(means.begin(), means.end()) - means.begin());
    a[g] = u_low + step * (i == 0 ? 0 : i - 1);
    b[g] = std::min(u_high, u_low + step * (i + 1));
    c[g] = b[g] - golden * (b[g] - a[g]);
    d[g] = a[g] + golden * (b[g] - a[g]);
  }
  const std::uint32_t iterations = golden_iterations(
      std::min(2.0, static_cast<double>(spec.grid - 1)) * step, u_high - u_low, spec.tolerance);
  if (iterations > 0) {
    batch.clear();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      batch.emplace_back(g, to_x(c[g]));
      batch.emplace_back(g, to_x(d[g]));
    }
    evaluate(batch);
    if (stopped) return out;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto& means = searches[g].means;
      fc[g] = means[means.size() - 2];
      fd[g] = means.back();
    }
  }
  std::vector<bool> new_is_c(groups.size());
  for (std::uint32_t it = 1; it < iterations; ++it) {
    batch.clear();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      new_is_c[g] = fc[g] <= fd[g];
      if (new_is_c[g]) {  // the minimum is in [a, d]: d moves to c, a new c
        b[g] = d[g];
        d[g] = c[g];
        fd[g] = fc[g];
        c[g] = b[g] - golden * (b[g] - a[g]);
        batch.emplace_back(g, to_x(c[g]));
      } else {  // in [c, b]: c moves to d, a new d
        a[g] = c[g];
        c[g] = d[g];
        fc[g] = fd[g];
        d[g] = a[g] + golden * (b[g] - a[g]);
        batch.emplace_back(g, to_x(d[g]));
      }
    }
    evaluate(batch);
    if (stopped) return out;
    for (std::size_t g = 0; g < groups.size(); ++g)
      (new_is_c[g] ? fc[g] : fd[g]) = searches[g].means.back();
  }
  // Widened to hold the arg-min when the least evaluation lies outside the refined
  // bracket (a curve flat within the noise, or with its least value at an end).
  for (std::size_t g = 0; g < groups.size(); ++g) {
    searches[g].bracket_low = std::min(to_x(a[g]), searches[g].argmin);
    searches[g].bracket_high = std::max(to_x(b[g]), searches[g].argmin);
  }
  out.searches = std::move(searches);
  return out;
}

}  // namespace stsim::runner
