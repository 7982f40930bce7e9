#pragma once
// Red-line evidence of a point, from its folded statistics: the time to the first harm
// from replications censored at the horizon, its survival curve, and the acceptance test
// of scenario.harm_rate_target (docs/output.md, "Evidence at a red line").

#include <cstdint>

#include "sim/model/spec.h"
#include "sim/stats/evidence.h"

namespace stsim::runner {

namespace detail {
struct BlockResult;
}

// The confidence of every one-sided bound of the evidence ("with 95% confidence").
inline constexpr double evidence_confidence = 0.95;

struct Evidence {
  stats::FirstHarmEstimate first_harm;                 // NaN throughout without replications
  stats::SurvivalCurve survival;                       // at the B + 1 bin edges
  double confidence = evidence_confidence;             // of the first-harm bounds
  double acceptance_confidence = evidence_confidence;  // of the test's bounds (see evidence_of)
  bool tested = false;                                 // scenario.harm_rate_target > 0
  double target = 0.0;                                 // harms per task
  stats::Acceptance acceptance;                        // of harm_rate, one-sided at `confidence`
  std::uint64_t failure_free_tasks = 0;                // needed to claim the target with no harm
  double failure_free_hours = 0.0;                     // the same at the point's tasks per hour
};

// `looks`: the block boundaries at which a sequential test (scenario.stop_when_decided)
// may stop; its bounds are each at 1 - 0.05 / looks, so that the verdict that stopped the
// point is wrong with probability at most 5%.
Evidence evidence_of(const detail::BlockResult& total, const model::ScenarioSpec& spec,
                     std::uint32_t looks);

// Only the acceptance test of evidence_of: undecided without a target or a trial.
stats::Acceptance acceptance_of(const detail::BlockResult& total, const model::ScenarioSpec& spec,
                                std::uint32_t looks);

}  // namespace stsim::runner
