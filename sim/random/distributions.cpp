#include "sim/random/distributions.h"

#include <cfloat>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

namespace stsim::random {

namespace {

// 17 significant digits: the offending value exactly as the caller passed it.
std::string show(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

[[noreturn]] void invalid(const char* where, const std::string& what) {
  throw std::invalid_argument(std::string(where) + ": " + what);
}

void require_positive(const char* where, const char* name, double x) {
  if (!(x > 0.0) || !std::isfinite(x)) {
    invalid(where, std::string(name) + " must be positive and finite, got " + show(x));
  }
}

void require_non_negative(const char* where, const char* name, double x) {
  if (!(x >= 0.0) || !std::isfinite(x)) {
    invalid(where, std::string(name) + " must be non-negative and finite, got " + show(x));
  }
}

void require_finite(const char* where, const char* name, double x) {
  if (!std::isfinite(x)) {
    invalid(where, std::string(name) + " must be finite, got " + show(x));
  }
}

// sum c[i] x^i, highest degree first (the nesting AS 241 prescribes).
double horner(const double (&c)[8], double x) {
  double y = c[7];
  for (int i = 6; i >= 0; --i) {
    y = y * x + c[i];
  }
  return y;
}

double standard_normal(Stream& s) { return normal_quantile(s.uniform01()); }

// Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM TOMS
// 26(3): shape >= 1, unit scale.
double marsaglia_tsang(Stream& s, double shape) {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = standard_normal(s);
    double v = 1.0 + c * x;
    if (v <= 0.0) {
      continue;
    }
    v = v * v * v;
    const double u = s.uniform01();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) {
      return d * v;
    }
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) {
      return d * v;
    }
  }
}

// log of a unit-scale gamma variate. Below shape 1 the boost G(a) = G(a + 1) U^(1/a)
// underflows for small shapes; its logarithm does not, which keeps beta() exact there.
double log_standard_gamma(Stream& s, double shape) {
  if (shape >= 1.0) {
    return std::log(marsaglia_tsang(s, shape));
  }
  const double g = marsaglia_tsang(s, shape + 1.0);
  return std::log(g) + std::log(s.uniform01()) / shape;
}

// log(k!): exact table below 10, Stirling's series above (truncation error below
// 1/(1188 k^9) < 1e-12). Written here rather than std::lgamma, which writes the global
// signgam in glibc and so is not safe across threads.
double log_factorial(std::int64_t k) {
  static constexpr double table[10] = {0.0,
                                       0.0,
                                       0.693147180559945309,
                                       1.791759469228055001,
                                       3.178053830347945620,
                                       4.787491742782045994,
                                       6.579251212010100995,
                                       8.525161361065414300,
                                       10.604602902745250228,
                                       12.801827480081469611};
  if (k < 10) {
    return table[k];
  }
  const double n = static_cast<double>(k);
  const double r = 1.0 / n;
  const double r2 = r * r;
  return (n + 0.5) * std::log(n) - n + 0.5 * std::log(2.0 * std::numbers::pi) +
         r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 / 1680.0)));
}

// Hörmann (1993), "The transformed rejection method for generating Poisson random
// variables", Insurance: Mathematics and Economics 12: algorithm PTRS, exact, for
// mean >= 10.
std::uint64_t poisson_ptrs(Stream& s, double mean) {
  const double sqrt_mean = std::sqrt(mean);
  const double log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * sqrt_mean;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = s.uniform01() - 0.5;
    const double v = s.uniform01();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) {
      return static_cast<std::uint64_t>(k);
    }
    if (k < 0.0 || (us < 0.013 && v > us)) {
      continue;
    }
    const auto ki = static_cast<std::int64_t>(k);
    if (std::log(v * inv_alpha / (a / (us * us) + b)) <= -mean + k * log_mean - log_factorial(ki)) {
      return static_cast<std::uint64_t>(ki);
    }
  }
}

}  // namespace

double uniform(Stream& s, double low, double high) {
  require_finite("uniform", "low", low);
  require_finite("uniform", "high", high);
  if (!(low <= high)) {
    invalid("uniform", "low (" + show(low) + ") must not exceed high (" + show(high) + ")");
  }
  return low + (high - low) * s.uniform01();
}

bool bernoulli(Stream& s, double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    invalid("bernoulli", "p must be in [0, 1], got " + show(p));
  }
  // uniform01() < 1, so p = 1 always succeeds and p = 0 never does.
  return s.uniform01() < p;
}

double exponential(Stream& s, double rate) {
  require_positive("exponential", "rate", rate);
  return -std::log(s.uniform01()) / rate;
}

double normal(Stream& s, double mean, double sd) {
  require_finite("normal", "mean", mean);
  require_non_negative("normal", "sd", sd);
  return mean + sd * standard_normal(s);
}

double lognormal(Stream& s, double mu, double sigma) {
  require_finite("lognormal", "mu", mu);
  require_non_negative("lognormal", "sigma", sigma);
  return std::exp(mu + sigma * standard_normal(s));
}

double gamma(Stream& s, double shape, double scale) {
  require_positive("gamma", "shape", shape);
  require_positive("gamma", "scale", scale);
  if (shape >= 1.0) {
    return scale * marsaglia_tsang(s, shape);
  }
  const double g = marsaglia_tsang(s, shape + 1.0);
  return scale * g * std::pow(s.uniform01(), 1.0 / shape);
}

double triangular(Stream& s, double low, double mode, double high) {
  require_finite("triangular", "low", low);
  require_finite("triangular", "high", high);
  if (!(low <= mode && mode <= high && low < high)) {
    invalid("triangular", "expected low <= mode <= high and low < high; got " + show(low) + ", " +
                              show(mode) + ", " + show(high));
  }
  const double u = s.uniform01();
  const double split = (mode - low) / (high - low);
  if (u < split) return low + std::sqrt(u * (high - low) * (mode - low));
  return high - std::sqrt((1.0 - u) * (high - low) * (high - mode));
}

double beta(Stream& s, double a, double b) {
  require_positive("beta", "a", a);
  require_positive("beta", "b", b);
  if (a >= 1.0 && b >= 1.0) {
    const double x = marsaglia_tsang(s, a);
    const double y = marsaglia_tsang(s, b);
    return x / (x + y);
  }
  // X / (X + Y) = 1 / (1 + Y / X), in logs so that tiny shapes do not give 0 / 0.
  const double log_x = log_standard_gamma(s, a);
  const double log_y = log_standard_gamma(s, b);
  return 1.0 / (1.0 + std::exp(log_y - log_x));
}

std::uint64_t poisson(Stream& s, double mean) {
  // Above 2^52 the counts are no longer exact doubles.
  if (!(mean >= 0.0) || !(mean <= 0x1.0p52)) {
    invalid("poisson", "mean must be in [0, 2^52], got " + show(mean));
  }
  if (mean >= 10.0) {
    return poisson_ptrs(s, mean);
  }
  // Inversion by sequential search: about mean + 1 steps, one uniform per draw.
  const double u = s.uniform01();
  double p = std::exp(-mean);
  double cdf = p;
  std::uint64_t k = 0;
  while (u > cdf) {
    ++k;
    p *= mean / static_cast<double>(k);
    cdf += p;
    // Rounding can leave the summed CDF a hair below u close to 1: stop once the terms
    // no longer change it.
    if (p <= cdf * DBL_EPSILON) {
      break;
    }
  }
  return k;
}

double normal_quantile(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    invalid("normal_quantile", "p must be in [0, 1], got " + show(p));
  }
  if (p == 0.0) {
    return -HUGE_VAL;
  }
  if (p == 1.0) {
    return HUGE_VAL;
  }
  // Wichura (1988), "Algorithm AS 241: The percentage points of the normal
  // distribution", Applied Statistics 37(3): 477-484, PPND16 (about 1e-16 relative).
  // Coefficients lowest degree first; each rational function is numerator / denominator.
  static constexpr double a[8] = {3.3871328727963666080e+00, 1.3314166789178437745e+02,
                                  1.9715909503065514427e+03, 1.3731693765509461125e+04,
                                  4.5921953931549871457e+04, 6.7265770927008700853e+04,
                                  3.3430575583588128105e+04, 2.5090809287301226727e+03};
  static constexpr double b[8] = {1.0,
                                  4.2313330701600911252e+01,
                                  6.8718700749205790830e+02,
                                  5.3941960214247511077e+03,
                                  2.1213794301586595867e+04,
                                  3.9307895800092710610e+04,
                                  2.8729085735721942674e+04,
                                  5.2264952788528545610e+03};
  static constexpr double c[8] = {1.42343711074968357734e+00, 4.63033784615654529590e+00,
                                  5.76949722146069140550e+00, 3.64784832476320460504e+00,
                                  1.27045825245236838258e+00, 2.41780725177450611770e-01,
                                  2.27238449892691845833e-02, 7.74545014278341407640e-04};
  static constexpr double d[8] = {1.0,
                                  2.05319162663775882187e+00,
                                  1.67638483018380384940e+00,
                                  6.89767334985100004550e-01,
                                  1.48103976427480074590e-01,
                                  1.51986665636164571966e-02,
                                  5.47593808499534494600e-04,
                                  1.05075007164441684324e-09};
  static constexpr double e[8] = {6.65790464350110377720e+00, 5.46378491116411436990e+00,
                                  1.78482653991729133580e+00, 2.96560571828504891230e-01,
                                  2.65321895265761230930e-02, 1.24266094738807843860e-03,
                                  2.71155556874348757815e-05, 2.01033439929228813265e-07};
  static constexpr double f[8] = {1.0,
                                  5.99832206555887937690e-01,
                                  1.36929880922735805310e-01,
                                  1.48753612908506148525e-02,
                                  7.86869131145613259100e-04,
                                  1.84631831751005468180e-05,
                                  1.42151175831644588870e-07,
                                  2.04426310338993978564e-15};
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * horner(a, r) / horner(b, r);
  }
  double r = std::sqrt(-std::log(q < 0.0 ? p : 1.0 - p));
  double x;
  if (r <= 5.0) {
    r -= 1.6;
    x = horner(c, r) / horner(d, r);
  } else {
    r -= 5.0;
    x = horner(e, r) / horner(f, r);
  }
  return q < 0.0 ? -x : x;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

AliasTable::AliasTable(std::span<const double> weights) {
  const std::size_t n = weights.size();
  if (n == 0 || n > UINT32_MAX) {
    invalid("AliasTable", "needs between 1 and 2^32 - 1 weights, got " + std::to_string(n));
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(weights[i] >= 0.0) || !std::isfinite(weights[i])) {
      invalid("AliasTable", "weight " + std::to_string(i) +
                                " must be non-negative and finite, got " + show(weights[i]));
    }
    sum += weights[i];
  }
  if (!(sum > 0.0) || !std::isfinite(sum)) {
    invalid("AliasTable", "weights must have a positive finite sum, got " + show(sum));
  }
  // Vose (1991), "A linear algorithm for generating random numbers with a given
  // distribution", IEEE TSE 17(9): scale to mean 1, then pair each short column with
  // a tall one.
  probability_.assign(n, 1.0);
  alias_.resize(n);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] / sum * static_cast<double>(n);
    alias_[i] = static_cast<std::uint32_t>(i);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t l = small.back();
    small.pop_back();
    const std::uint32_t g = large.back();
    large.pop_back();
    probability_[l] = scaled[l];
    alias_[l] = g;
    scaled[g] = (scaled[g] + scaled[l]) - 1.0;
    (scaled[g] < 1.0 ? small : large).push_back(g);
  }
  // What is left is 1 up to rounding: those columns keep probability 1, alias itself.
}

std::uint32_t AliasTable::sample(Stream& s) const { return sample(s.uniform01()); }

std::uint32_t AliasTable::sample(double u) const {
  if (probability_.empty()) {
    throw std::logic_error("AliasTable::sample: the table is empty (default-constructed)");
  }
  const auto n = static_cast<std::uint32_t>(probability_.size());
  const double x = u * static_cast<double>(n);
  std::uint32_t column = static_cast<std::uint32_t>(x);
  if (column >= n) {  // u * n can round up to n for u just below 1
    column = n - 1;
  }
  const double fraction = x - static_cast<double>(column);
  return fraction < probability_[column] ? column : alias_[column];
}

PiecewiseConstant::PiecewiseConstant(std::span<const double> edges,
                                     std::span<const double> weights) {
  if (weights.empty() || edges.size() != weights.size() + 1) {
    invalid("PiecewiseConstant", "needs n >= 1 weights and n + 1 edges, got " +
                                     std::to_string(weights.size()) + " weights and " +
                                     std::to_string(edges.size()) + " edges");
  }
  std::vector<double> masses(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(edges[i]) || !std::isfinite(edges[i + 1]) || !(edges[i] < edges[i + 1])) {
      invalid("PiecewiseConstant", "edges must be finite and strictly increasing, got edges[" +
                                       std::to_string(i) + "] = " + show(edges[i]) + ", edges[" +
                                       std::to_string(i + 1) + "] = " + show(edges[i + 1]));
    }
    if (!(weights[i] >= 0.0) || !std::isfinite(weights[i])) {
      invalid("PiecewiseConstant", "weight " + std::to_string(i) +
                                       " must be non-negative and finite, got " + show(weights[i]));
    }
    masses[i] = weights[i] * (edges[i + 1] - edges[i]);
  }
  bins_ = AliasTable(masses);
  edges_.assign(edges.begin(), edges.end());
}

double PiecewiseConstant::sample(Stream& s) const {
  if (edges_.empty()) {
    throw std::logic_error("PiecewiseConstant::sample: default-constructed distribution");
  }
  const std::uint32_t bin = bins_.sample(s);
  const double low = edges_[bin];
  const double high = edges_[bin + 1];
  const double x = low + (high - low) * s.uniform01();
  // Rounding must not put the draw on the (excluded) upper edge.
  return x < high ? x : std::nextafter(high, low);
}

}  // namespace stsim::random
