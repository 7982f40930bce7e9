#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "sim/stats/accumulator.h"
#include "sim/stats/quantile_sketch.h"

using stsim::stats::bucket_quantile;
using stsim::stats::LogBuckets;
using stsim::stats::QuantileSketch;
using stsim::stats::RatioAccumulator;

namespace {

// Deterministic values spread over eight decades (log-uniform), as times in system are
// spread: 10^-4 to 10^4 hours.
std::vector<double> spread_values(std::size_t n, std::uint64_t state) {
  std::vector<double> xs;
  for (std::size_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(state >> 11) * 0x1.0p-53;
    xs.push_back(std::pow(10.0, -4.0 + 8.0 * u));
  }
  return xs;
}

std::vector<std::uint64_t> dense_of(const std::vector<double>& xs) {
  std::vector<std::uint64_t> dense(LogBuckets::count(), 0);
  for (const double x : xs) ++dense[LogBuckets::index(x)];
  return dense;
}

// x_(ceil(q n)), the sample quantile the sketch approximates.
double sample_quantile(std::vector<double> xs, double q) {
  std::sort(xs.begin(), xs.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(xs.size())));
  return xs[std::max<std::size_t>(rank, 1) - 1];
}

}  // namespace

TEST_CASE("log buckets report every value within their relative accuracy", "[stats]") {
  const double a = LogBuckets::relative_accuracy;
  for (const double x : spread_values(20000, 7)) {
    const double reported = LogBuckets::value(LogBuckets::index(x));
    INFO("x = " << x << ", reported " << reported);
    CHECK(std::abs(reported - x) <= a * x * (1.0 + 1e-9));
  }
  // At and below the smallest value: the zero bucket, reported as 0.
  CHECK(LogBuckets::index(LogBuckets::smallest) == 0);
  CHECK(LogBuckets::index(0.0) == 0);
  CHECK(LogBuckets::value(0) == 0.0);
  // Above the largest: the top bucket.
  CHECK(LogBuckets::index(1e12) == LogBuckets::count() - 1);
  CHECK(LogBuckets::index(LogBuckets::largest) == LogBuckets::count() - 1);
}

TEST_CASE("the tabulated bucket index equals the bucket by its definition", "[stats]") {
  // Values spread over fourteen decades, past both ends of the buckets.
  std::uint64_t state = 3;
  for (int n = 0; n < 200000; ++n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double x = std::pow(10.0, -7.0 + 14.0 * static_cast<double>(state >> 11) * 0x1.0p-53);
    INFO("x = " << x);
    REQUIRE(LogBuckets::index(x) == LogBuckets::defined_index(x));
  }
  // Every boundary, found by bisection over the doubles (positive doubles order as their
  // bits), and the doubles a few units in the last place either side of it.
  const double gamma =
      (1.0 + LogBuckets::relative_accuracy) / (1.0 - LogBuckets::relative_accuracy);
  std::size_t boundaries = 0;
  for (std::size_t i = 1; i + 1 < LogBuckets::count(); ++i) {
    const double near = LogBuckets::smallest * std::pow(gamma, static_cast<double>(i));
    auto low = std::bit_cast<std::uint64_t>(near * (1.0 - 1e-12));
    auto high = std::bit_cast<std::uint64_t>(near * (1.0 + 1e-12));
    const auto bucket = [](std::uint64_t bits) {
      return LogBuckets::defined_index(std::bit_cast<double>(bits));
    };
    if (bucket(low) == bucket(high)) continue;
    ++boundaries;
    while (high - low > 1) {
      const std::uint64_t mid = low + (high - low) / 2;
      (bucket(mid) == bucket(low) ? low : high) = mid;
    }
    for (std::uint64_t bits = high - 4; bits <= high + 4; ++bits) {
      INFO("x = " << std::bit_cast<double>(bits) << " near the boundary above bucket " << i);
      REQUIRE(LogBuckets::index(std::bit_cast<double>(bits)) == bucket(bits));
    }
  }
  // Every boundary between buckets 1 and the top one was found.
  CHECK(boundaries == LogBuckets::count() - 2);
  for (const double x : {0.0, -1.0, LogBuckets::smallest, LogBuckets::largest, 1e300})
    CHECK(LogBuckets::index(x) == LogBuckets::defined_index(x));
  CHECK(LogBuckets::index(std::numeric_limits<double>::infinity()) == LogBuckets::count() - 1);
  CHECK(LogBuckets::index(std::numeric_limits<double>::quiet_NaN()) == 0);
}

TEST_CASE("a quantile from the sketch is within 1% of the sample quantile", "[stats]") {
  const auto xs = spread_values(5001, 11);
  const auto dense = dense_of(xs);
  QuantileSketch sketch;
  sketch.add(dense);
  REQUIRE(sketch.count() == xs.size());
  for (const double q : {0.001, 0.25, 0.5, 0.9, 0.99, 0.999}) {
    const double exact = sample_quantile(xs, q);
    INFO("q = " << q << ", sample quantile " << exact << ", sketch " << sketch.quantile(q));
    CHECK(std::abs(sketch.quantile(q) - exact) <= LogBuckets::relative_accuracy * exact * 1.000001);
    CHECK(bucket_quantile(dense, q) == sketch.quantile(q));
  }
  CHECK(std::isnan(QuantileSketch{}.quantile(0.5)));
  CHECK(std::isnan(bucket_quantile(std::vector<std::uint64_t>(LogBuckets::count(), 0), 0.5)));
}

TEST_CASE("merging sketches in any order gives the same buckets", "[stats]") {
  const auto a = spread_values(300, 1), b = spread_values(500, 2), c = spread_values(50, 3);
  auto one = [](const std::vector<double>& xs) {
    QuantileSketch s;
    s.add(dense_of(xs));
    return s;
  };
  QuantileSketch abc = one(a), cba = one(c);
  abc.merge(one(b));
  abc.merge(one(c));
  cba.merge(one(b));
  cba.merge(one(a));
  CHECK(abc.buckets() == cba.buckets());
  CHECK(abc.count() == 850);
  auto all = a;
  all.insert(all.end(), b.begin(), b.end());
  all.insert(all.end(), c.begin(), c.end());
  CHECK(abc.buckets() == one(all).buckets());
}

TEST_CASE("a sketch rebuilt from damaged buckets is refused", "[stats]") {
  using B = QuantileSketch::Bucket;
  CHECK(QuantileSketch::from_buckets({B{3, 2}, B{9, 1}}).count() == 3);
  CHECK_THROWS_AS(QuantileSketch::from_buckets({B{9, 1}, B{3, 2}}), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch::from_buckets({B{3, 0}}), std::invalid_argument);
  const auto past = static_cast<std::uint32_t>(LogBuckets::count());
  CHECK_THROWS_AS(QuantileSketch::from_buckets({B{past, 1}}), std::invalid_argument);
}

TEST_CASE("ratio accumulator: the ratio estimator's standard error", "[stats]") {
  // x / y per replication: (1, 2), (3, 4), (2, 6). R = 6 / 12; residuals x - R y =
  // 0, 1, -1; SE = sqrt(n / (n - 1) * 2) / 12.
  RatioAccumulator r;
  r.add(1, 2);
  r.add(3, 4);
  r.add(2, 6);
  CHECK(r.count() == 3);
  CHECK(r.ratio() == Approx(0.5));
  CHECK(r.standard_error() == Approx(std::sqrt(1.5 * 2.0) / 12.0));
  RatioAccumulator split;
  RatioAccumulator tail;
  split.add(1, 2);
  tail.add(3, 4);
  tail.add(2, 6);
  split.merge(tail);
  CHECK(split.ratio() == r.ratio());
  CHECK(split.standard_error() == Approx(r.standard_error()));
  CHECK(std::isnan(RatioAccumulator{}.ratio()));
  RatioAccumulator single;
  single.add(1, 2);
  CHECK(std::isnan(single.standard_error()));
  const auto restored = RatioAccumulator::from_state(r.state());
  CHECK(restored.standard_error() == r.standard_error());
}
