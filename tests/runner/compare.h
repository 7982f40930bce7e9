#pragma once
// Bit-for-bit comparison of run results: what "identical" means for thread counts,
// shards, remote workers and resumed runs (wall times excepted).

#include <catch2/catch.hpp>
#include <cstring>

#include "sim/runner/runner.h"

namespace stsim::test {

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

inline bool same_bits(const runner::Statistic& a, const runner::Statistic& b) {
  return a.n == b.n && same_bits(a.mean, b.mean) && same_bits(a.standard_error, b.standard_error) &&
         same_bits(a.ci_low, b.ci_low) && same_bits(a.ci_high, b.ci_high) && a.count == b.count &&
         same_bits(a.exposure, b.exposure) && same_bits(a.upper_bound, b.upper_bound);
}

// Every reproducible field of two results agrees bit for bit (wall times excepted).
inline void require_identical(const runner::RunResult& a, const runner::RunResult& b) {
  REQUIRE(a.points.size() == b.points.size());
  CHECK(a.fingerprint == b.fingerprint);
  for (std::size_t p = 0; p < a.points.size(); ++p) {
    const auto& x = a.points[p];
    const auto& y = b.points[p];
    for (std::size_t k = 0; k < runner::metric_count; ++k) {
      INFO("point " << p << " metric " << runner::metric_table()[k].name);
      CHECK(same_bits(x.metrics[k], y.metrics[k]));
      CHECK(same_bits(x.paired[k], y.paired[k]));
    }
    CHECK(x.replications == y.replications);
    CHECK(x.events == y.events);
    CHECK(x.harms_by_last_layer == y.harms_by_last_layer);
    CHECK(x.first_harm_counts == y.first_harm_counts);
    CHECK(x.first_harm_censored == y.first_harm_censored);
    REQUIRE(x.harms_mean.size() == y.harms_mean.size());
    for (std::size_t i = 0; i < x.harms_mean.size(); ++i) {
      CHECK(same_bits(x.harms_mean[i], y.harms_mean[i]));
      CHECK(same_bits(x.harms_stderr[i], y.harms_stderr[i]));
    }
  }
}

}  // namespace stsim::test
