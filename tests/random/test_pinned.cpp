// Known values of every distribution: draw k of a stream with a fixed key equals a
// stored double, bit for bit. These pin the algorithms (and the libm calls inside them)
// so that a change of compiler, standard library or code that alters any draw fails
// here, with the distribution named. Values written as hexadecimal floats, exactly.

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sim/random/distributions.h"

using namespace stsim::random;

namespace {

StreamKey pinned_key(const char* name) {
  return StreamKey{20261201, 3, 7, stable_id(name), Purpose::test};
}

struct Pinned {
  const char* name;
  double (*draw)(Stream&);
  std::vector<std::pair<int, double>> expected;  // (draw index k, value)
};

const double alias_weights[] = {0.5, 2.0, 0.0, 1.5, 6.0};
const double piecewise_edges[] = {0.0, 1.0, 3.0, 3.5, 10.0};
const double piecewise_heights[] = {2.0, 0.5, 4.0, 1.0};
const AliasTable alias_table(alias_weights);
const PiecewiseConstant piecewise(piecewise_edges, piecewise_heights);

const std::vector<Pinned> pinned = {
    {"uniform01",
     [](Stream& s) { return static_cast<double>(s.uniform01()); },
     {{0, 0x1.f7f8d83ff1007p-1},
      {1, 0x1.817d017389f42p-2},
      {2, 0x1.d0342b856db4fp-1},
      {999, 0x1.17621381d067cp-2}}},
    {"uniform",
     [](Stream& s) { return static_cast<double>(uniform(s, -2.0, 5.0)); },
     {{0, 0x1.d550aab53cc5p-2},
      {1, -0x1.0317bacc4551p-2},
      {2, 0x1.112841d31e836p+2},
      {999, -0x1.6c89754e7d2ecp-1}}},
    // Successes in 100 trials: four single trials alone could all be failures.
    {"bernoulli",
     [](Stream& s) {
       int successes = 0;
       for (int i = 0; i < 100; ++i) successes += bernoulli(s, 0.3) ? 1 : 0;
       return static_cast<double>(successes);
     },
     {{0, 0x1p+5}, {1, 0x1.5p+4}, {2, 0x1.fp+4}, {999, 0x1p+5}}},
    {"exponential",
     [](Stream& s) { return static_cast<double>(exponential(s, 2.5)); },
     {{0, 0x1.a2061a825edp-3},
      {1, 0x1.edfb64ffb60aep+0},
      {2, 0x1.ed89877c67b6ep-2},
      {999, 0x1.cfcb37cfbccaep-6}}},
    {"normal",
     [](Stream& s) { return static_cast<double>(normal(s, 1.0, 3.0)); },
     {{0, 0x1.0ca0d8e76bc94p-3},
      {1, -0x1.19e8054b9058ep+0},
      {2, 0x1.349007389f438p+2},
      {999, -0x1.efa626d897cfcp+1}}},
    {"lognormal",
     [](Stream& s) { return static_cast<double>(lognormal(s, -0.5, 0.8)); },
     {{0, 0x1.1ca4cf222684ep-2},
      {1, 0x1.833d34423b272p-1},
      {2, 0x1.4c1b2ebec4e1fp-2},
      {999, 0x1.20d26864fb963p+0}}},
    {"gamma_small_shape",
     [](Stream& s) { return static_cast<double>(gamma(s, 0.3, 2.0)); },
     {{0, 0x1.18c7dd6b6181bp+1},
      {1, 0x1.5afac4ae578e9p-6},
      {2, 0x1.18299e82b7d8p-4},
      {999, 0x1.a14a1bbd4ae4bp-8}}},
    {"gamma_large_shape",
     [](Stream& s) { return static_cast<double>(gamma(s, 4.5, 0.5)); },
     {{0, 0x1.513873a70ab3ap+0},
      {1, 0x1.441bf0dad67f1p+1},
      {2, 0x1.c8d05e8f613e7p+0},
      {999, 0x1.3a58b847b37e5p+0}}},
    {"beta_small_shapes",
     [](Stream& s) { return static_cast<double>(beta(s, 0.05, 0.2)); },
     {{0, 0x1.ecc31db3e19a2p-1},
      {1, 0x1.5ccfc1720f63cp-17},
      {2, 0x1.75bae1e983731p-131},
      {999, 0x1.70d385aa666cep-13}}},
    {"beta",
     [](Stream& s) { return static_cast<double>(beta(s, 2.0, 5.0)); },
     {{0, 0x1.bc26f39c425fp-3},
      {1, 0x1.7a1c56fc11e72p-2},
      {2, 0x1.7cd62dbcc1c82p-3},
      {999, 0x1.1d13faa7d6f81p-3}}},
    {"poisson_inversion",
     [](Stream& s) { return static_cast<double>(poisson(s, 3.5)); },
     {{0, 0x0p+0}, {1, 0x1.8p+1}, {2, 0x1.8p+1}, {999, 0x1.4p+2}}},
    {"poisson_ptrs",
     [](Stream& s) { return static_cast<double>(poisson(s, 250.0)); },
     {{0, 0x1.16p+8}, {1, 0x1.09p+8}, {2, 0x1.bap+7}, {999, 0x1.dap+7}}},
    {"alias_table",
     [](Stream& s) { return static_cast<double>(alias_table.sample(s)); },
     {{0, 0x1.8p+1}, {1, 0x1p+2}, {2, 0x1p+0}, {999, 0x1p+2}}},
    {"piecewise_constant",
     [](Stream& s) { return static_cast<double>(piecewise.sample(s)); },
     {{0, 0x1.6ff4006fdad33p+2},
      {1, 0x1.d5dcfcc36d75bp+2},
      {2, 0x1.a231efbd90ccp-4},
      {999, 0x1.b2c1435607466p-1}}},
    {"normal_quantile",
     [](Stream& s) { return static_cast<double>(normal_quantile(s.uniform01())); },
     {{0, 0x1.b6c0049ea40d5p-1},
      {1, 0x1.e5c9f12a2b55dp-3},
      {2, 0x1.9c321f6e6ddccp-2},
      {999, 0x1.8c536f1789a2ap+0}}},
    {"normal_cdf",
     [](Stream& s) { return static_cast<double>(normal_cdf(6.0 * s.uniform01() - 3.0)); },
     {{0, 0x1.a85c259f1596dp-2},
      {1, 0x1.a6defc64913cdp-2},
      {2, 0x1.f0eed226008f7p-1},
      {999, 0x1.6f744ccb2f5efp-2}}},
};

}  // namespace

TEST_CASE("raw 64-bit outputs of a keyed stream are pinned", "[random]") {
  Stream s(pinned_key("raw"));
  const std::vector<std::pair<int, std::uint64_t>> expected = {
      {0, 0x358e517affcb4873ULL},
      {1, 0x74dcedd658ebdfa0ULL},
      {2, 0x42270764cab6fd83ULL},
      {999, 0x2b0df392025a155dULL},
  };
  int k = 0;
  for (const auto& [index, value] : expected) {
    std::uint64_t drawn = 0;
    while (k <= index) {
      drawn = s();
      ++k;
    }
    INFO("draw " << index);
    CHECK(drawn == value);
  }
}

TEST_CASE("every distribution's draws of a keyed stream are pinned", "[random]") {
  for (const auto& p : pinned) {
    Stream s(pinned_key(p.name));
    int k = 0;
    for (const auto& [index, value] : p.expected) {
      double drawn = 0.0;
      while (k <= index) {
        drawn = p.draw(s);
        ++k;
      }
      INFO(p.name << " draw " << index);
      CHECK(drawn == value);
    }
  }
}
