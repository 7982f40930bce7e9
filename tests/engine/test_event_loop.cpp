#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/engine/event_loop.h"

using stsim::engine::Event;
using stsim::engine::EventQueue;
using stsim::engine::Observer;
using stsim::engine::run_until;
using stsim::engine::UnhandledEvent;

namespace {

// Handles kinds 0 and 1; kind 0 schedules another kind-0 event one hour later.
struct Handler {
  EventQueue& queue;
  std::vector<std::string> handled;

  bool handle(const Event& e) {
    if (e.kind > 1) return false;
    handled.push_back(std::to_string(e.kind) + "@" + std::to_string(e.time));
    if (e.kind == 0) queue.schedule(e.time + 1.0, 0, 0, e.target, 0);
    return true;
  }
  std::string describe(const Event& e) const {
    return "event kind " + std::to_string(e.kind) + " at target " + std::to_string(e.target);
  }
};

struct Recorder final : Observer {
  std::vector<Event> seen;
  const Handler* handler = nullptr;
  std::vector<std::size_t> handled_before;  // what the handler had done when each was seen
  void on_event(const Event& event) override {
    seen.push_back(event);
    handled_before.push_back(handler->handled.size());
  }
};

}  // namespace

TEST_CASE("the loop runs every event before the horizon, in order, and no other", "[engine]") {
  EventQueue queue;
  Handler handler{queue, {}};
  queue.schedule(0.5, 0, 0, 7, 0);
  queue.schedule(2.25, 0, 1, 3, 0);
  queue.schedule(3.0, 0, 1, 3, 0);  // at the horizon: stays pending
  run_until(queue, 3.0, handler);
  CHECK(handler.handled ==
        std::vector<std::string>{"0@0.500000", "0@1.500000", "1@2.250000", "0@2.500000"});
  REQUIRE(queue.size() == 2);  // the kind-1 event at 3 and the kind-0 event at 3.5
  CHECK(queue.next_time() == 3.0);
  CHECK(queue.now() == 2.5);
}

TEST_CASE("the observer sees each event before it is handled", "[engine]") {
  EventQueue queue;
  Handler handler{queue, {}};
  Recorder recorder;
  recorder.handler = &handler;
  queue.schedule(1.0, 0, 1, 4, 9);
  queue.schedule(0.25, 0, 0, 2, 0);
  run_until(queue, 2.0, handler, &recorder);
  REQUIRE(recorder.seen.size() == 3);
  CHECK(recorder.seen[0].time == 0.25);
  CHECK(recorder.seen[1].time == 1.0);
  CHECK(recorder.seen[1].target == 4);
  CHECK(recorder.seen[1].payload == 9);
  CHECK(recorder.seen[2].time == 1.25);
  CHECK(recorder.handled_before == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("an event nobody handles is an error naming it", "[engine]") {
  EventQueue queue;
  Handler handler{queue, {}};
  queue.schedule(0.5, 0, 1, 3, 0);
  queue.schedule(1.5, 0, 5, 11, 0);
  CHECK_THROWS_MATCHES(run_until(queue, 10.0, handler), UnhandledEvent,
                       Catch::Message("no handler for event kind 5 at target 11 at time 1.5 (a "
                                      "model that schedules an event must handle it)"));
  CHECK(handler.handled == std::vector<std::string>{"1@0.500000"});
}
