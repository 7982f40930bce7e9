#include "sim/engine/event_queue.h"

#include <sstream>
#include <string>

namespace stsim::engine {

namespace {

// Called only on the error path, so a stream (17 significant digits, enough to tell
// any two doubles apart) costs nothing on the hot path.
std::string format_time(double t) {
  std::ostringstream out;
  out.precision(17);
  out << t;
  return out.str();
}

}  // namespace

EventQueue::EventQueue(std::size_t initial_capacity) {
  slots_.reserve(initial_capacity);
  heap_.reserve(initial_capacity);
  free_slots_.reserve(initial_capacity);
}

void EventQueue::reset(std::uint64_t event_limit) {
  // Pending events die with the replication: their handles must go stale too.
  for (const HeapEntry& entry : heap_)
    if (!stale(entry)) ++slots_[entry.slot].generation;
  heap_.clear();
  pending_ = 0;
  // Hand slots out again from 0 upwards, as a fresh queue would, so a replication's
  // handles do not depend on what the previous one did.
  free_slots_.clear();
  for (std::size_t i = slots_.size(); i > 0; --i) {
    free_slots_.push_back(static_cast<std::uint32_t>(i - 1));
  }
  next_sequence_ = 0;
  processed_ = 0;
  event_limit_ = event_limit;
  now_ = 0.0;
}

std::uint32_t EventQueue::new_slot() {
  if (slots_.size() >= no_slot) {
    throw std::length_error("EventQueue::schedule: more than 2^32 - 1 pending events");
  }
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

void EventQueue::reject_time(Time time) const {
  if (!std::isfinite(time)) {
    throw std::logic_error("EventQueue::schedule: event time " + format_time(time) +
                           " is not finite (current time " + format_time(now_) + ")");
  }
  throw std::logic_error("EventQueue::schedule: event time " + format_time(time) +
                         " is before the current time " + format_time(now_) +
                         " (the clock never goes back)");
}

void EventQueue::no_pending_event(const char* what) {
  throw std::logic_error(std::string("EventQueue::") + what + ": no pending event");
}

void EventQueue::limit_exceeded() const {
  throw EventLimitExceeded("event limit of " + std::to_string(event_limit_) +
                           " events per replication exceeded at time " + format_time(now_) +
                           " (a runaway run? raise the limit if this is expected)");
}

bool EventQueue::cancel(EventHandle handle) {
  // A handle is current while its event is pending: firing or cancelling bumps the
  // slot's generation.
  if (handle.slot >= slots_.size() || slots_[handle.slot].generation != handle.generation) {
    return false;
  }
  release(handle.slot);
  --pending_;
  if (stale(heap_.front())) remove_root();
  return true;
}

void EventQueue::refill_root(HeapEntry entry) {
  // Floyd's bottom-up variant: the entry that replaces the root came from the bottom and
  // usually belongs there, so move the hole down to a leaf without comparing against
  // it, then let it rise the little it needs. Fewer comparisons than sifting down.
  const std::size_t size = heap_.size();
  std::size_t position = 0;
  for (;;) {
    const std::size_t first = position * arity + 1;
    if (first >= size) {
      break;
    }
    std::size_t best = first;
    const std::size_t end = first + arity < size ? first + arity : size;
    for (std::size_t child = first + 1; child < end; ++child) {
      if (before(heap_[child], heap_[best])) {
        best = child;
      }
    }
    heap_[position] = heap_[best];
    position = best;
  }
  sift_up(position, entry);
}

}  // namespace stsim::engine
