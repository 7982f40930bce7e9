#include "sim/stats/evidence.h"

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace stsim::stats {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

void require_confidence(const char* where, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument(std::string(where) + ": confidence must be in (0, 1), got " +
                                std::to_string(confidence));
  }
}

// One-sided bounds at `confidence` are the ends of the two-sided interval at 2c - 1.
double two_sided_for_one_sided(double confidence) { return 2.0 * confidence - 1.0; }

}  // namespace

FirstHarmEstimate exponential_first_harm(std::uint64_t harms, double time_on_test,
                                         double confidence, double one_sided_confidence) {
  require_confidence("exponential_first_harm", confidence);
  require_confidence("exponential_first_harm", one_sided_confidence);
  if (one_sided_confidence <= 0.5) {
    throw std::invalid_argument("exponential_first_harm: a one-sided bound needs confidence > 0.5");
  }
  FirstHarmEstimate e;
  e.harms = harms;
  e.time_on_test = time_on_test;
  const auto r = static_cast<double>(harms);
  // chi2(2r) / 2 and chi2(2r + 2) / 2 quantiles are those of gamma(r) and gamma(r + 1):
  // exactly Garwood's interval on r events over the time on test.
  e.rate_interval = garwood(harms, time_on_test, confidence);
  e.rate_upper = garwood(harms, time_on_test, two_sided_for_one_sided(one_sided_confidence)).high;
  e.rate = r / time_on_test;
  e.rate_stderr = std::sqrt(r) / time_on_test;
  e.mean_time = harms > 0 ? time_on_test / r : infinity;
  e.mean_time_stderr = harms > 0 ? e.mean_time / std::sqrt(r) : infinity;
  e.mean_time_interval = {1.0 / e.rate_interval.high,
                          e.rate_interval.low > 0.0 ? 1.0 / e.rate_interval.low : infinity};
  e.mean_time_lower = 1.0 / e.rate_upper;
  return e;
}

SurvivalCurve kaplan_meier(const std::vector<std::uint64_t>& events,
                           const std::vector<std::uint64_t>& censored, double confidence) {
  require_confidence("kaplan_meier", confidence);
  if (events.size() != censored.size()) {
    throw std::invalid_argument("kaplan_meier: events and censored differ in length");
  }
  std::uint64_t at_risk = 0;
  for (std::size_t j = 0; j < events.size(); ++j) at_risk += events[j] + censored[j];
  const double z = boost::math::quantile(boost::math::complement(
      boost::math::normal_distribution<double>(), (1.0 - confidence) / 2.0));
  SurvivalCurve curve;
  double s = 1.0;
  double greenwood = 0.0;  // sum of d / (n (n - d))
  auto push = [&] {
    curve.survival.push_back(s);
    if (s <= 0.0 || s >= 1.0 || greenwood == 0.0) {
      // No spread to show on this scale: the curve is certain here (no harm yet) or has
      // reached zero with every replication harmed.
      curve.low.push_back(s);
      curve.high.push_back(s);
      return;
    }
    // Var(log(-log S)) = greenwood / log(S)^2; the bounds are S^exp(+-z sd), the larger
    // power the lower bound (0 < S < 1).
    const double sd = std::sqrt(greenwood) / std::abs(std::log(s));
    curve.low.push_back(std::pow(s, std::exp(z * sd)));
    curve.high.push_back(std::pow(s, std::exp(-z * sd)));
  };
  push();
  for (std::size_t j = 0; j < events.size(); ++j) {
    const auto d = static_cast<double>(events[j]);
    const auto n = static_cast<double>(at_risk);
    if (events[j] > 0) {
      s *= 1.0 - d / n;
      if (events[j] < at_risk) greenwood += d / (n * (n - d));
    }
    at_risk -= events[j] + censored[j];
    push();
  }
  return curve;
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::met:
      return "met";
    case Verdict::not_met:
      return "not met";
    case Verdict::undecided:
      return "undecided";
  }
  return "?";
}

Acceptance accept_below(double target, double lower, double upper) {
  Acceptance a{lower, upper, Verdict::undecided};
  if (upper < target) {
    a.verdict = Verdict::met;
  } else if (lower > target) {
    a.verdict = Verdict::not_met;
  }
  return a;
}

Acceptance accept_proportion_below(double target, std::uint64_t k, std::uint64_t n,
                                   double design_effect, double confidence) {
  require_confidence("accept_proportion_below", confidence);
  if (confidence <= 0.5) {
    throw std::invalid_argument(
        "accept_proportion_below: a one-sided bound needs confidence > 0.5");
  }
  const auto bounds =
      clopper_pearson_clustered(k, n, design_effect, two_sided_for_one_sided(confidence));
  return accept_below(target, bounds.low, bounds.high);
}

double sequential_look_confidence(double confidence, std::uint64_t looks) {
  require_confidence("sequential_look_confidence", confidence);
  if (looks == 0)
    throw std::invalid_argument("sequential_look_confidence: needs at least one look");
  return 1.0 - (1.0 - confidence) / static_cast<double>(looks);
}

double failure_free_hours_for_claim(double target_per_hour, double confidence) {
  require_confidence("failure_free_hours_for_claim", confidence);
  if (!(target_per_hour > 0.0) || !std::isfinite(target_per_hour)) {
    throw std::invalid_argument("failure_free_hours_for_claim: the target must be positive");
  }
  return -std::log1p(-confidence) / target_per_hour;
}

}  // namespace stsim::stats
