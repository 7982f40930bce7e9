#pragma once
// Textbook closed forms the simulation is checked against. Each function states its
// source; the system-level analysis (analytic.h) composes them.

#include <cstdint>

namespace stsim::analytic {

// M/M/c with unbounded queue (Erlang C; Kleinrock, Queueing Systems vol. 1, 1975, 3.5;
// Gross & Harris, Fundamentals of Queueing Theory, 2.3), and M/M/c/K with K - c waiting
// places (Gross & Harris 2.5) when max_queue is finite. Steady state.
struct QueueResult {
  bool stable = true;         // false: offered load >= c with an unbounded queue
  double offered_load = 0.0;  // a = lambda / mu (Erlangs)
  double utilisation = 0.0;   // carried load per server: lambda_admitted / (c mu)
  double p_wait = 0.0;        // P(an admitted arrival waits)
  double mean_wait = 0.0;     // mean wait in queue of admitted arrivals (hours)
  double mean_queue = 0.0;    // mean number waiting
  double p_overflow = 0.0;    // P(an arrival finds the queue full)
  double p_empty = 0.0;       // P(an arrival finds the pool empty): starts a busy period
  // With a finite queue: P(a busy period fills the pool, K = c + max_queue in it, before
  // it empties), the birth-death chain's first passage from 1 to K before 0 (Karlin &
  // Taylor, A First Course in Stochastic Processes, 1975, 4.7):
  // 1 / sum_{j=0}^{K-1} prod_{i=1}^{j} min(i, c) mu / lambda.
  double p_fill_before_empty = 0.0;
};

// Erlang B blocking probability B(c, a), by the stable recurrence B(k) = a B(k-1) / (k + a B(k-1)).
double erlang_b(std::uint32_t servers, double offered_load);
// Erlang C probability of waiting C(c, a) for a < c.
double erlang_c(std::uint32_t servers, double offered_load);

// arrival_rate and service_rate per hour; max_queue = UINT32_MAX means unbounded.
QueueResult mmc(double arrival_rate, double service_rate, std::uint32_t servers,
                std::uint32_t max_queue = UINT32_MAX);

// Beta-factor model (NUREG/CR-5485, 1998, 5.2; IEC 61508-6 annex D): probability that two
// layers with miss probabilities q1 (the first) and q2 both miss a hazard when the second
// shares the first's failure with probability beta: q1 * (beta + (1 - beta) q2).
double beta_factor_both_miss(double q1, double q2, double beta);

// Multiple Greek letter model for three redundant layers in a chain (NUREG/CR-5485 5.3):
// the second shares the first's miss with probability beta, the third shares the second's
// with probability gamma: q1 (beta + (1 - beta) q2) (gamma + (1 - gamma) q3).
double mgl_all_three_miss(double q1, double q2, double q3, double beta, double gamma);

// Periodically proof-tested component with failure rate lambda, test interval T and
// repair time R < T, failed (silently) from its failure until the next test and under
// repair for R after it: the exact time-averaged probability of being failed on demand
// in the periodic steady state (the two-state Markov chain between tests, solved over one
// cycle; IEC 61508-6 B.3.2.2 gives its first-order form below).
double pfd_avg_1oo1(double lambda, double test_interval, double repair_time);
// The standard first-order approximation lambda (T / 2 + R) (IEC 61508-6 B.3.2.2).
double pfd_avg_1oo1_approx(double lambda, double test_interval, double repair_time);

// A k-out-of-n group of channels (k must work, IEC "MooN" with M = k) that fail latently
// at lambda each, beta lambda of it by common-cause events failing all n (IEC 61508-6
// annex D convention), all tested every T and repaired at once: the exact time-averaged
// probability that fewer than k channels are up. Since a test, no common event has
// occurred with probability e^-beta lambda t, and then each channel is up independently
// with probability e^-(1 - beta) lambda t; integrated term by term.
double pfd_avg_koon_beta(std::uint32_t k, std::uint32_t n, double lambda, double beta,
                         double test_interval);
// IEC 61508-6 B.3.2.2 simplified forms with no repair time and dangerous undetected
// failures only: 1oo2 ((1 - beta) lambda T)^2 / 3 + beta lambda T / 2, 2oo3
// ((1 - beta) lambda T)^2 + beta lambda T / 2. First order in lambda T.
double pfd_avg_1oo2_iec(double lambda, double beta, double test_interval);
double pfd_avg_2oo3_iec(double lambda, double beta, double test_interval);

// Three channels that each miss a demand with probability q, the misses sharing causes by
// the multiple Greek letter model (NUREG/CR-5485 5.2.3) with the channel's miss
// intensity h = -ln(1 - q) split into Q1 = (1 - beta) h for one channel, Q2 = beta
// (1 - gamma) h / 2 for each pair and Q3 = beta gamma h for all three: the probability
// that all three miss, 1 - 3 e^-H1 + 3 e^-H2 - e^-H3, H_j the intensity of the events
// that fail at least one of j given channels.
double mgl_1oo3_all_miss(double q, double beta, double gamma);

}  // namespace stsim::analytic
