#include "sim/runner/evidence.h"

#include <cmath>
#include <limits>

#include "sim/runner/block.h"
#include "sim/stats/intervals.h"

namespace stsim::runner {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

stats::FirstHarmEstimate undefined_first_harm() {
  stats::FirstHarmEstimate e;
  e.rate = e.rate_stderr = e.rate_upper = nan;
  e.mean_time = e.mean_time_stderr = e.mean_time_lower = nan;
  e.rate_interval = e.mean_time_interval = {nan, nan};
  return e;
}

double acceptance_confidence(const model::ScenarioSpec& spec, std::uint32_t looks) {
  return spec.stop_when_decided ? stats::sequential_look_confidence(evidence_confidence, looks)
                                : evidence_confidence;
}

}  // namespace

stats::Acceptance acceptance_of(const detail::BlockResult& total, const model::ScenarioSpec& spec,
                                std::uint32_t looks) {
  const auto& harm = total.pooled[static_cast<std::size_t>(MetricId::harm_rate)];
  const auto trials = static_cast<std::uint64_t>(harm.exposure);
  if (!(spec.harm_rate_target > 0.0) || trials == 0) return {nan, nan, stats::Verdict::undecided};
  if (total.weighted) {
    // Importance sampling: one-sided bounds on the log scale from the estimator's own
    // standard error (the two-sided interval at 1 - 2 (1 - confidence)).
    const double se = harm.weighted_standard_error();
    if (harm.count == 0 || std::isnan(se)) return {nan, nan, stats::Verdict::undecided};
    const double two_sided = 1.0 - 2.0 * (1.0 - acceptance_confidence(spec, looks));
    const auto ci = stats::positive_mean(harm.weighted_mean(), se, total.replications, two_sided);
    return stats::accept_below(spec.harm_rate_target, ci.low, ci.high);
  }
  return stats::accept_proportion_below(spec.harm_rate_target, harm.count, trials,
                                        harm.design_effect(true),
                                        acceptance_confidence(spec, looks));
}

Evidence evidence_of(const detail::BlockResult& total, const model::ScenarioSpec& spec,
                     std::uint32_t looks) {
  Evidence e;
  e.acceptance_confidence = acceptance_confidence(spec, looks);
  const auto n = total.replications;
  const auto harmed = n - total.first_harm_censored;
  if (total.weighted) {
    // Importance sampling weighs tasks, not deployments: the time to a deployment's first
    // harm is not estimated (docs/rare-events.md).
    e.first_harm = undefined_first_harm();
    e.tested = spec.harm_rate_target > 0.0;
    e.target = spec.harm_rate_target;
    e.failure_free_hours = nan;
    e.acceptance = acceptance_of(total, spec, looks);
    if (e.tested) e.failure_free_tasks = stats::trials_for_zero_event_claim(e.target, e.confidence);
    return e;
  }
  // The time on test: every replication's min(first harm, horizon), summed.
  const auto& times = total.means[static_cast<std::size_t>(MetricId::time_to_first_harm)];
  const double time_on_test = times.mean() * static_cast<double>(times.count());
  e.first_harm = n > 0 && time_on_test > 0.0
                     ? stats::exponential_first_harm(harmed, time_on_test, 0.95, e.confidence)
                     : undefined_first_harm();
  // Every replication is censored at the horizon, at the end of the last bin.
  std::vector<std::uint64_t> censored(total.first_harm.size(), 0);
  if (!censored.empty()) censored.back() = total.first_harm_censored;
  if (n > 0) e.survival = stats::kaplan_meier(total.first_harm, censored);

  e.tested = spec.harm_rate_target > 0.0;
  e.target = spec.harm_rate_target;
  e.failure_free_hours = nan;
  e.acceptance = acceptance_of(total, spec, looks);
  if (!e.tested) return e;
  e.failure_free_tasks = stats::trials_for_zero_event_claim(e.target, e.confidence);
  if (n > 0 && total.tasks > 0) {
    const double tasks_per_hour =
        static_cast<double>(total.tasks) / (static_cast<double>(n) * spec.horizon);
    e.failure_free_hours = static_cast<double>(e.failure_free_tasks) / tasks_per_hour;
  }
  return e;
}

}  // namespace stsim::runner
