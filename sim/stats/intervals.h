#pragma once
// Confidence intervals, each suited to its kind of estimate: rare events are binomial or
// Poisson, not normal.

#include <cstdint>

namespace stsim::stats {

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// Proportion of k successes in n trials (n > 0).
Interval wilson(std::uint64_t k, std::uint64_t n, double confidence = 0.95);
Interval clopper_pearson(std::uint64_t k, std::uint64_t n, double confidence = 0.95);

// Rate of k events over an exposure (time, tasks...): exact Poisson (Garwood).
Interval garwood(std::uint64_t k, double exposure, double confidence = 0.95);

// The same exact intervals when the events are clustered (replications, not tasks, are
// independent): the design effect d = observed variance / binomial (or Poisson) variance
// scales the trials and events down to an effective sample, k/d in n/d (Korn & Graubard
// 1998, Survey Methodology 24:193). d <= 1 gives the plain interval: never narrower.
Interval clopper_pearson_clustered(std::uint64_t k, std::uint64_t n, double design_effect,
                                   double confidence = 0.95);
Interval garwood_clustered(std::uint64_t k, double exposure, double design_effect,
                           double confidence = 0.95);

// Mean with standard error from n observations: Student t with n - 1 degrees of freedom.
Interval student_t(double mean, double standard_error, std::uint64_t n, double confidence = 0.95);

// Mean of non-negative values with a standard error from n observations: a Student t
// interval on the log scale (delta method, standard error / mean), so that it never
// goes below zero and is skewed to the right as the means of rare values are. A mean of
// zero (every value zero) gives [0, 0].
Interval positive_mean(double mean, double standard_error, std::uint64_t n,
                       double confidence = 0.95);

// Upper bound on a per-trial probability after zero events in n trials.
double rule_of_three_upper(std::uint64_t n);                         // 3 / n (95%)
double zero_event_upper(std::uint64_t n, double confidence = 0.95);  // 1 - (1-c)^(1/n)
// Failure-free trials needed to claim a probability below p with the given confidence.
std::uint64_t trials_for_zero_event_claim(double p, double confidence = 0.95);

}  // namespace stsim::stats
