#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>

#include "sim/stats/intervals.h"

namespace st = stsim::stats;

namespace {

// Published tables give 4 decimals: agree to half a unit in the last place.
void check_4dp(const st::Interval& got, double low, double high) {
  CHECK(std::fabs(got.low - low) <= 0.5e-4);
  CHECK(std::fabs(got.high - high) <= 0.5e-4);
}

}  // namespace

TEST_CASE("Wilson and Clopper-Pearson against Newcombe (1998)", "[stats]") {
  // Newcombe RG (1998), "Two-sided confidence intervals for the single proportion:
  // comparison of seven methods", Statistics in Medicine 17: 857-872, Table II
  // (95%; method 3 = Wilson score, method 5 = exact Clopper-Pearson).
  check_4dp(st::wilson(81, 263), 0.2553, 0.3662);
  check_4dp(st::clopper_pearson(81, 263), 0.2527, 0.3676);
  check_4dp(st::wilson(15, 148), 0.0624, 0.1605);
  check_4dp(st::clopper_pearson(15, 148), 0.0578, 0.1617);
  check_4dp(st::wilson(0, 20), 0.0000, 0.1611);
  check_4dp(st::clopper_pearson(0, 20), 0.0000, 0.1684);
  check_4dp(st::wilson(1, 29), 0.0061, 0.1718);
  check_4dp(st::clopper_pearson(1, 29), 0.0009, 0.1776);
}

TEST_CASE("Clopper-Pearson against R's binom.test example", "[stats]") {
  // R documentation, ?binom.test: binom.test(c(682, 243), p = 3/4) reports the 95%
  // interval 0.7076683 0.7654066.
  const st::Interval i = st::clopper_pearson(682, 925);
  CHECK(std::fabs(i.low - 0.7076683) <= 0.5e-7);
  CHECK(std::fabs(i.high - 0.7654066) <= 0.5e-7);
}

TEST_CASE("proportion intervals at k = 0 and k = n", "[stats]") {
  for (std::uint64_t n : {1u, 7u, 100u, 100000u}) {
    const double nd = static_cast<double>(n);
    // Exact closed forms: at k = 0 the upper limit solves (1 - p)^n = alpha / 2.
    const st::Interval cp0 = st::clopper_pearson(0, n);
    CHECK(cp0.low == 0.0);
    CHECK(cp0.high == Approx(1.0 - std::pow(0.025, 1.0 / nd)).epsilon(1e-12));
    const st::Interval cpn = st::clopper_pearson(n, n);
    CHECK(cpn.high == 1.0);
    CHECK(cpn.low == Approx(std::pow(0.025, 1.0 / nd)).epsilon(1e-12));
    // Wilson at k = 0: [0, z^2 / (n + z^2)].
    const double z2 = 1.959963984540054 * 1.959963984540054;
    const st::Interval w0 = st::wilson(0, n);
    CHECK(w0.low == 0.0);
    CHECK(w0.high == Approx(z2 / (nd + z2)).epsilon(1e-12));
    const st::Interval wn = st::wilson(n, n);
    CHECK(wn.high == 1.0);
    CHECK(wn.low == Approx(nd / (nd + z2)).epsilon(1e-12));
  }
}

TEST_CASE("intervals widen with the confidence level", "[stats]") {
  const st::Interval w90 = st::wilson(30, 100, 0.90);
  const st::Interval w99 = st::wilson(30, 100, 0.99);
  CHECK(w99.low < w90.low);
  CHECK(w99.high > w90.high);
  const st::Interval c90 = st::clopper_pearson(30, 100, 0.90);
  const st::Interval c99 = st::clopper_pearson(30, 100, 0.99);
  CHECK(c99.low < c90.low);
  CHECK(c99.high > c90.high);
  // Clopper-Pearson is conservative: it contains Wilson here.
  const st::Interval w95 = st::wilson(30, 100);
  const st::Interval c95 = st::clopper_pearson(30, 100);
  CHECK(c95.low < w95.low);
  CHECK(c95.high > w95.high);
}

TEST_CASE("Garwood exact Poisson limits against the published table", "[stats]") {
  // 95% exact limits for a Poisson count k (Garwood 1936, Biometrika 28: 437-442), as
  // tabulated e.g. by Sahai & Khurshid (1993), Statistica Neerlandica 47: 125-145:
  // k = 0: 0, 3.689; 1: 0.0253, 5.572; 2: 0.2422, 7.225; 3: 0.6187, 8.767;
  // 4: 1.0899, 10.242; 5: 1.6235, 11.668; 10: 4.7954, 18.390.
  struct Row {
    std::uint64_t k;
    double low;
    double high;
    double tolerance;
  };
  const Row rows[] = {{0, 0.0, 3.689, 0.5e-3},     {1, 0.0253, 5.572, 0.5e-3},
                      {2, 0.2422, 7.225, 0.5e-3},  {3, 0.6187, 8.767, 0.5e-3},
                      {4, 1.0899, 10.242, 0.5e-3}, {5, 1.6235, 11.668, 0.5e-3},
                      {10, 4.7954, 18.390, 0.5e-3}};
  for (const Row& r : rows) {
    INFO("k = " << r.k);
    const st::Interval unit = st::garwood(r.k, 1.0);
    CHECK(std::fabs(unit.low - r.low) <= r.tolerance);
    CHECK(std::fabs(unit.high - r.high) <= r.tolerance);
    // A rate: the same limits divided by the exposure.
    const st::Interval rate = st::garwood(r.k, 250.0);
    CHECK(rate.low == Approx(unit.low / 250.0).epsilon(1e-14));
    CHECK(rate.high == Approx(unit.high / 250.0).epsilon(1e-14));
  }
  // k = 0: the lower limit is exactly 0 and the upper one is -log(alpha / 2).
  CHECK(st::garwood(0, 1.0).low == 0.0);
  CHECK(st::garwood(0, 1.0).high == Approx(-std::log(0.025)).epsilon(1e-13));
}

TEST_CASE("clustered intervals are the exact intervals of the effective sample", "[stats]") {
  // A design effect of 4 turns 40 events in 400 trials into 10 in 100.
  const auto cp = st::clopper_pearson_clustered(40, 400, 4.0);
  CHECK(cp.low == Approx(st::clopper_pearson(10, 100).low).epsilon(1e-12));
  CHECK(cp.high == Approx(st::clopper_pearson(10, 100).high).epsilon(1e-12));
  const auto rate = st::garwood_clustered(40, 400.0, 4.0);
  CHECK(rate.low == Approx(st::garwood(10, 100.0).low).epsilon(1e-12));
  CHECK(rate.high == Approx(st::garwood(10, 100.0).high).epsilon(1e-12));
  // No overdispersion, or less than binomial: the plain interval, never a narrower one.
  for (double d : {0.0, 0.5, 1.0}) {
    CHECK(st::clopper_pearson_clustered(40, 400, d).low == st::clopper_pearson(40, 400).low);
    CHECK(st::clopper_pearson_clustered(40, 400, d).high == st::clopper_pearson(40, 400).high);
    CHECK(st::garwood_clustered(40, 400.0, d).high == st::garwood(40, 400.0).high);
  }
  // The ends that are exact stay exact.
  CHECK(st::clopper_pearson_clustered(0, 400, 4.0).low == 0.0);
  CHECK(st::clopper_pearson_clustered(400, 400, 4.0).high == 1.0);
  CHECK(st::garwood_clustered(0, 400.0, 4.0).high ==
        Approx(st::garwood(0, 100.0).high).epsilon(1e-12));
}

TEST_CASE("Student t intervals use the tabulated quantiles", "[stats]") {
  // Two-sided 95% critical values t(0.975, df) from the NIST/SEMATECH e-Handbook of
  // Statistical Methods, table 1.3.6.7.2: df 1: 12.706, 2: 4.303, 5: 2.571, 10: 2.228,
  // 30: 2.042, 120: 1.980.
  const std::pair<std::uint64_t, double> table[] = {{1, 12.706}, {2, 4.303},  {5, 2.571},
                                                    {10, 2.228}, {30, 2.042}, {120, 1.980}};
  for (auto [df, t] : table) {
    const st::Interval i = st::student_t(10.0, 0.5, df + 1);
    INFO("df = " << df);
    CHECK(std::fabs((i.high - 10.0) / 0.5 - t) <= 0.5e-3);
    CHECK(std::fabs((10.0 - i.low) / 0.5 - t) <= 0.5e-3);
  }
  // 99%, df 10: 3.169 (same table).
  const st::Interval i99 = st::student_t(0.0, 1.0, 11, 0.99);
  CHECK(std::fabs(i99.high - 3.169) <= 0.5e-3);
  // A zero standard error gives a point.
  const st::Interval point = st::student_t(2.0, 0.0, 5);
  CHECK(point.low == 2.0);
  CHECK(point.high == 2.0);
}

TEST_CASE("zero-event bounds: rule of three and its exact form", "[stats]") {
  // Hanley & Lippman-Hand (1983), "If nothing goes wrong, is everything all right?",
  // JAMA 249: 1743-1745: after 0 events in n trials, 3/n bounds p at 95%.
  CHECK(st::rule_of_three_upper(300) == 0.01);
  CHECK(st::rule_of_three_upper(3) == 1.0);
  // Exact: (1 - p)^n = 1 - c.
  for (std::uint64_t n : {1u, 10u, 300u, 1000000u}) {
    const double p = st::zero_event_upper(n);
    CHECK(std::pow(1.0 - p, static_cast<double>(n)) == Approx(0.05).epsilon(1e-9));
    CHECK(p < st::rule_of_three_upper(n));
  }
  CHECK(st::zero_event_upper(1) == Approx(0.95).epsilon(1e-15));
  CHECK(st::zero_event_upper(10, 0.99) == Approx(1.0 - std::pow(0.01, 0.1)).epsilon(1e-13));
  // For large n the exact bound approaches 3/n (-log 0.05 = 2.9957).
  CHECK(st::zero_event_upper(1000000000) * 1e9 == Approx(-std::log(0.05)).epsilon(1e-8));
  // The one-sided exact bound equals Clopper-Pearson's upper limit at 90% two-sided.
  CHECK(st::zero_event_upper(50) == Approx(st::clopper_pearson(0, 50, 0.90).high).epsilon(1e-12));
}

TEST_CASE("failure-free trials needed for a claim", "[stats]") {
  // 0.999^2995 = 0.04998 <= 0.05 < 0.999^2994 = 0.05003.
  CHECK(st::trials_for_zero_event_claim(1e-3) == 2995);
  CHECK(st::trials_for_zero_event_claim(1e-2) == 299);
  CHECK(st::trials_for_zero_event_claim(0.5, 0.75) == 2);  // 0.5^2 = 0.25 exactly
  CHECK(st::trials_for_zero_event_claim(1e-6, 0.99) == 4605168);
  // Consistency with the bound: after n failure-free trials the bound is just below p.
  for (double p : {0.1, 1e-3, 1e-7}) {
    const std::uint64_t n = st::trials_for_zero_event_claim(p);
    CHECK(st::zero_event_upper(n) <= p);
    CHECK(st::zero_event_upper(n - 1) > p);
  }
}

TEST_CASE("invalid interval arguments are rejected", "[stats]") {
  CHECK_THROWS_AS(st::wilson(1, 0), std::invalid_argument);
  CHECK_THROWS_AS(st::wilson(5, 4), std::invalid_argument);
  CHECK_THROWS_AS(st::clopper_pearson(1, 2, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(st::clopper_pearson(1, 2, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(st::garwood(1, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(st::garwood(1, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(st::clopper_pearson_clustered(1, 2, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(st::garwood_clustered(1, 2.0, std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(st::student_t(0.0, 1.0, 1), std::invalid_argument);
  CHECK_THROWS_AS(st::student_t(0.0, -1.0, 10), std::invalid_argument);
  CHECK_THROWS_AS(st::rule_of_three_upper(0), std::invalid_argument);
  CHECK_THROWS_AS(st::zero_event_upper(0), std::invalid_argument);
  CHECK_THROWS_AS(st::trials_for_zero_event_claim(0.0), std::invalid_argument);
  CHECK_THROWS_AS(st::trials_for_zero_event_claim(1.0), std::invalid_argument);
  CHECK_THROWS_AS(st::trials_for_zero_event_claim(0.1, 1.5), std::invalid_argument);
}

TEST_CASE("A mean of non-negative values has an interval above zero", "[stats]") {
  // Mean 0.5 with standard error 0.4 from 10 values: Student t would reach below zero.
  const double q = 2.2621571627409915;  // t(0.975; 9), scipy
  const auto t = st::student_t(0.5, 0.4, 10);
  CHECK(t.low < 0.0);
  const auto i = st::positive_mean(0.5, 0.4, 10);
  // scipy's and Boost's t quantiles agree to about 1e-11.
  CHECK(std::fabs(i.low / (0.5 * std::exp(-q * 0.8)) - 1.0) <= 1e-9);
  CHECK(std::fabs(i.high / (0.5 * std::exp(q * 0.8)) - 1.0) <= 1e-9);
  CHECK(i.low > 0.0);
  // Every value zero: nothing to spread.
  const auto zero = st::positive_mean(0.0, 0.0, 10);
  CHECK(zero.low == 0.0);
  CHECK(zero.high == 0.0);
  CHECK_THROWS_WITH(st::positive_mean(-1.0, 0.1, 10),
                    Catch::StartsWith("positive_mean: mean must be non-negative"));
  CHECK_THROWS_WITH(st::positive_mean(1.0, 0.1, 1),
                    "positive_mean: needs at least 2 observations, got 1");
}
