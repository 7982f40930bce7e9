#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/stats/evidence.h"

namespace st = stsim::stats;

namespace {

// Chi-square quantiles from scipy.stats.chi2.ppf, halved: agree to 1e-12 relative.
bool close(double got, double expected) {
  return std::fabs(got - expected) <= 1e-12 * std::fabs(expected);
}

}  // namespace

TEST_CASE("Exponential time to first harm: exact chi-square bounds", "[stats]") {
  // No first harm in 1,000 hours on test: the one-sided 95% upper bound on the rate is
  // chi2(0.95; 2) / 2 / T = -ln(0.05) / T, and the mean time is unbounded above.
  const auto none = st::exponential_first_harm(0, 1000.0);
  CHECK(none.rate == 0.0);
  CHECK(close(none.rate_upper, 2.9957322735539895 / 1000.0));
  CHECK(close(none.rate_interval.high, 3.6888794541139354 / 1000.0));
  CHECK(none.rate_interval.low == 0.0);
  CHECK(std::isinf(none.mean_time));
  CHECK(std::isinf(none.mean_time_interval.high));
  CHECK(close(none.mean_time_lower, 1000.0 / 2.9957322735539895));

  const auto one = st::exponential_first_harm(1, 1000.0);
  CHECK(close(one.rate_upper, 4.743864518390577 / 1000.0));
  CHECK(close(one.rate_interval.low, 0.025317807984289876 / 1000.0));
  CHECK(close(one.rate_interval.high, 5.571643390938898 / 1000.0));
  CHECK(one.mean_time == 1000.0);

  // Ten first harms in 2,000 hours: chi2 with 20 and 22 degrees of freedom.
  const auto ten = st::exponential_first_harm(10, 2000.0);
  CHECK(ten.rate == 10.0 / 2000.0);
  CHECK(close(ten.rate_upper, 16.962219235721903 / 2000.0));
  CHECK(close(ten.rate_interval.low, 4.7953886961324335 / 2000.0));
  CHECK(close(ten.mean_time_interval.low, 2000.0 / 18.39035604201778));
  CHECK(close(ten.mean_time_interval.high, 2000.0 / 4.7953886961324335));
  CHECK(close(ten.mean_time_stderr, 200.0 / std::sqrt(10.0)));
}

TEST_CASE("Exponential time to first harm: bad arguments are refused", "[stats]") {
  CHECK_THROWS_WITH(st::exponential_first_harm(1, 10.0, 0.95, 0.4),
                    "exponential_first_harm: a one-sided bound needs confidence > 0.5");
  CHECK_THROWS_WITH(st::exponential_first_harm(1, 0.0),
                    Catch::Contains("exposure must be positive and finite"));
}

TEST_CASE("Kaplan-Meier against a product-limit computed by hand", "[stats]") {
  // 10 at risk: 2 harms in interval 0, 1 censored at its end; 7 at risk: 1 harm, 1
  // censored; 5 at risk: none, 5 censored. S = 0.8, 0.8 * 6/7, unchanged.
  const auto curve = st::kaplan_meier({2, 1, 0}, {1, 1, 5});
  REQUIRE(curve.survival.size() == 4);
  CHECK(curve.survival[0] == 1.0);
  CHECK(curve.survival[1] == 0.8);
  CHECK(close(curve.survival[2], 0.8 * 6.0 / 7.0));
  CHECK(curve.survival[3] == curve.survival[2]);
  // Greenwood: 2/(10*8) + 1/(7*6); log(-log S) bounds (R survival, conf.type "log-log").
  const double g = 2.0 / 80.0 + 1.0 / 42.0;
  const double s = 0.8 * 6.0 / 7.0;
  const double sd = std::sqrt(g) / std::fabs(std::log(s));
  const double z = 1.959963984540054;
  CHECK(close(curve.low[2], std::pow(s, std::exp(z * sd))));
  CHECK(close(curve.high[2], std::pow(s, std::exp(-z * sd))));
  CHECK(curve.low[2] < s);
  CHECK(curve.high[2] > s);
  CHECK(curve.low[0] == 1.0);
  CHECK(curve.high[0] == 1.0);
}

TEST_CASE("Kaplan-Meier censored only at the end is the empirical survival", "[stats]") {
  const auto curve = st::kaplan_meier({3, 0, 5, 2}, {0, 0, 0, 90});
  CHECK(close(curve.survival[1], 97.0 / 100.0));
  CHECK(close(curve.survival[3], 92.0 / 100.0));
  CHECK(close(curve.survival[4], 90.0 / 100.0));
  for (std::size_t j = 0; j < curve.survival.size(); ++j) {
    CHECK(curve.low[j] >= 0.0);
    CHECK(curve.high[j] <= 1.0);
  }
  CHECK_THROWS_WITH(st::kaplan_meier({1}, {1, 2}),
                    "kaplan_meier: events and censored differ in length");
}

TEST_CASE("Acceptance test: one-sided exact bounds against the target", "[stats]") {
  // 3 harms in 10^6 tasks: one-sided 95% Clopper-Pearson bounds (scipy beta.ppf).
  const auto a = st::accept_proportion_below(1e-5, 3, 1'000'000, 1.0);
  CHECK(std::fabs(a.upper - 7.75363809884006e-06) <= 1e-12);
  CHECK(std::fabs(a.lower - 8.176919305463174e-07) <= 1e-12);
  CHECK(a.verdict == st::Verdict::met);
  CHECK(st::accept_proportion_below(5e-6, 3, 1'000'000, 1.0).verdict == st::Verdict::undecided);
  CHECK(st::accept_proportion_below(5e-7, 3, 1'000'000, 1.0).verdict == st::Verdict::not_met);
  // Clustering widens the bounds: the same counts with a design effect of 4 decide less.
  const auto clustered = st::accept_proportion_below(1e-5, 3, 1'000'000, 4.0);
  CHECK(clustered.upper > a.upper);
  CHECK(std::string(st::to_string(st::Verdict::not_met)) == "not met");
}

TEST_CASE("Sequential looks share the error (Bonferroni)", "[stats]") {
  CHECK(st::sequential_look_confidence(0.95, 1) == 0.95);
  CHECK(close(st::sequential_look_confidence(0.95, 200), 1.0 - 0.05 / 200.0));
  CHECK_THROWS_WITH(st::sequential_look_confidence(0.95, 0),
                    "sequential_look_confidence: needs at least one look");
}

TEST_CASE("Failure-free operation a claim needs", "[stats]") {
  // -ln(0.05) / 1e-4 per hour: about 29,957 hours.
  CHECK(close(st::failure_free_hours_for_claim(1e-4), 2.9957322735539895e4));
  CHECK_THROWS_WITH(st::failure_free_hours_for_claim(0.0),
                    "failure_free_hours_for_claim: the target must be positive");
}
