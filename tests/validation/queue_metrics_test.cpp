// Each operator pool's queue (/queues) through the runner against M/M/c closed forms:
// two pools in series at 60% load (tests/validation/scenarios/queue-tandem.toml). With
// no output rejected, the second pool's arrivals are the first one's departures, Poisson
// by Burke's theorem (Burke 1956, Operations Research 4:699), so each pool is an M/M/c
// queue: Erlang C for the probability of waiting, W = C / (c mu - lambda) + 1 / mu, and
// the time in system a review plus, with probability C, an exponential wait at rate
// c mu - lambda (Gross & Harris, Fundamentals of Queueing Theory, 2.3):
//   P(T > t) = (1 - C) e^(-mu t) + C (theta e^(-mu t) - mu e^(-theta t)) / (theta - mu),
// theta = c mu - lambda != mu. Agreement within 4 SE, and the SEs small enough that a
// 5% bias would show; the quantiles, read from buckets within 1%, get that 1% on top.

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "sim/runner/runner.h"
#include "sim/stats/quantile_sketch.h"
#include "tests/validation/command.h"

namespace {

using namespace stsim;

struct MMc {
  double lambda, mu;
  int c;

  double erlang_c() const {
    const double a = lambda / mu;
    const double rho = a / c;
    double sum = 0.0, term = 1.0;
    for (int k = 0; k < c; ++k) {
      sum += term;
      term *= a / (k + 1);
    }
    const double top = term / (1.0 - rho);  // a^c / c! / (1 - rho)
    return top / (sum + top);
  }
  double theta() const { return c * mu - lambda; }
  double mean_wait() const { return erlang_c() / theta(); }
  double survival(double t) const {
    const double C = erlang_c();
    return (1.0 - C) * std::exp(-mu * t) +
           C * (theta() * std::exp(-mu * t) - mu * std::exp(-theta() * t)) / (theta() - mu);
  }
  double quantile(double q) const {
    double low = 0.0, high = 1000.0;
    for (int i = 0; i < 200; ++i) {
      const double mid = (low + high) / 2.0;
      (survival(mid) > 1.0 - q ? low : high) = mid;
    }
    return (low + high) / 2.0;
  }
};

void check_within(const char* what, const runner::Statistic& s, double exact, double tolerance) {
  INFO(what << ": exact " << exact << ", simulated " << s.mean << " +- " << s.standard_error
            << " (n " << s.n << "), 95% [" << s.ci_low << ", " << s.ci_high << "]");
  REQUIRE(std::isfinite(s.standard_error));
  CHECK(6.0 * s.standard_error < 0.05 * exact);
  CHECK(std::abs(s.mean - exact) < 4.0 * s.standard_error + tolerance * exact);
  CHECK(s.ci_low <= s.mean);
  CHECK(s.mean <= s.ci_high);
}

}  // namespace

TEST_CASE("each operator pool's queue agrees with M/M/c closed forms",
          "[validation][queues][statistical]") {
  const auto loaded = scenario::load_file(validation::scenario_path("queue-tandem.toml"));
  REQUIRE(loaded.ok());
  runner::RunOptions options;
  options.threads = 2;
  const auto result = runner::run_sweep(*loaded.scenario, options);
  REQUIRE(result.pools == std::vector<std::string>{"triage", "specialists"});
  REQUIRE(result.points.size() == 1);
  const auto& queues = result.points.front().queues;
  REQUIRE(queues.size() == 2);
  const MMc pools[] = {{6.0, 10.0, 1}, {6.0, 5.0, 2}};
  for (std::size_t q = 0; q < 2; ++q) {
    const auto& pool = pools[q];
    const auto& got = queues[q];
    INFO("pool " << result.pools[q]);
    check_within("wait probability", got.wait_probability, pool.erlang_c(), 0.0);
    check_within("mean wait", got.mean_wait, pool.mean_wait(), 0.0);
    check_within("mean time in system", got.mean_time_in_system, pool.mean_wait() + 1.0 / pool.mu,
                 0.0);
    check_within("utilisation", got.utilisation, pool.lambda / (pool.c * pool.mu), 0.0);
    const double levels[] = {0.5, 0.9, 0.99};
    for (std::size_t k = 0; k < 3; ++k) {
      INFO("quantile " << levels[k]);
      check_within("time in system quantile", got.time_in_system_quantiles[k],
                   pool.quantile(levels[k]), stats::LogBuckets::relative_accuracy);
    }
  }
  // The closed forms themselves: M/M/1 at rho = 0.6 has T ~ Exp(mu - lambda); M/M/2 with
  // a = 1.2 Erlangs has C = (a^2 / 2 / (1 - rho)) / (1 + a + a^2 / 2 / (1 - rho)) = 0.45.
  CHECK(pools[0].erlang_c() == Approx(0.6));
  CHECK(pools[0].quantile(0.9) == Approx(std::log(10.0) / 4.0).epsilon(1e-9));
  CHECK(pools[1].erlang_c() == Approx(0.45));
}

TEST_CASE("a 5% bias in the queue's time in system is caught",
          "[validation][queues][statistical]") {
  // The second pool's reviews 5% longer: its mean time in system moves by more than 5%,
  // and the comparison with the unperturbed closed form fails.
  const auto loaded = scenario::load_file(validation::scenario_path("queue-tandem.toml"),
                                          {{"specialists.review_time", "12.6m"}});
  REQUIRE(loaded.ok());
  runner::RunOptions options;
  options.threads = 2;
  const auto result = runner::run_sweep(*loaded.scenario, options);
  const MMc unperturbed{6.0, 5.0, 2};
  const auto& s = result.points.front().queues.at(1).mean_time_in_system;
  const double exact = unperturbed.mean_wait() + 1.0 / unperturbed.mu;
  CHECK(std::abs(s.mean - exact) > 4.0 * s.standard_error);
}
