// The classic hold model: take the earliest event, schedule a new one at now + Exp(1),
// with a constant number of pending events. Increments come from a precomputed table
// (the same one for every queue), so the figures measure the event set alone; one
// variant draws them live from a stream, as a model would.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <queue>
#include <vector>

#include "sim/engine/event_queue.h"
#include "sim/random/distributions.h"

namespace {

const std::vector<double>& increments() {
  static const std::vector<double> table = [] {
    stsim::random::Stream s(stsim::random::StreamKey{1, 0, 0, 0, stsim::random::Purpose::test});
    std::vector<double> t(1 << 16);
    for (double& x : t) {
      x = stsim::random::exponential(s, 1.0);
    }
    return t;
  }();
  return table;
}

void hold_event_queue(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  const std::vector<double>& inc = increments();
  const std::size_t mask = inc.size() - 1;
  stsim::engine::EventQueue queue(pending);
  queue.reset();
  std::size_t next = 0;
  for (std::size_t i = 0; i < pending; ++i) {
    queue.schedule(inc[next++ & mask], 0, 0, 0, static_cast<std::uint32_t>(i));
  }
  for (auto _ : state) {
    const stsim::engine::Event e = queue.pop();
    queue.schedule_in(inc[next++ & mask], 0, e.kind, e.target, e.payload);
  }
  benchmark::DoNotOptimize(queue.now());
  state.SetItemsProcessed(state.iterations());
}

void hold_event_queue_live_draws(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  stsim::random::Stream s(stsim::random::StreamKey{2, 0, 0, 0, stsim::random::Purpose::test});
  stsim::engine::EventQueue queue(pending);
  queue.reset();
  for (std::size_t i = 0; i < pending; ++i) {
    queue.schedule(stsim::random::exponential(s, 1.0), 0, 0, 0, static_cast<std::uint32_t>(i));
  }
  for (auto _ : state) {
    const stsim::engine::Event e = queue.pop();
    queue.schedule_in(stsim::random::exponential(s, 1.0), 0, e.kind, e.target, e.payload);
  }
  benchmark::DoNotOptimize(queue.now());
  state.SetItemsProcessed(state.iterations());
}

// Baseline: std::priority_queue (binary heap) with the same event and the same ordering
// (time, priority, insertion order), but no cancellation.
struct PlainEvent {
  double time;
  std::int32_t priority;
  std::uint64_t sequence;
  std::uint32_t kind;
  std::uint32_t target;
  std::uint32_t payload;
};

struct Later {
  bool operator()(const PlainEvent& a, const PlainEvent& b) const {
    if (a.time != b.time) {
      return a.time > b.time;
    }
    if (a.priority != b.priority) {
      return a.priority > b.priority;
    }
    return a.sequence > b.sequence;
  }
};

void hold_priority_queue(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  const std::vector<double>& inc = increments();
  const std::size_t mask = inc.size() - 1;
  std::vector<PlainEvent> storage;
  storage.reserve(pending + 1);
  std::priority_queue<PlainEvent, std::vector<PlainEvent>, Later> queue(Later{},
                                                                        std::move(storage));
  std::size_t next = 0;
  std::uint64_t sequence = 0;
  for (std::size_t i = 0; i < pending; ++i) {
    queue.push({inc[next++ & mask], 0, sequence++, 0, 0, static_cast<std::uint32_t>(i)});
  }
  double now = 0.0;
  for (auto _ : state) {
    const PlainEvent e = queue.top();
    queue.pop();
    now = e.time;
    queue.push({now + inc[next++ & mask], 0, sequence++, e.kind, e.target, e.payload});
  }
  benchmark::DoNotOptimize(now);
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(hold_event_queue)->Arg(64)->Arg(10000);
BENCHMARK(hold_event_queue_live_draws)->Arg(64)->Arg(10000);
BENCHMARK(hold_priority_queue)->Arg(64)->Arg(10000);

BENCHMARK_MAIN();
