#include "sim/runner/importance.h"

#include <cmath>
#include <limits>

#include "sim/runner/design.h"
#include "sim/runner/runner.h"
#include "sim/stats/intervals.h"

namespace stsim::runner {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// A counterfactual point's metric and its pairing with the baseline.
struct Paired {
  double mean = 0.0;        // the point's estimate
  double variance = 0.0;    // of that estimate
  double covariance = 0.0;  // with the baseline's estimate, from the paired differences
};

Paired paired(const PointResult& point, const Statistic& base, std::size_t k) {
  const Statistic& s = point.metrics[k];
  const Statistic& d = point.paired[k];
  Paired p;
  p.mean = s.mean;
  p.variance = s.standard_error * s.standard_error;
  // var(X - Y) = var X + var Y - 2 cov(X, Y).
  const double base_variance = base.standard_error * base.standard_error;
  p.covariance = (p.variance + base_variance - d.standard_error * d.standard_error) / 2.0;
  return p;
}

// The ratio point / base with its delta-method standard error and Fieller's interval.
ImportanceEstimate ratio(const Paired& point, const Statistic& base) {
  ImportanceEstimate e;
  const double b = base.mean;
  const double vb = base.standard_error * base.standard_error;
  e.value = point.mean / b;
  const double v =
      (point.variance - 2.0 * e.value * point.covariance + e.value * e.value * vb) / (b * b);
  e.standard_error = v > 0.0 ? std::sqrt(v) : 0.0;
  const auto ci = fieller_interval(point.mean, b, point.variance, vb, point.covariance);
  e.ci_low = ci.low;
  e.ci_high = ci.high;
  return e;
}

}  // namespace

RatioInterval fieller_interval(double a, double b, double var_a, double var_b, double cov_ab,
                               double z) {
  // The ratios r for which a - r b is within z standard errors of zero:
  // (a - r b)^2 <= z^2 (var_a - 2 r cov + r^2 var_b), a quadratic in r.
  const double z2 = z * z;
  const double qa = b * b - z2 * var_b;
  const double qb = a * b - z2 * cov_ab;
  const double qc = a * a - z2 * var_a;
  double disc = qb * qb - qa * qc;
  // Rounding of a ratio known exactly (identical estimates: a point that changes nothing).
  if (disc < 0.0 && -disc <= 1e-12 * qb * qb) disc = 0.0;
  if (!(qa > 0.0) || !(disc >= 0.0)) return {-inf, inf};
  const double root = std::sqrt(disc);
  return {(qb - root) / qa, (qb + root) / qa};
}

Plan importance_plan(const scenario::Scenario& scenario, const RunOptions& options,
                     const Plan* sweep, std::uint32_t at) {
  scenario::Scenario as_written = scenario;
  as_written.sweep = scenario::SweepSpec{};
  RunOptions fixed = options;
  fixed.until_relative_error.reset();
  Plan plan = make_plan(as_written, fixed);
  plan.design.baseline = 0;
  plan.design.point_labels = {"as written"};
  if (sweep) {
    plan.specs.front() = sweep->specs.at(at);
    plan.resolved.front() = sweep->resolved.at(at);
    plan.design.point_labels.front() = sweep->design.point_labels.at(at);
  }
  const model::ScenarioSpec base = plan.specs.front();
  for (const auto component : model::importance_components(base)) {
    for (std::size_t c = 0; c < model::counterfactual_count; ++c) {
      const auto which = static_cast<model::Counterfactual>(c);
      plan.specs.push_back(model::with_counterfactual(base, component, which));
      plan.resolved.push_back(resolved_parameters(plan.specs.back()));
      plan.design.assignments.emplace_back();
      plan.design.point_labels.push_back(words(base.components[component].id) + " " +
                                         std::string(model::to_string(which)));
    }
  }
  return plan;
}

ImportanceResult importance_measures(const RunResult& run) {
  ImportanceResult out;
  const auto& base_spec = run.plan.specs.front();
  const auto components = model::importance_components(base_spec);
  for (const auto i : components) {
    out.components.push_back(run.components[i]);
    out.labels.push_back(run.component_labels[i]);
    out.kinds.push_back(run.component_kinds[i]);
  }
  out.reference = run.plan.design.point_labels.front();
  out.step = model::importance_step;
  out.replications = run.points.front().replications;
  for (const auto metric : importance_metrics) {
    const auto k = static_cast<std::size_t>(metric);
    const Statistic& base = run.points.front().metrics[k];
    ImportanceTable table;
    table.metric = metric;
    table.base = base.mean;
    for (std::size_t j = 0; j < components.size(); ++j) {
      const auto at = [&](model::Counterfactual c) {
        return paired(run.points[importance_point(j, c)], base, k);
      };
      const Paired perfect = at(model::Counterfactual::perfect);
      const Paired removed = at(model::Counterfactual::removed);
      const Paired nudged = at(model::Counterfactual::nudged);
      table.values[0].push_back(perfect.mean);
      table.values[1].push_back(removed.mean);
      table.values[2].push_back(nudged.mean);
      const auto values =
          model::importance_values(base.mean, perfect.mean, removed.mean, nudged.mean, out.step);

      // Birnbaum: a paired difference over the step, with its Student t interval.
      const Statistic& d = run.points[importance_point(j, model::Counterfactual::nudged)].paired[k];
      ImportanceEstimate birnbaum;
      birnbaum.value = values.birnbaum;
      birnbaum.standard_error = d.standard_error / out.step;
      birnbaum.ci_low = birnbaum.ci_high = nan;  // no interval from one replication
      if (d.n > 1) {
        const auto t = stats::student_t(birnbaum.value, birnbaum.standard_error, d.n);
        birnbaum.ci_low = t.low;
        birnbaum.ci_high = t.high;
      }

      // RAW = removed / base; FV = 1 - perfect / base; RRW = base / perfect.
      ImportanceEstimate raw = ratio(removed, base);
      raw.value = values.raw;
      const ImportanceEstimate kept = ratio(perfect, base);
      ImportanceEstimate fv{values.fussell_vesely, kept.standard_error, 1.0 - kept.ci_high,
                            1.0 - kept.ci_low};
      ImportanceEstimate rrw{values.rrw, kept.standard_error / (kept.value * kept.value),
                             kept.ci_high > 0.0 ? 1.0 / kept.ci_high : nan,
                             kept.ci_low > 0.0 ? 1.0 / kept.ci_low : inf};
      table.measures[0].push_back(birnbaum);
      table.measures[1].push_back(fv);
      table.measures[2].push_back(raw);
      table.measures[3].push_back(rrw);
    }
    out.metrics.push_back(std::move(table));
  }
  return out;
}

}  // namespace stsim::runner
