#include <Random123/philox.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>  // std::uniform_random_bit_generator only
#include <vector>

#include "sim/random/stream.h"

using stsim::random::Purpose;
using stsim::random::stable_id;
using stsim::random::Stream;
using stsim::random::StreamKey;

static_assert(std::uniform_random_bit_generator<Stream>);

namespace {

StreamKey base_key() {
  return StreamKey{20260101, 3, 17, stable_id("operator"), Purpose::detection};
}

std::vector<std::uint64_t> draws(Stream s, std::size_t n) {
  std::vector<std::uint64_t> out(n);
  for (auto& x : out) {
    x = s();
  }
  return out;
}

// Pearson correlation of n paired uniforms from two streams.
double correlation(Stream a, Stream b, std::size_t n) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = a.uniform01();
    const double y = b.uniform01();
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const double m = static_cast<double>(n);
  const double cov = sab / m - (sa / m) * (sb / m);
  const double va = saa / m - (sa / m) * (sa / m);
  const double vb = sbb / m - (sb / m) * (sb / m);
  return cov / std::sqrt(va * vb);
}

}  // namespace

TEST_CASE("stable_id is 32-bit FNV-1a", "[random]") {
  // Test vectors of the FNV reference (Fowler, Noll, Vo: isthe.com/chongo/tech/comp/fnv).
  STATIC_REQUIRE(stable_id("") == 0x811c9dc5u);
  STATIC_REQUIRE(stable_id("a") == 0xe40c292cu);
  STATIC_REQUIRE(stable_id("foobar") == 0xbf9cf968u);
}

TEST_CASE("the generator is Philox4x64-10 (Random123 known-answer test)", "[random]") {
  // Random123 kat_vectors: philox4x64 10, counter 0, key 0.
  Stream s(StreamKey{0, 0, 0, 0, static_cast<Purpose>(0)});
  CHECK(s() == 0x16554d9eca36314cULL);
  CHECK(s() == 0xdb20fe9d672d0fdcULL);
  CHECK(s() == 0xd7e772cee186176bULL);
  CHECK(s() == 0x7e68b68aec7ba23bULL);
}

TEST_CASE("the key is packed into Philox as documented in stream.h", "[random]") {
  // Part of the reproducibility contract: changing the packing changes every result.
  const StreamKey key = base_key();
  Stream s(key);
  const r123::Philox4x64::key_type k = {
      {key.seed, std::uint64_t{key.point} << 32 | key.replication}};
  for (std::uint64_t block = 0; block < 3; ++block) {
    const r123::Philox4x64::ctr_type c = {
        {block, 0, 0,
         std::uint64_t{key.component} << 32 | static_cast<std::uint32_t>(key.purpose)}};
    const auto expected = r123::Philox4x64()(c, k);
    for (int i = 0; i < 4; ++i) {
      REQUIRE(s() == expected.v[i]);
    }
  }
}

TEST_CASE("same key, same sequence", "[random]") {
  const auto first = draws(Stream(base_key()), 10000);
  CHECK(draws(Stream(base_key()), 10000) == first);
  // A copy continues from where the original stands.
  Stream s(base_key());
  for (int i = 0; i < 7; ++i) {
    s();
  }
  Stream copy = s;
  CHECK(draws(copy, 100) == draws(s, 100));
}

TEST_CASE("every field of the key changes the sequence", "[random]") {
  const auto reference = draws(Stream(base_key()), 8);
  std::vector<StreamKey> variants(6, base_key());
  variants[0].seed += 1;
  variants[1].point += 1;
  variants[2].replication += 1;
  variants[3].component = stable_id("operators");
  variants[4].purpose = Purpose::false_alarm;
  // point and replication swapped: must not collide.
  variants[5].point = base_key().replication;
  variants[5].replication = base_key().point;
  for (const StreamKey& key : variants) {
    const auto other = draws(Stream(key), 8);
    for (std::size_t i = 0; i < other.size(); ++i) {
      CHECK(other[i] != reference[i]);
    }
  }
}

TEST_CASE("streams with neighbouring keys are uncorrelated", "[random][statistical]") {
  // Under independence the sample correlation of n pairs has standard error 1/sqrt(n).
  constexpr std::size_t n = 100000;
  const double bound = 4.0 / std::sqrt(static_cast<double>(n));
  std::vector<StreamKey> neighbours(5, base_key());
  neighbours[0].seed += 1;
  neighbours[1].point += 1;
  neighbours[2].replication += 1;
  neighbours[3].component += 1;
  neighbours[4].purpose = Purpose::false_alarm;
  for (const StreamKey& key : neighbours) {
    CHECK(std::fabs(correlation(Stream(base_key()), Stream(key), n)) < bound);
  }
  // And successive draws of one stream (lag 1).
  Stream s(base_key());
  Stream lagged(base_key());
  lagged();
  CHECK(std::fabs(correlation(s, lagged, n)) < bound);
}

TEST_CASE("uniform01 is uniform on the open interval (0, 1)", "[random][statistical]") {
  constexpr std::size_t n = 1000000;
  constexpr std::size_t bins = 100;
  std::vector<std::size_t> counts(bins, 0);
  Stream s(base_key());
  double sum = 0.0;
  double low = 1.0;
  double high = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = s.uniform01();
    sum += u;
    low = std::min(low, u);
    high = std::max(high, u);
    ++counts[static_cast<std::size_t>(u * bins)];
  }
  CHECK(low > 0.0);
  CHECK(high < 1.0);
  // Mean 1/2, variance 1/12: standard error sqrt(1/(12 n)).
  CHECK(std::fabs(sum / n - 0.5) < 4.0 * std::sqrt(1.0 / (12.0 * n)));
  double chi2 = 0.0;
  const double expected = static_cast<double>(n) / bins;
  for (std::size_t c : counts) {
    chi2 += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
  }
  // Threshold from the chi-squared distribution (99 degrees of freedom), 1e-6 upper tail.
  const boost::math::chi_squared dist(bins - 1);
  CHECK(chi2 < boost::math::quantile(boost::math::complement(dist, 1e-6)));
}
