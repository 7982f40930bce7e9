#include "sim/analytic/closed_forms.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace stsim::analytic {

double erlang_b(std::uint32_t servers, double offered_load) {
  double b = 1.0;
  for (std::uint32_t k = 1; k <= servers; ++k) {
    b = offered_load * b / (static_cast<double>(k) + offered_load * b);
  }
  return b;
}

double erlang_c(std::uint32_t servers, double offered_load) {
  const double c = static_cast<double>(servers);
  if (offered_load >= c) return 1.0;
  const double b = erlang_b(servers, offered_load);
  return c * b / (c - offered_load * (1.0 - b));
}

QueueResult mmc(double arrival_rate, double service_rate, std::uint32_t servers,
                std::uint32_t max_queue) {
  if (servers == 0 || service_rate <= 0.0 || arrival_rate < 0.0) {
    throw std::invalid_argument("mmc: needs servers >= 1, service rate > 0, arrival rate >= 0");
  }
  QueueResult r;
  const double c = static_cast<double>(servers);
  const double a = arrival_rate / service_rate;
  r.offered_load = a;
  if (max_queue == std::numeric_limits<std::uint32_t>::max()) {
    if (a >= c) {
      r.stable = false;
      r.utilisation = 1.0;
      r.p_wait = 1.0;
      r.mean_wait = std::numeric_limits<double>::infinity();
      r.mean_queue = std::numeric_limits<double>::infinity();
      return r;
    }
    const double pw = erlang_c(servers, a);
    r.p_wait = pw;
    r.utilisation = a / c;
    r.mean_queue = pw * a / (c - a);
    r.mean_wait = pw / (c * service_rate - arrival_rate);
    return r;
  }
  // M/M/c/K, K = c + max_queue: p_n proportional to a^n / n! up to c, then times rho^(n-c).
  // Terms are built by ratios so no factorial overflows.
  const std::uint64_t capacity = static_cast<std::uint64_t>(servers) + max_queue;
  double term = 1.0, total = 0.0, waiting_mass = 0.0, queue_mass = 0.0, last = 0.0;
  for (std::uint64_t n = 0; n <= capacity; ++n) {
    if (n > 0) term *= a / std::min(static_cast<double>(n), c);
    total += term;
    if (n >= servers && n < capacity) waiting_mass += term;
    if (n > servers) queue_mass += static_cast<double>(n - servers) * term;
    last = term;
  }
  r.p_overflow = last / total;
  r.p_empty = 1.0 / total;
  if (arrival_rate > 0.0) {
    double ratio = 1.0, passages = 0.0;
    for (std::uint64_t j = 0; j < capacity; ++j) {
      if (j > 0) ratio *= std::min(static_cast<double>(j), c) * service_rate / arrival_rate;
      passages += ratio;
    }
    r.p_fill_before_empty = 1.0 / passages;
  }
  const double admitted = 1.0 - r.p_overflow;
  r.p_wait = admitted > 0.0 ? waiting_mass / total / admitted : 0.0;
  r.mean_queue = queue_mass / total;
  r.mean_wait = admitted > 0.0 ? r.mean_queue / (arrival_rate * admitted) : 0.0;
  r.utilisation = arrival_rate * admitted / (c * service_rate);
  return r;
}

double beta_factor_both_miss(double q1, double q2, double beta) {
  return q1 * (beta + (1.0 - beta) * q2);
}

double mgl_all_three_miss(double q1, double q2, double q3, double beta, double gamma) {
  return q1 * (beta + (1.0 - beta) * q2) * (gamma + (1.0 - gamma) * q3);
}

double pfd_avg_1oo1(double lambda, double test_interval, double repair_time) {
  const double t = test_interval, r = repair_time;
  if (!(t > 0.0) || r < 0.0 || r >= t) {
    throw std::invalid_argument(
        "pfd_avg_1oo1: needs test interval > 0 and 0 <= repair time < test interval");
  }
  if (lambda == 0.0) return 0.0;
  // A cycle starts just after a test: under repair during [0, R) if the test found the
  // component failed (probability p), then up until it fails again.
  const double a = std::exp(-lambda * (t - r));  // survives [R, T)
  const double b = std::exp(-lambda * t);        // survives [0, T)
  const double p = -std::expm1(-lambda * t) / (1.0 + a - b);
  const double failed_after_repair =
      t + std::expm1(-lambda * (t - r)) / lambda;  // R + (T-R) - (1-a)/lambda
  const double failed_from_up = t + std::expm1(-lambda * t) / lambda;
  return (p * failed_after_repair + (1.0 - p) * failed_from_up) / t;
}

double pfd_avg_1oo1_approx(double lambda, double test_interval, double repair_time) {
  return lambda * (test_interval / 2.0 + repair_time);
}

namespace {

double binomial(std::uint32_t n, std::uint32_t k) {
  double c = 1.0;
  for (std::uint32_t i = 1; i <= k; ++i) c = c * static_cast<double>(n - k + i) / i;
  return c;
}

// (1/T) integral over [0, T] of e^-rt.
double mean_exp(double rate, double t) {
  return rate > 0.0 ? -std::expm1(-rate * t) / (rate * t) : 1.0;
}

}  // namespace

double pfd_avg_koon_beta(std::uint32_t k, std::uint32_t n, double lambda, double beta,
                         double test_interval) {
  // P(j up) = e^-beta lambda t C(n, j) x^j (1 - x)^(n - j), x = e^-(1 - beta) lambda t,
  // for j >= 1; expanding (1 - x)^(n - j) leaves exponentials to average.
  const double independent = (1.0 - beta) * lambda, common = beta * lambda;
  double available = 0.0;
  for (std::uint32_t j = k; j <= n; ++j) {
    for (std::uint32_t i = 0; i <= n - j; ++i) {
      const double sign = i % 2 == 0 ? 1.0 : -1.0;
      available += sign * binomial(n, j) * binomial(n - j, i) *
                   mean_exp(common + independent * (j + i), test_interval);
    }
  }
  return 1.0 - available;
}

double pfd_avg_1oo2_iec(double lambda, double beta, double test_interval) {
  const double x = (1.0 - beta) * lambda * test_interval;
  return x * x / 3.0 + beta * lambda * test_interval / 2.0;
}

double pfd_avg_2oo3_iec(double lambda, double beta, double test_interval) {
  const double x = (1.0 - beta) * lambda * test_interval;
  return x * x + beta * lambda * test_interval / 2.0;
}

double mgl_1oo3_all_miss(double q, double beta, double gamma) {
  const double h = -std::log1p(-q);
  const double q1 = (1.0 - beta) * h, q2 = beta * (1.0 - gamma) * h / 2.0, q3 = beta * gamma * h;
  const double h1 = q1 + 2.0 * q2 + q3, h2 = 2.0 * q1 + 3.0 * q2 + q3,
               h3 = 3.0 * q1 + 3.0 * q2 + q3;
  return 1.0 - 3.0 * std::exp(-h1) + 3.0 * std::exp(-h2) - std::exp(-h3);
}

}  // namespace stsim::analytic
