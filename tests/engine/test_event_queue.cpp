#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>
#include <string>
#include <tuple>
#include <vector>

#include "sim/engine/event_queue.h"

// Counts every allocation in this test program, so a test can check that the hot path
// allocates nothing once the queue is warm. All the plain forms are replaced together
// (on malloc/free), so that no allocation is ever freed by a mismatched partner, which
// AddressSanitizer would rightly report.
namespace {
std::atomic<std::size_t> allocations{0};

void* counted_allocate(std::size_t size) noexcept {
  ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(std::size_t size) {
  if (void* p = counted_allocate(size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = counted_allocate(size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_allocate(size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using stsim::engine::Event;
using stsim::engine::EventHandle;
using stsim::engine::EventLimitExceeded;
using stsim::engine::EventQueue;

namespace {

// SplitMix64: the engine must not depend on sim/random, so its tests bring their own
// deterministic generator.
struct SplitMix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

// What the queue must reproduce: events sorted by (time, priority, insertion order).
struct Reference {
  double time;
  std::int32_t priority;
  std::uint64_t sequence;
  std::uint32_t payload;
  bool operator<(const Reference& o) const {
    return std::tie(time, priority, sequence) < std::tie(o.time, o.priority, o.sequence);
  }
};

}  // namespace

TEST_CASE("events come out earliest time first, with their fields intact", "[engine]") {
  EventQueue q;
  q.reset();
  const double times[] = {5.0, 1.0, 3.0, 2.0, 4.0};
  for (std::uint32_t i = 0; i < 5; ++i) {
    q.schedule(times[i], static_cast<std::int32_t>(i) - 2, 10 + i, 20 + i, 30 + i);
  }
  REQUIRE(q.size() == 5);
  REQUIRE(q.next_time() == 1.0);
  const std::uint32_t expected_index[] = {1, 3, 2, 4, 0};
  for (std::uint32_t index : expected_index) {
    const Event e = q.pop();
    CHECK(e.time == times[index]);
    CHECK(e.priority == static_cast<std::int32_t>(index) - 2);
    CHECK(e.kind == 10 + index);
    CHECK(e.target == 20 + index);
    CHECK(e.payload == 30 + index);
    CHECK(q.now() == times[index]);
  }
  CHECK(q.empty());
  CHECK(q.events_processed() == 5);
}

TEST_CASE("ties: lower priority first, then insertion order", "[engine]") {
  EventQueue q;
  q.reset();
  q.schedule(1.0, 2, 0, 0, 0);
  q.schedule(1.0, -1, 0, 0, 1);
  q.schedule(1.0, 2, 0, 0, 2);
  q.schedule(1.0, 0, 0, 0, 3);
  q.schedule(1.0, -1, 0, 0, 4);
  q.schedule(0.5, 5, 0, 0, 5);
  q.schedule(1.0, 2, 0, 0, 6);
  std::vector<std::uint32_t> order;
  while (!q.empty()) {
    order.push_back(q.pop().payload);
  }
  CHECK(order == std::vector<std::uint32_t>{5, 1, 4, 3, 0, 2, 6});
}

TEST_CASE("many equal-time events keep insertion order through the heap", "[engine]") {
  // Enough events for several heap levels, all tied: any instability would show.
  EventQueue q(4);
  q.reset();
  for (std::uint32_t i = 0; i < 1000; ++i) {
    q.schedule(7.0, 0, 0, 0, i);
  }
  for (std::uint32_t i = 0; i < 1000; ++i) {
    REQUIRE(q.pop().payload == i);
  }
}

TEST_CASE("random schedule/cancel/pop matches a sorted reference", "[engine]") {
  EventQueue q(8);
  q.reset();
  SplitMix rng{42};
  std::vector<Reference> pending;
  std::vector<EventHandle> handles;  // indexed by payload
  std::uint64_t sequence = 0;
  std::uint64_t cancelled = 0;
  for (int step = 0; step < 20000; ++step) {
    const std::uint64_t action = rng.next() % 10;
    if (action < 5 || pending.empty()) {
      // Coarse times and few priorities so that ties are frequent.
      const double time = q.now() + static_cast<double>(rng.next() % 8);
      const auto priority = static_cast<std::int32_t>(rng.next() % 3) - 1;
      const auto payload = static_cast<std::uint32_t>(handles.size());
      handles.push_back(q.schedule(time, priority, 0, 0, payload));
      pending.push_back({time, priority, sequence++, payload});
    } else if (action < 7) {
      const std::size_t victim = rng.next() % pending.size();
      REQUIRE(q.cancel(handles[pending[victim].payload]));
      REQUIRE_FALSE(q.cancel(handles[pending[victim].payload]));
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(victim));
      ++cancelled;
    } else {
      const auto earliest = std::min_element(pending.begin(), pending.end());
      const Event e = q.pop();
      REQUIRE(e.payload == earliest->payload);
      REQUIRE(e.time == earliest->time);
      REQUIRE(e.priority == earliest->priority);
      pending.erase(earliest);
    }
    REQUIRE(q.size() == pending.size());
  }
  CHECK(cancelled > 1000);
  std::sort(pending.begin(), pending.end());
  for (const Reference& r : pending) {
    REQUIRE(q.pop().payload == r.payload);
  }
  CHECK(q.empty());
}

TEST_CASE("cancel removes the event, and stale handles are harmless no-ops", "[engine]") {
  EventQueue q;
  q.reset();
  const EventHandle a = q.schedule(1.0, 0, 0, 0, 1);
  const EventHandle b = q.schedule(2.0, 0, 0, 0, 2);
  const EventHandle c = q.schedule(3.0, 0, 0, 0, 3);

  SECTION("a cancelled event never fires, and cancelling twice fails") {
    CHECK(q.cancel(b));
    CHECK_FALSE(q.cancel(b));
    CHECK(q.size() == 2);
    CHECK(q.pop().payload == 1);
    CHECK(q.pop().payload == 3);
    CHECK(q.empty());
  }
  SECTION("cancelling the earliest event moves next_time on") {
    CHECK(q.cancel(a));
    CHECK(q.next_time() == 2.0);
  }
  SECTION("a fired event's handle is stale") {
    CHECK(q.pop().payload == 1);
    CHECK_FALSE(q.cancel(a));
    CHECK(q.size() == 2);
  }
  SECTION("a stale handle does not cancel a newer event that reuses its slot") {
    CHECK(q.cancel(c));
    const EventHandle d = q.schedule(4.0, 0, 0, 0, 4);
    CHECK(d.slot == c.slot);   // the slot was reused...
    CHECK_FALSE(q.cancel(c));  // ...but the old handle is stale
    CHECK(q.size() == 3);
    CHECK(q.cancel(d));
  }
  SECTION("handles from before a reset are stale") {
    q.reset();
    const EventHandle fresh = q.schedule(1.0, 0, 0, 0, 9);
    CHECK(fresh.slot == a.slot);
    CHECK_FALSE(q.cancel(a));
    CHECK_FALSE(q.cancel(b));
    CHECK(q.size() == 1);
    CHECK(q.pop().payload == 9);
  }
  SECTION("a default or out-of-range handle cancels nothing") {
    CHECK_FALSE(q.cancel(EventHandle{}));
    CHECK_FALSE(q.cancel(EventHandle{1000, 0}));
    CHECK(q.size() == 3);
  }
}

TEST_CASE("the clock never goes back", "[engine]") {
  EventQueue q;
  q.reset();
  q.schedule(2.5, 0, 0, 0, 0);
  q.pop();
  REQUIRE(q.now() == 2.5);

  SECTION("an event in the past is refused with both times in the message") {
    try {
      q.schedule(1.25, 0, 0, 0, 0);
      FAIL("schedule into the past did not throw");
    } catch (const std::logic_error& e) {
      const std::string message = e.what();
      CHECK(message.find("1.25") != std::string::npos);
      CHECK(message.find("2.5") != std::string::npos);
    }
    CHECK(q.empty());
  }
  SECTION("negative delays, NaN and infinity are refused") {
    CHECK_THROWS_AS(q.schedule_in(-1e-9, 0, 0, 0, 0), std::logic_error);
    CHECK_THROWS_AS(q.schedule(std::numeric_limits<double>::quiet_NaN(), 0, 0, 0, 0),
                    std::logic_error);
    CHECK_THROWS_AS(q.schedule(std::numeric_limits<double>::infinity(), 0, 0, 0, 0),
                    std::logic_error);
    CHECK(q.empty());
  }
  SECTION("an event at the current time is allowed") {
    q.schedule(2.5, 0, 0, 0, 7);
    q.schedule_in(0.0, 0, 0, 0, 8);
    CHECK(q.pop().payload == 7);
    CHECK(q.pop().payload == 8);
    CHECK(q.now() == 2.5);
  }
  SECTION("popping or peeking an empty queue is an error, not undefined behaviour") {
    CHECK_THROWS_AS(q.pop(), std::logic_error);
    CHECK_THROWS_AS(q.next_time(), std::logic_error);
  }
}

TEST_CASE("the event cap stops a runaway replication", "[engine]") {
  EventQueue q;
  q.reset(3);
  for (int i = 0; i < 10; ++i) {
    q.schedule_in(1.0, 0, 0, 0, 0);
  }
  for (int i = 0; i < 3; ++i) {
    q.pop();
  }
  try {
    q.pop();
    FAIL("the fourth pop did not throw");
  } catch (const EventLimitExceeded& e) {
    CHECK(std::string(e.what()).find("limit of 3 events") != std::string::npos);
  }
  CHECK(q.events_processed() == 3);

  q.reset(0);  // no cap
  for (int i = 0; i < 10; ++i) {
    q.schedule_in(1.0, 0, 0, 0, 0);
  }
  while (!q.empty()) {
    q.pop();
  }
  CHECK(q.events_processed() == 10);
}

namespace {

// A small self-scheduling model: every event reschedules itself and sometimes cancels
// another one, so a replication exercises growth, slot reuse and cancellation.
std::vector<std::tuple<double, std::uint32_t, std::uint32_t>> replicate(EventQueue& q,
                                                                        std::uint64_t seed) {
  q.reset(5000);
  SplitMix rng{seed};
  std::vector<EventHandle> handles;
  for (std::uint32_t i = 0; i < 50; ++i) {
    handles.push_back(q.schedule(rng.unit(), 0, 0, i, 0));
  }
  std::vector<std::tuple<double, std::uint32_t, std::uint32_t>> trace;
  while (q.events_processed() < 5000 && !q.empty()) {
    const Event e = q.pop();
    trace.emplace_back(e.time, e.target, e.payload);
    handles[e.target] =
        q.schedule_in(-std::log(rng.unit() + 0x1.0p-60), 0, 0, e.target, e.payload + 1);
    if (rng.next() % 4 == 0) {
      const auto other = static_cast<std::uint32_t>(rng.next() % handles.size());
      if (q.cancel(handles[other])) {
        handles[other] = q.schedule_in(rng.unit(), 0, 0, other, 0);
      }
    }
  }
  return trace;
}

}  // namespace

TEST_CASE("reset reuses the queue without changing what a replication does", "[engine]") {
  EventQueue fresh;
  const auto expected = replicate(fresh, 7);
  REQUIRE(expected.size() == 5000);

  EventQueue reused;
  replicate(reused, 99);  // a different history first
  CHECK(replicate(reused, 7) == expected);
}

TEST_CASE("a warm queue allocates nothing per event", "[engine]") {
  EventQueue q(16);
  SplitMix rng{3};
  // Warm-up: grow to the working size once (which does allocate: the counter works).
  const std::size_t cold = allocations.load();
  q.reset();
  for (std::uint32_t i = 0; i < 10000; ++i) {
    q.schedule(rng.unit(), 0, 0, 0, i);
  }
  REQUIRE(allocations.load() > cold);
  q.reset();
  const std::size_t before = allocations.load();
  for (std::uint32_t i = 0; i < 10000; ++i) {
    q.schedule(rng.unit(), 0, 0, 0, i);
  }
  // Hold model: pop the earliest, schedule one later, with cancellations mixed in.
  for (int i = 0; i < 100000; ++i) {
    const Event e = q.pop();
    const EventHandle h = q.schedule_in(rng.unit(), 0, 0, 0, e.payload);
    if (i % 3 == 0) {
      q.cancel(h);
      q.schedule_in(rng.unit(), 0, 0, 0, e.payload);
    }
  }
  const std::size_t after = allocations.load();
  CHECK(after == before);
}
