// Cost of one draw from each of the project's distributions (Philox4x64-10 streams).

#include <benchmark/benchmark.h>

#include <vector>

#include "sim/random/distributions.h"

namespace {

namespace sr = stsim::random;

sr::Stream make_stream() { return sr::Stream(sr::StreamKey{7, 0, 0, 0, sr::Purpose::test}); }

void raw_64_bits(benchmark::State& state) {
  sr::Stream s = make_stream();
  for (auto _ : state) {
    benchmark::DoNotOptimize(s());
  }
  state.SetItemsProcessed(state.iterations());
}

void uniform01(benchmark::State& state) {
  sr::Stream s = make_stream();
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.uniform01());
  }
  state.SetItemsProcessed(state.iterations());
}

void bernoulli(benchmark::State& state) {
  sr::Stream s = make_stream();
  for (auto _ : state) {
    benchmark::DoNotOptimize(sr::bernoulli(s, 0.3));
  }
  state.SetItemsProcessed(state.iterations());
}

void exponential(benchmark::State& state) {
  sr::Stream s = make_stream();
  for (auto _ : state) {
    benchmark::DoNotOptimize(sr::exponential(s, 1.0));
  }
  state.SetItemsProcessed(state.iterations());
}

void normal(benchmark::State& state) {
  sr::Stream s = make_stream();
  for (auto _ : state) {
    benchmark::DoNotOptimize(sr::normal(s, 0.0, 1.0));
  }
  state.SetItemsProcessed(state.iterations());
}

void gamma(benchmark::State& state) {
  sr::Stream s = make_stream();
  const double shape = static_cast<double>(state.range(0)) / 10.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(sr::gamma(s, shape, 1.0));
  }
  state.SetItemsProcessed(state.iterations());
}

void poisson(benchmark::State& state) {
  sr::Stream s = make_stream();
  const auto mean = static_cast<double>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(sr::poisson(s, mean));
  }
  state.SetItemsProcessed(state.iterations());
}

void alias_sample(benchmark::State& state) {
  sr::Stream s = make_stream();
  std::vector<double> weights(static_cast<std::size_t>(state.range(0)));
  for (std::size_t i = 0; i < weights.size(); ++i) {
    weights[i] = 1.0 + static_cast<double>(i % 5);
  }
  const sr::AliasTable table(weights);
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.sample(s));
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(raw_64_bits);
BENCHMARK(uniform01);
BENCHMARK(bernoulli);
BENCHMARK(exponential);
BENCHMARK(normal);
BENCHMARK(gamma)->Arg(5)->Arg(25);  // shape 0.5 and 2.5
BENCHMARK(poisson)->Arg(3)->Arg(100);
BENCHMARK(alias_sample)->Arg(16)->Arg(1000);

BENCHMARK_MAIN();
