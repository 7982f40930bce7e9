#pragma once
// The loop of a discrete-event simulation: take the earliest event, show it to an
// observer, hand it to the model. Generic like the event queue: the model says, through
// its handler, what an event means and what it is called.

#include <concepts>
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

// Processes events in order while the earliest is before `horizon`; events at or after
// it stay pending. Static dispatch: the handler's type is known here, so the call to it
// can be inlined. The observer, when given, costs one virtual call per event.
template <EventHandler Handler>
void run_until(EventQueue& queue, Time horizon, Handler& handler, Observer* observer = nullptr) {
  while (!queue.empty() && queue.next_time() < horizon) {
    const Event event = queue.pop();
    if (observer != nullptr) observer->on_event(event);
    if (!handler.handle(event)) unhandled(event, handler.describe(event));
  }
}

}  // namespace stsim::engine
