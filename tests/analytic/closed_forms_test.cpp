// The textbook closed forms against published tables and hand-derived values.

#include "sim/analytic/closed_forms.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace stsim::analytic;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("Erlang B and C agree with published traffic tables", "[analytic][queue]") {
  // Erlang B tables (e.g. ITU-T E-series traffic tables): 10 lines at 8 Erlangs -> 0.1217,
  // 5 lines at 4 Erlangs -> 0.1991. Erlang C: M/M/2 at 1 Erlang waits with probability
  // 1/3 (Gross & Harris); 10 agents at 8 Erlangs -> 0.4092 (call-centre tables).
  CHECK_THAT(erlang_b(10, 8.0), WithinAbs(0.12166, 5e-5));
  CHECK_THAT(erlang_b(5, 4.0), WithinAbs(0.19907, 5e-5));
  CHECK_THAT(erlang_c(2, 1.0), WithinRel(1.0 / 3.0, 1e-12));
  CHECK_THAT(erlang_c(10, 8.0), WithinAbs(0.40918, 5e-5));
  CHECK_THAT(erlang_c(1, 0.3), WithinRel(0.3, 1e-12));  // M/M/1: P(wait) = rho
  CHECK(erlang_c(3, 3.5) == 1.0);
}

TEST_CASE("M/M/c waiting time and utilisation", "[analytic][queue]") {
  const auto q = mmc(8.0, 1.0, 10);
  REQUIRE(q.stable);
  CHECK_THAT(q.p_wait, WithinAbs(0.40918, 5e-5));
  CHECK_THAT(q.mean_wait, WithinRel(q.p_wait / (10.0 - 8.0), 1e-12));  // C / (c mu - lambda)
  CHECK_THAT(q.utilisation, WithinRel(0.8, 1e-12));
  // M/M/1: Wq = rho / (mu - lambda).
  const auto one = mmc(3.0, 4.0, 1);
  CHECK_THAT(one.mean_wait, WithinRel(0.75 / 1.0, 1e-12));
  CHECK_FALSE(mmc(5.0, 1.0, 4).stable);
}

TEST_CASE("M/M/c/K overflow and wait", "[analytic][queue]") {
  // M/M/1/3 at rho = 1/2 (two waiting places): p_K = (1 - rho) rho^3 / (1 - rho^4) = 1/15,
  // L = rho/(1-rho) - 4 rho^4/(1 - rho^4) = 11/15, Lq = L - (1 - p0) = 4/15,
  // Wq = Lq / (lambda (1 - p_K)) = 2/7.
  const auto q = mmc(1.0, 2.0, 1, 2);
  CHECK_THAT(q.p_overflow, WithinRel(1.0 / 15.0, 1e-12));
  CHECK_THAT(q.mean_queue, WithinRel(4.0 / 15.0, 1e-12));
  CHECK_THAT(q.mean_wait, WithinRel(2.0 / 7.0, 1e-12));
  CHECK_THAT(q.utilisation, WithinRel(0.5 * 14.0 / 15.0, 1e-12));
  // A very long queue is Erlang C.
  const auto longq = mmc(8.0, 1.0, 10, 5000);
  CHECK_THAT(longq.p_wait, WithinRel(erlang_c(10, 8.0), 1e-9));
  CHECK_THAT(longq.mean_wait, WithinRel(mmc(8.0, 1.0, 10).mean_wait, 1e-9));
}

TEST_CASE("M/M/c/K: a busy period fills the pool before it empties", "[analytic][queue]") {
  // M/M/1: the gambler's ruin with up-steps lambda and down-steps mu, from 1 to K before 0:
  // (1 - mu/lambda) / (1 - (mu/lambda)^K); at rho = 1/2 and K = 29, 1 / (2^29 - 1).
  CHECK_THAT(mmc(10.0, 20.0, 1, 28).p_fill_before_empty,
             WithinRel(1.0 / (std::ldexp(1.0, 29) - 1.0), 1e-12));
  CHECK_THAT(mmc(1.0, 2.0, 1, 2).p_fill_before_empty, WithinRel(1.0 / 7.0, 1e-12));
  CHECK_THAT(mmc(1.0, 2.0, 1, 2).p_empty, WithinRel(8.0 / 15.0, 1e-12));
  // M/M/2/4 with lambda = 3, mu = 1 (down-rates mu, 2 mu, 2 mu): by first-step analysis,
  // h(1) = 1 / (1 + 1/3 + 2/9 + 4/27) = 27/46.
  CHECK_THAT(mmc(3.0, 1.0, 2, 2).p_fill_before_empty, WithinRel(27.0 / 46.0, 1e-12));
  // No arrivals: nothing fills.
  CHECK(mmc(0.0, 1.0, 2, 2).p_fill_before_empty == 0.0);
}

TEST_CASE("beta-factor and multiple Greek letter numbers", "[analytic][ccf]") {
  // Two layers missing 10% and 20% of hazards: independence claims 0.02; a beta of 0.1
  // gives 0.1 * (0.1 + 0.9 * 0.2) = 0.028.
  CHECK_THAT(beta_factor_both_miss(0.1, 0.2, 0.0), WithinRel(0.02, 1e-12));
  CHECK_THAT(beta_factor_both_miss(0.1, 0.2, 0.1), WithinRel(0.028, 1e-12));
  CHECK_THAT(beta_factor_both_miss(0.1, 0.2, 1.0), WithinRel(0.1, 1e-12));
  CHECK_THAT(mgl_all_three_miss(0.1, 0.2, 0.3, 0.1, 0.3), WithinRel(0.1 * 0.28 * 0.51, 1e-12));
  // NUREG/CR-5485: for rare failures the MGL triple-failure probability is beta gamma Q.
  const double q = 1e-4;
  CHECK_THAT(mgl_all_three_miss(q, q, q, 0.1, 0.3), WithinRel(0.1 * 0.3 * q, 0.01));
}

TEST_CASE("PFD avg of a proof-tested 1oo1 safeguard", "[analytic][pfd]") {
  // Without repair time the exact form is 1 - (1 - exp(-x)) / x, x = lambda T, and its
  // ratio to the IEC 61508-6 approximation lambda T / 2 is 1 - x/3 + x^2/12 - ...
  const double lambda = 1e-5, t = 8760.0, x = lambda * t;
  const double exact = pfd_avg_1oo1(lambda, t, 0.0);
  CHECK_THAT(exact, WithinRel(1.0 - (1.0 - std::exp(-x)) / x, 1e-12));
  const double ratio = exact / pfd_avg_1oo1_approx(lambda, t, 0.0);
  CHECK(std::abs(ratio - (1.0 - x / 3.0)) < x * x / 12.0 * 1.01);
  // Rare failures: the approximation becomes exact.
  CHECK_THAT(pfd_avg_1oo1(1e-9, 1000.0, 10.0),
             WithinRel(pfd_avg_1oo1_approx(1e-9, 1000.0, 10.0), 1e-5));
  // Hand-computed periodic steady state, lambda 1e-3/h, T = 100 h, R = 10 h:
  // p = (1 - e^-0.1) / (1 + e^-0.09 - e^-0.1) = 0.0943050; PFD = 0.0569501.
  CHECK_THAT(pfd_avg_1oo1(1e-3, 100.0, 10.0), WithinAbs(0.0569501, 2e-7));
  CHECK_THROWS_AS(pfd_avg_1oo1(1e-3, 100.0, 100.0), std::invalid_argument);
}
