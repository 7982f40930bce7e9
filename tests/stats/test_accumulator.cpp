#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "sim/stats/accumulator.h"

using stsim::stats::CountAccumulator;
using stsim::stats::MeanAccumulator;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Deterministic, awkward observations: large offset, wide range, non-representable values.
std::vector<double> observations(std::size_t n) {
  std::vector<double> xs;
  std::uint64_t state = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    xs.push_back(1e6 + static_cast<double>(state >> 11) * 0x1.0p-53 * 1e3 -
                 0.1 * static_cast<double>(i % 7));
  }
  return xs;
}

}  // namespace

TEST_CASE("mean accumulator: mean and variance of a known sample", "[stats]") {
  MeanAccumulator a;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) {
    a.add(x);
  }
  CHECK(a.count() == 8);
  CHECK(a.mean() == 5.0);
  CHECK(a.variance() == Approx(32.0 / 7.0).epsilon(1e-15));
  CHECK(a.standard_error() == Approx(std::sqrt(32.0 / 7.0 / 8.0)).epsilon(1e-15));
  CHECK(a.relative_error() == Approx(std::sqrt(32.0 / 7.0 / 8.0) / 5.0).epsilon(1e-15));
}

TEST_CASE("mean accumulator: small counts and zero mean", "[stats]") {
  MeanAccumulator a;
  CHECK(a.variance() == 0.0);
  CHECK(a.standard_error() == 0.0);
  a.add(3.5);
  CHECK(a.mean() == 3.5);
  CHECK(a.variance() == 0.0);
  CHECK(a.standard_error() == 0.0);
  MeanAccumulator z;
  z.add(-1.0);
  z.add(1.0);
  CHECK(z.mean() == 0.0);
  CHECK(z.relative_error() == std::numeric_limits<double>::infinity());
}

TEST_CASE("mean accumulator: Welford is accurate with a large offset", "[stats]") {
  // The naive sum-of-squares formula loses every digit here.
  MeanAccumulator a;
  for (int i = 0; i < 1000; ++i) {
    a.add(1e9 + (i % 2 == 0 ? 1.0 : -1.0));
  }
  CHECK(a.mean() == Approx(1e9).epsilon(1e-15));
  CHECK(a.variance() == Approx(1000.0 / 999.0).epsilon(1e-9));
}

TEST_CASE("mean accumulator: folding single observations equals add(), bit for bit", "[stats]") {
  const auto xs = observations(10000);
  MeanAccumulator sequential;
  MeanAccumulator folded;
  for (double x : xs) {
    sequential.add(x);
    MeanAccumulator one;
    one.add(x);
    folded.merge(one);
    REQUIRE(same_bits(folded.mean(), sequential.mean()));
    REQUIRE(same_bits(folded.variance(), sequential.variance()));
  }
  CHECK(folded.count() == sequential.count());
  // Merging empty accumulators changes nothing, on either side.
  MeanAccumulator empty;
  folded.merge(empty);
  CHECK(same_bits(folded.mean(), sequential.mean()));
  empty.merge(sequential);
  CHECK(same_bits(empty.mean(), sequential.mean()));
  CHECK(same_bits(empty.variance(), sequential.variance()));
}

TEST_CASE("mean accumulator: merging blocks agrees with a sequential pass", "[stats]") {
  // Chan's pairwise formula is exact in real arithmetic, so blocks of any size agree
  // with one pass up to rounding.
  const auto xs = observations(9999);
  MeanAccumulator sequential;
  for (double x : xs) {
    sequential.add(x);
  }
  for (std::size_t block : {2u, 10u, 333u, 5000u}) {
    MeanAccumulator merged;
    for (std::size_t start = 0; start < xs.size(); start += block) {
      MeanAccumulator part;
      for (std::size_t i = start; i < std::min(xs.size(), start + block); ++i) {
        part.add(xs[i]);
      }
      merged.merge(part);
    }
    CHECK(merged.count() == sequential.count());
    CHECK(merged.mean() == Approx(sequential.mean()).epsilon(1e-14));
    CHECK(merged.variance() == Approx(sequential.variance()).epsilon(1e-10));
  }
}

TEST_CASE("count accumulator: exact totals, mean and variance", "[stats]") {
  CountAccumulator c;
  for (std::uint64_t x : {0u, 3u, 1u, 0u, 7u, 2u}) {
    c.add(x);
  }
  CHECK(c.count() == 6);
  CHECK(c.total() == 13);
  CHECK(c.mean() == Approx(13.0 / 6.0).epsilon(1e-15));
  // sum of squares 63; deviations 63 - 169/6 = 209/6; variance 209/30.
  CHECK(c.variance() == Approx(209.0 / 30.0).epsilon(1e-15));
  CHECK(c.standard_error() == Approx(std::sqrt(209.0 / 30.0 / 6.0)).epsilon(1e-15));
  CHECK(c.relative_error() == Approx(std::sqrt(209.0 / 30.0 / 6.0) / (13.0 / 6.0)));
  CountAccumulator none;
  none.add(0);
  none.add(0);
  CHECK(none.variance() == 0.0);
  CHECK(none.relative_error() == std::numeric_limits<double>::infinity());
}

TEST_CASE("count accumulator: no cancellation with huge counts", "[stats]") {
  // x = 2^40 + (0 or 2): variance ~1.0005; in doubles the squares (2^80) leave no digits.
  CountAccumulator c;
  const std::uint64_t base = std::uint64_t{1} << 40;
  for (int i = 0; i < 2000; ++i) {
    c.add(base + (i % 2 == 0 ? 0 : 2));
  }
  CHECK(c.variance() == Approx(2000.0 / 1999.0).epsilon(1e-15));
}

TEST_CASE("count accumulator: any merge order gives the sequential result exactly", "[stats]") {
  CountAccumulator sequential;
  std::vector<CountAccumulator> parts(7);
  std::uint64_t state = 99;
  for (int i = 0; i < 5000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t x = (state >> 33) % 1000;
    sequential.add(x);
    parts[static_cast<std::size_t>(i) % parts.size()].add(x);
  }
  CountAccumulator forward;
  for (const auto& p : parts) {
    forward.merge(p);
  }
  CountAccumulator backward;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    backward.merge(*it);
  }
  for (const CountAccumulator* m : {&forward, &backward}) {
    CHECK(m->count() == sequential.count());
    CHECK(m->total() == sequential.total());
    CHECK(same_bits(m->mean(), sequential.mean()));
    CHECK(same_bits(m->variance(), sequential.variance()));
  }
}

TEST_CASE("count accumulator: overflow of the total is an error", "[stats]") {
  CountAccumulator c;
  c.add(UINT64_MAX);
  CHECK_THROWS_AS(c.add(1), std::overflow_error);
  CHECK(c.total() == UINT64_MAX);
  CHECK(c.count() == 1);
}

TEST_CASE("mean accumulator: a restored state continues the same updates bit for bit", "[stats]") {
  const auto xs = observations(2000);
  MeanAccumulator uninterrupted;
  MeanAccumulator first_half;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    uninterrupted.add(xs[i]);
    if (i < xs.size() / 2) first_half.add(xs[i]);
  }
  auto resumed = MeanAccumulator::from_state(first_half.state());
  for (std::size_t i = xs.size() / 2; i < xs.size(); ++i) resumed.add(xs[i]);
  CHECK(resumed.count() == uninterrupted.count());
  CHECK(same_bits(resumed.mean(), uninterrupted.mean()));
  CHECK(same_bits(resumed.variance(), uninterrupted.variance()));
}
