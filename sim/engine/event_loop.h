#pragma once
// The loop of a discrete-event simulation: take the earliest event, show it to an
// observer, hand it to the model. Generic like the event queue: the model says, through
// its handler, what an event means and what it is called.

#include <atomic>
#include <concepts>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/engine/event_queue.h"

namespace stsim::engine {

// Sees every event as it is processed, in order, before the model handles it: the hook
// for traces and trajectory fingerprints.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_event(const Event& event) = 0;
};

// An event that no handler took: a fault of the model, never of its input.
class UnhandledEvent : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// The model's side of the loop. handle() runs the event and returns false when nothing
// handles it; describe() names an event (what, and to whom) for that error.
template <class H>
concept EventHandler = requires(H& handler, const Event& event) {
  { handler.handle(event) } -> std::same_as<bool>;
  { handler.describe(event) } -> std::convertible_to<std::string>;
};

// Throws UnhandledEvent: "no handler for <description> at time <t>".
[[noreturn]] void unhandled(const Event& event, const std::string& description);

// A stop was requested while events were running: the run is abandoned part-way (its
// state is not a result); the caller gives up the replication.
class StopRequested : public std::runtime_error {
 public:
  StopRequested() : std::runtime_error("stopped part-way through a run of events") {}
};

// The stop flag run_until on this thread watches (nothing: none), for as long as the
// returned guard lives. Per thread, so that the loop's signature and the models above
// it need not carry it: a runner sets it around the replications of one worker.
class StopWatch {
 public:
  explicit StopWatch(const std::atomic<bool>* flag);
  ~StopWatch();
  StopWatch(const StopWatch&) = delete;
  StopWatch& operator=(const StopWatch&) = delete;

 private:
  const std::atomic<bool>* previous_;
};

// Throws StopRequested when this thread's watched flag is set.
void check_stop();

// Events between two looks at the stop flag: a look is one relaxed atomic load, so the
// hot path pays a counter, and a stop takes effect within microseconds of simulation work.
inline constexpr std::uint32_t stop_check_interval = 4096;

// Processes events in order while the earliest is before `horizon`; events at or after
// it stay pending. Every stop_check_interval events it calls check_stop(). Static dispatch: the
// handler's type is known here, so the call to it can be inlined. The observer, when given, costs
// one virtual call per event.
template <EventHandler Handler>
void run_until(EventQueue& queue, Time horizon, Handler& handler, Observer* observer = nullptr) {
  std::uint32_t until_check = stop_check_interval;
  while (!queue.empty() && queue.next_time() < horizon) {
    if (--until_check == 0) {
      until_check = stop_check_interval;
      check_stop();
    }
    const Event event = queue.pop();
    if (observer != nullptr) observer->on_event(event);
    if (!handler.handle(event)) unhandled(event, handler.describe(event));
  }
}

}  // namespace stsim::engine
