#pragma once
// Evidence at a red line: the time to the first harm from replications censored at the
// horizon, and whether a harm rate is below a target with a stated confidence.

#include <cstdint>
#include <vector>

#include "sim/stats/intervals.h"

namespace stsim::stats {

// The first harm of each replication as an exponential lifetime, censored at the
// horizon: `harms` replications saw their first harm, and `time_on_test` is the total
// time on test, the sum over replications of min(time of first harm, horizon). The rate
// estimate is harms / time_on_test; its exact bounds are chi-square (Epstein 1960):
// 2 T lambda follows chi2 with 2r degrees of freedom below, 2r + 2 above (a test
// truncated at a fixed time).
struct FirstHarmEstimate {
  std::uint64_t harms = 0;
  double time_on_test = 0.0;
  double rate = 0.0;              // harms / time_on_test
  double rate_stderr = 0.0;       // sqrt(harms) / time_on_test
  Interval rate_interval;         // two-sided, at `confidence`
  double rate_upper = 0.0;        // one-sided upper bound, at `one_sided_confidence`
  double mean_time = 0.0;         // time_on_test / harms; +inf with no harm
  double mean_time_stderr = 0.0;  // mean_time / sqrt(harms) (delta method); +inf with no harm
  Interval mean_time_interval;    // the reciprocal of rate_interval
  double mean_time_lower = 0.0;   // one-sided lower bound: 1 / rate_upper
};
FirstHarmEstimate exponential_first_harm(std::uint64_t harms, double time_on_test,
                                         double confidence = 0.95,
                                         double one_sided_confidence = 0.95);

// The Kaplan-Meier (product-limit) survival curve over consecutive intervals: `events[j]`
// first harms in interval j, `censored[j]` replications leaving observation at its end.
// Returns S at the start of interval 0 and at the end of every interval (size + 1
// values), with pointwise intervals from Greenwood's variance on the log(-log S) scale
// (Kalbfleisch & Prentice), which stay inside [0, 1].
struct SurvivalCurve {
  std::vector<double> survival;
  std::vector<double> low;
  std::vector<double> high;
};
SurvivalCurve kaplan_meier(const std::vector<std::uint64_t>& events,
                           const std::vector<std::uint64_t>& censored, double confidence = 0.95);

// "Is the rate below `target` with this confidence?" from one-sided bounds at that
// confidence: met when the upper bound is below the target, not met when the lower bound
// is above it (the opposite claim holds with the same confidence), undecided otherwise.
enum class Verdict : std::uint8_t { met, not_met, undecided };
const char* to_string(Verdict verdict);
struct Acceptance {
  double lower = 0.0;  // one-sided lower bound
  double upper = 0.0;  // one-sided upper bound
  Verdict verdict = Verdict::undecided;
};
Acceptance accept_below(double target, double lower, double upper);

// The acceptance test of a proportion k in n trials (design effect as for
// clopper_pearson_clustered), one-sided exact bounds at `confidence`.
Acceptance accept_proportion_below(double target, std::uint64_t k, std::uint64_t n,
                                   double design_effect, double confidence = 0.95);

// The sequential version: the same test looked at after each of at most `looks` blocks,
// each look at confidence 1 - (1 - confidence) / looks, so that the chance of any wrong
// verdict over all looks stays below 1 - confidence (Bonferroni): a run may stop at the
// first decided look.
double sequential_look_confidence(double confidence, std::uint64_t looks);

// Failure-free operation needed to claim a rate below `target` per hour with this
// confidence: -ln(1 - confidence) / target hours (the claim's zero-event bound).
double failure_free_hours_for_claim(double target_per_hour, double confidence = 0.95);

}  // namespace stsim::stats
