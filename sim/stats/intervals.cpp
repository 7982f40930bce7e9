#include "sim/stats/intervals.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace stsim::stats {

namespace {

std::string show(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

[[noreturn]] void invalid(const char* where, const std::string& what) {
  throw std::invalid_argument(std::string(where) + ": " + what);
}

void require_confidence(const char* where, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    invalid(where, "confidence must be in (0, 1), got " + show(confidence));
  }
}

void require_trials(const char* where, std::uint64_t k, std::uint64_t n) {
  if (n == 0) {
    invalid(where, "needs at least one trial");
  }
  if (k > n) {
    invalid(where, std::to_string(k) + " successes in " + std::to_string(n) + " trials");
  }
}

// 1 / design effect, the factor from observed to effective sample; an overdispersion
// below 1 is sampling noise around independence and leaves the sample as it is.
double effective_scale(const char* where, double design_effect) {
  if (std::isnan(design_effect) || design_effect < 0.0 || std::isinf(design_effect)) {
    invalid(where, "design effect must be finite and non-negative, got " + show(design_effect));
  }
  return design_effect > 1.0 ? 1.0 / design_effect : 1.0;
}

// z with P(Z > z) = (1 - confidence) / 2.
double two_sided_z(double confidence) {
  return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double>(),
                                                       (1.0 - confidence) / 2.0));
}

// t with n - 1 degrees of freedom and P(T > t) = (1 - confidence) / 2.
double two_sided_t(std::uint64_t n, double confidence) {
  const boost::math::students_t_distribution<double> t(static_cast<double>(n - 1));
  return boost::math::quantile(boost::math::complement(t, (1.0 - confidence) / 2.0));
}

}  // namespace

Interval wilson(std::uint64_t k, std::uint64_t n, double confidence) {
  require_trials("wilson", k, n);
  require_confidence("wilson", confidence);
  const double z = two_sided_z(confidence);
  const double trials = static_cast<double>(n);
  const double p = static_cast<double>(k) / trials;
  const double z2n = z * z / trials;
  const double center = (p + z2n / 2.0) / (1.0 + z2n);
  const double half = z / (1.0 + z2n) * std::sqrt(p * (1.0 - p) / trials + z2n / (4.0 * trials));
  // At k = 0 and k = n one end is exactly 0 or 1; the formula gets there only up to
  // rounding.
  return {k == 0 ? 0.0 : std::max(0.0, center - half), k == n ? 1.0 : std::min(1.0, center + half)};
}

Interval clopper_pearson(std::uint64_t k, std::uint64_t n, double confidence) {
  return clopper_pearson_clustered(k, n, 1.0, confidence);
}

Interval clopper_pearson_clustered(std::uint64_t k, std::uint64_t n, double design_effect,
                                   double confidence) {
  require_trials("clopper_pearson", k, n);
  require_confidence("clopper_pearson", confidence);
  const double scale = effective_scale("clopper_pearson", design_effect);
  const double tail = (1.0 - confidence) / 2.0;
  const double kd = static_cast<double>(k) * scale;
  const double nd = static_cast<double>(n) * scale;
  // Beta quantiles; the upper one through the complement so that a small tail keeps its
  // precision.
  const double low = k == 0 ? 0.0 : boost::math::ibeta_inv(kd, nd - kd + 1.0, tail);
  const double high = k == n ? 1.0 : boost::math::ibetac_inv(kd + 1.0, nd - kd, tail);
  return {low, high};
}

Interval garwood(std::uint64_t k, double exposure, double confidence) {
  return garwood_clustered(k, exposure, 1.0, confidence);
}

Interval garwood_clustered(std::uint64_t k, double exposure, double design_effect,
                           double confidence) {
  if (!(exposure > 0.0) || !std::isfinite(exposure)) {
    invalid("garwood", "exposure must be positive and finite, got " + show(exposure));
  }
  require_confidence("garwood", confidence);
  const double scale = effective_scale("garwood", design_effect);
  const double tail = (1.0 - confidence) / 2.0;
  const double kd = static_cast<double>(k) * scale;
  // Chi-squared quantiles chi2(2k, tail) / 2 are gamma(k) quantiles.
  const double low = k == 0 ? 0.0 : boost::math::gamma_p_inv(kd, tail);
  const double high = boost::math::gamma_q_inv(kd + 1.0, tail);
  return {low / (exposure * scale), high / (exposure * scale)};
}

namespace {

void require_mean_inputs(const char* where, double mean, double standard_error, std::uint64_t n,
                         double confidence) {
  if (n < 2) {
    invalid(where, "needs at least 2 observations, got " + std::to_string(n));
  }
  if (!std::isfinite(mean)) {
    invalid(where, "mean must be finite, got " + show(mean));
  }
  if (!(standard_error >= 0.0) || !std::isfinite(standard_error)) {
    invalid(where, "standard error must be non-negative and finite, got " + show(standard_error));
  }
  require_confidence(where, confidence);
}

}  // namespace

Interval student_t(double mean, double standard_error, std::uint64_t n, double confidence) {
  require_mean_inputs("student_t", mean, standard_error, n, confidence);
  const double q = two_sided_t(n, confidence);
  return {mean - q * standard_error, mean + q * standard_error};
}

Interval positive_mean(double mean, double standard_error, std::uint64_t n, double confidence) {
  require_mean_inputs("positive_mean", mean, standard_error, n, confidence);
  if (mean < 0.0) {
    invalid("positive_mean", "mean must be non-negative, got " + show(mean));
  }
  if (mean == 0.0) return {0.0, 0.0};
  const double spread = std::exp(two_sided_t(n, confidence) * standard_error / mean);
  return {mean / spread, mean * spread};
}

double rule_of_three_upper(std::uint64_t n) {
  if (n == 0) {
    invalid("rule_of_three_upper", "needs at least one trial");
  }
  return 3.0 / static_cast<double>(n);
}

double zero_event_upper(std::uint64_t n, double confidence) {
  if (n == 0) {
    invalid("zero_event_upper", "needs at least one trial");
  }
  require_confidence("zero_event_upper", confidence);
  // 1 - (1 - c)^(1/n) without cancellation when n is large.
  return -std::expm1(std::log1p(-confidence) / static_cast<double>(n));
}

std::uint64_t trials_for_zero_event_claim(double p, double confidence) {
  if (!(p > 0.0 && p < 1.0)) {
    invalid("trials_for_zero_event_claim", "p must be in (0, 1), got " + show(p));
  }
  require_confidence("trials_for_zero_event_claim", confidence);
  // Smallest n with (1 - p)^n <= 1 - c, i.e. n >= log(1 - c) / log(1 - p).
  const double log_miss = std::log1p(-p);
  const double log_target = std::log1p(-confidence);
  const double estimate = std::ceil(log_target / log_miss);
  if (!(estimate < 1.8e19)) {
    invalid("trials_for_zero_event_claim", "more than 2^64 trials needed for p = " + show(p));
  }
  auto n = static_cast<std::uint64_t>(estimate);
  // The division may round across an integer: settle on the exact smallest n.
  auto enough = [&](std::uint64_t m) { return static_cast<double>(m) * log_miss <= log_target; };
  while (n > 1 && enough(n - 1)) {
    --n;
  }
  while (!enough(n)) {
    ++n;
  }
  return n;
}

}  // namespace stsim::stats
