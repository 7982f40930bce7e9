#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "sim/random/distributions.h"

namespace sr = stsim::random;
using sr::Purpose;
using sr::Stream;
using sr::StreamKey;

namespace {

Stream stream(std::uint32_t component) {
  return Stream(StreamKey{12345, 0, 0, component, Purpose::test});
}

struct Moments {
  double mean;
  double variance;
  double fourth_central;  // E[(X - mean)^4], for the standard error of the variance
};

// Central moments from the raw ones E[X], E[X^2], E[X^3], E[X^4].
Moments from_raw(double m1, double m2, double m3, double m4) {
  return {m1, m2 - m1 * m1, m4 - 4 * m3 * m1 + 6 * m2 * m1 * m1 - 3 * m1 * m1 * m1 * m1};
}

// Sample mean and variance of n draws within 4.5 standard errors of the exact values.
// SE(mean) = sqrt(var / n); SE(sample variance) = sqrt((mu4 - var^2) / n) to first order.
void check_moments(const std::string& name, const std::function<double()>& draw,
                   const Moments& exact, std::size_t n = 200000) {
  double mean = 0.0;
  double m2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = draw();
    const double delta = x - mean;
    mean += delta / static_cast<double>(i + 1);
    m2 += delta * (x - mean);
  }
  const double variance = m2 / static_cast<double>(n - 1);
  const double count = static_cast<double>(n);
  const double se_mean = std::sqrt(exact.variance / count);
  const double se_variance =
      std::sqrt((exact.fourth_central - exact.variance * exact.variance) / count);
  INFO(name << ": mean " << mean << " vs " << exact.mean << " (se " << se_mean << "), variance "
            << variance << " vs " << exact.variance << " (se " << se_variance << ")");
  CHECK(std::fabs(mean - exact.mean) <= 4.5 * se_mean);
  CHECK(std::fabs(variance - exact.variance) <= 4.5 * se_variance);
}

// Pearson chi-squared of observed counts against expected probabilities (bins with a
// small expectation pooled into the last), against the 1e-6 upper quantile.
void check_frequencies(const std::vector<std::size_t>& counts, const std::vector<double>& p,
                       std::size_t n) {
  double chi2 = 0.0;
  int df = -1;
  double pooled_expected = 0.0;
  double pooled_observed = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double expected = p[i] * static_cast<double>(n);
    if (expected < 20.0) {
      pooled_expected += expected;
      pooled_observed += static_cast<double>(counts[i]);
      continue;
    }
    const double d = static_cast<double>(counts[i]) - expected;
    chi2 += d * d / expected;
    ++df;
  }
  if (pooled_expected > 0.0) {
    const double d = pooled_observed - pooled_expected;
    chi2 += d * d / pooled_expected;
    ++df;
  }
  REQUIRE(df >= 1);
  const boost::math::chi_squared dist(df);
  const double threshold = boost::math::quantile(boost::math::complement(dist, 1e-6));
  INFO("chi2 " << chi2 << " with " << df << " df, threshold " << threshold);
  CHECK(chi2 < threshold);
}

}  // namespace

TEST_CASE("uniform, bernoulli and exponential moments", "[random][statistical]") {
  Stream s = stream(1);
  check_moments("uniform(-2, 3)", [&] { return sr::uniform(s, -2.0, 3.0); },
                {0.5, 25.0 / 12.0, 625.0 / 80.0});
  for (double p : {0.3, 0.001}) {
    const double q = 1.0 - p;
    check_moments("bernoulli(" + std::to_string(p) + ")",
                  [&] { return sr::bernoulli(s, p) ? 1.0 : 0.0; },
                  {p, p * q, p * q * (1.0 - 3.0 * p * q)});
  }
  for (double rate : {1.0, 0.25, 40.0}) {
    check_moments("exponential(" + std::to_string(rate) + ")",
                  [&] { return sr::exponential(s, rate); },
                  {1.0 / rate, 1.0 / (rate * rate), 9.0 / std::pow(rate, 4)});
  }
}

TEST_CASE("bernoulli with p = 0 and p = 1 is certain", "[random]") {
  Stream s = stream(2);
  for (int i = 0; i < 10000; ++i) {
    REQUIRE_FALSE(sr::bernoulli(s, 0.0));
    REQUIRE(sr::bernoulli(s, 1.0));
  }
}

TEST_CASE("normal and lognormal moments", "[random][statistical]") {
  Stream s = stream(3);
  check_moments("normal(0, 1)", [&] { return sr::normal(s, 0.0, 1.0); }, {0.0, 1.0, 3.0});
  check_moments("normal(10, 2.5)", [&] { return sr::normal(s, 10.0, 2.5); },
                {10.0, 6.25, 3.0 * std::pow(2.5, 4)});
  // E[X^k] = exp(k mu + k^2 sigma^2 / 2).
  const double mu = 0.3;
  const double sigma = 0.5;
  auto raw = [&](double k) { return std::exp(k * mu + k * k * sigma * sigma / 2.0); };
  check_moments(
      "lognormal(0.3, 0.5)", [&] { return sr::lognormal(s, mu, sigma); },
      from_raw(raw(1), raw(2), raw(3), raw(4)));
}

TEST_CASE("normal_quantile matches Boost.Math to double precision", "[random]") {
  const boost::math::normal standard;
  for (double p : {1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.07, 0.075, 0.3, 0.5, 0.6, 0.925,
                   0.975, 0.999, 1.0 - 1e-10}) {
    const double expected = boost::math::quantile(standard, p);
    INFO("p = " << p);
    CHECK(sr::normal_quantile(p) == Approx(expected).epsilon(1e-14).margin(1e-15));
  }
  CHECK(sr::normal_quantile(0.0) == -std::numeric_limits<double>::infinity());
  CHECK(sr::normal_quantile(1.0) == std::numeric_limits<double>::infinity());
  CHECK_THROWS_AS(sr::normal_quantile(-0.1), std::invalid_argument);
  CHECK_THROWS_AS(sr::normal_quantile(std::nan("")), std::invalid_argument);
  for (double x : {-8.0, -3.0, -1.0, 0.0, 0.5, 2.0, 6.0}) {
    CHECK(sr::normal_cdf(x) == Approx(boost::math::cdf(standard, x)).epsilon(1e-14));
  }
}

TEST_CASE("gamma moments, both sides of shape 1", "[random][statistical]") {
  Stream s = stream(4);
  // mean k theta, variance k theta^2, fourth central moment 3 k (k + 2) theta^4.
  for (double shape : {0.3, 1.0, 2.5, 30.0}) {
    const double scale = 1.7;
    check_moments(
        "gamma(" + std::to_string(shape) + ")", [&] { return sr::gamma(s, shape, scale); },
        {shape * scale, shape * scale * scale, 3.0 * shape * (shape + 2.0) * std::pow(scale, 4)});
  }
}

TEST_CASE("beta moments, including tiny shapes", "[random][statistical]") {
  Stream s = stream(5);
  for (const auto& shapes :
       {std::pair{2.0, 5.0}, std::pair{0.5, 0.5}, std::pair{0.05, 0.1}, std::pair{1.0, 0.3}}) {
    // Named copies: clang 14 cannot capture structured bindings in lambdas.
    const double a = shapes.first, b = shapes.second;
    // E[X^k] = prod_{r<k} (a + r) / (a + b + r).
    auto raw = [&](int k) {
      double m = 1.0;
      for (int r = 0; r < k; ++r) {
        m *= (a + r) / (a + b + r);
      }
      return m;
    };
    std::size_t out_of_range = 0;
    check_moments(
        "beta(" + std::to_string(a) + ", " + std::to_string(b) + ")",
        [&] {
          const double x = sr::beta(s, a, b);
          out_of_range += (x >= 0.0 && x <= 1.0) ? 0 : 1;
          return x;
        },
        from_raw(raw(1), raw(2), raw(3), raw(4)));
    CHECK(out_of_range == 0);
  }
}

TEST_CASE("poisson moments in both regimes (inversion and PTRS)", "[random][statistical]") {
  Stream s = stream(6);
  // mean = variance = lambda; fourth central moment lambda (1 + 3 lambda).
  for (double lambda : {0.0, 0.05, 3.0, 9.99, 10.0, 47.3, 1000.0, 1e7}) {
    check_moments(
        "poisson(" + std::to_string(lambda) + ")",
        [&] { return static_cast<double>(sr::poisson(s, lambda)); },
        {lambda, lambda, lambda * (1.0 + 3.0 * lambda)}, 100000);
  }
}

TEST_CASE("poisson frequencies match the probability mass function", "[random][statistical]") {
  // A moment test would not see a wrong shape; the whole pmf is checked in each regime.
  Stream s = stream(7);
  for (double lambda : {4.0, 15.0, 150.0}) {
    const boost::math::poisson_distribution<double> dist(lambda);
    const auto top = static_cast<std::size_t>(lambda + 10.0 * std::sqrt(lambda) + 10.0);
    std::vector<double> p(top + 1);
    for (std::size_t k = 0; k < top; ++k) {
      p[k] = boost::math::pdf(dist, static_cast<double>(k));
    }
    p[top] = boost::math::cdf(boost::math::complement(dist, static_cast<double>(top - 1)));
    std::vector<std::size_t> counts(top + 1, 0);
    constexpr std::size_t n = 200000;
    for (std::size_t i = 0; i < n; ++i) {
      ++counts[std::min<std::size_t>(sr::poisson(s, lambda), top)];
    }
    INFO("lambda = " << lambda);
    check_frequencies(counts, p, n);
  }
}

TEST_CASE("alias table frequencies match the weights", "[random][statistical]") {
  Stream s = stream(8);
  const std::vector<double> weights{1.0, 0.0, 3.0, 6.0, 0.5, 0.0, 2.5};
  const sr::AliasTable table(weights);
  REQUIRE(table.size() == weights.size());
  const double total = 13.0;
  constexpr std::size_t n = 200000;
  std::vector<std::size_t> counts(weights.size(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    ++counts[table.sample(s)];
  }
  std::vector<double> p;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    p.push_back(weights[i] / total);
    // Each count is binomial(n, p_i).
    const double expected = static_cast<double>(n) * p[i];
    const double se = std::sqrt(expected * (1.0 - p[i]));
    INFO("category " << i);
    CHECK(std::fabs(static_cast<double>(counts[i]) - expected) <= 4.5 * se);
  }
  CHECK(counts[1] == 0);
  CHECK(counts[5] == 0);
  check_frequencies(counts, p, n);

  const std::vector<double> single{2.0};
  const sr::AliasTable one(single);
  for (int i = 0; i < 100; ++i) {
    REQUIRE(one.sample(s) == 0);
  }
}

TEST_CASE("alias table over many uneven categories", "[random]") {
  Stream s = stream(9);
  std::vector<double> weights;
  for (int i = 1; i <= 50; ++i) {
    weights.push_back(1.0 / (i * i));
  }
  const sr::AliasTable table(weights);
  double total = 0.0;
  for (double w : weights) {
    total += w;
  }
  std::vector<double> p;
  for (double w : weights) {
    p.push_back(w / total);
  }
  constexpr std::size_t n = 300000;
  std::vector<std::size_t> counts(weights.size(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    ++counts[table.sample(s)];
  }
  check_frequencies(counts, p, n);
}

TEST_CASE("piecewise-constant: weights are density heights", "[random][statistical]") {
  Stream s = stream(10);
  // Masses 1 * 1, 0.5 * 2, 0 * 1, 2 * 1 = 1, 1, 0, 2: probabilities 1/4, 1/4, 0, 1/2.
  const std::vector<double> edges{0.0, 1.0, 3.0, 4.0, 5.0};
  const std::vector<double> weights{1.0, 0.5, 0.0, 2.0};
  const sr::PiecewiseConstant dist(edges, weights);
  // Mixture of uniforms: mean sum p_i m_i; E[X^2] = sum p_i (lo^2 + lo hi + hi^2) / 3.
  const std::vector<double> p{0.25, 0.25, 0.0, 0.5};
  double raw[5] = {0, 0, 0, 0, 0};
  for (std::size_t i = 0; i < p.size(); ++i) {
    for (int k = 1; k <= 4; ++k) {
      // E[U^k] for U uniform on [lo, hi) = (hi^(k+1) - lo^(k+1)) / ((k+1)(hi - lo)).
      raw[k] += p[i] * (std::pow(edges[i + 1], k + 1) - std::pow(edges[i], k + 1)) /
                ((k + 1) * (edges[i + 1] - edges[i]));
    }
  }
  std::size_t outside = 0;
  std::size_t in_empty_bin = 0;
  check_moments(
      "piecewise",
      [&] {
        const double x = dist.sample(s);
        outside += (x >= 0.0 && x < 5.0) ? 0 : 1;
        in_empty_bin += (x >= 3.0 && x < 4.0) ? 1 : 0;
        return x;
      },
      from_raw(raw[1], raw[2], raw[3], raw[4]));
  CHECK(outside == 0);
  CHECK(in_empty_bin == 0);
}

TEST_CASE("invalid parameters are rejected with std::invalid_argument", "[random]") {
  Stream s = stream(11);
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(sr::uniform(s, 2.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(sr::uniform(s, 0.0, inf), std::invalid_argument);
  CHECK_THROWS_AS(sr::bernoulli(s, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(sr::bernoulli(s, nan), std::invalid_argument);
  CHECK_THROWS_AS(sr::exponential(s, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(sr::exponential(s, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(sr::normal(s, 0.0, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(sr::normal(s, nan, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(sr::lognormal(s, 0.0, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(sr::gamma(s, 0.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(sr::gamma(s, 1.0, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(sr::beta(s, 1.0, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(sr::poisson(s, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(sr::poisson(s, nan), std::invalid_argument);
  CHECK_THROWS_AS(sr::poisson(s, inf), std::invalid_argument);
  CHECK_THROWS_AS(sr::AliasTable(std::vector<double>{}), std::invalid_argument);
  CHECK_THROWS_AS(sr::AliasTable(std::vector<double>{1.0, -1.0}), std::invalid_argument);
  CHECK_THROWS_AS(sr::AliasTable(std::vector<double>{0.0, 0.0}), std::invalid_argument);
  CHECK_THROWS_AS(sr::AliasTable(std::vector<double>{1.0, nan}), std::invalid_argument);
  CHECK_THROWS_AS(sr::PiecewiseConstant(std::vector<double>{0.0, 1.0}, std::vector<double>{}),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      sr::PiecewiseConstant(std::vector<double>{0.0, 1.0, 1.0}, std::vector<double>{1.0, 1.0}),
      std::invalid_argument);
  CHECK_THROWS_AS(sr::PiecewiseConstant(std::vector<double>{0.0, 1.0}, std::vector<double>{-1.0}),
                  std::invalid_argument);
  // The message names the parameter and the value.
  try {
    sr::exponential(s, -2.5);
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK(message.find("rate") != std::string::npos);
    CHECK(message.find("-2.5") != std::string::npos);
  }
}

TEST_CASE("sampling a default-constructed table is an error", "[random]") {
  Stream s = stream(12);
  CHECK_THROWS_AS(sr::AliasTable().sample(s), std::logic_error);
  CHECK_THROWS_AS(sr::PiecewiseConstant().sample(s), std::logic_error);
}

TEST_CASE("draws depend only on the stream key", "[random]") {
  Stream a = stream(13);
  Stream b = stream(13);
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(sr::gamma(a, 0.7, 1.0) == sr::gamma(b, 0.7, 1.0));
    REQUIRE(sr::poisson(a, 33.0) == sr::poisson(b, 33.0));
  }
}
