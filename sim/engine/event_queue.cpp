#include "sim/engine/event_queue.h"

#include <cmath>
#include <sstream>
#include <string>

namespace stsim::engine {

namespace {

constexpr std::size_t arity = 4;

// Earliest time, then lowest priority, then first scheduled.
template <typename Entry>
inline bool before(const Entry& a, const Entry& b) {
  if (a.time != b.time) {
    return a.time < b.time;
  }
  if (a.priority != b.priority) {
    return a.priority < b.priority;
  }
  return a.sequence < b.sequence;
}

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
  for (const HeapEntry& entry : heap_) {
    Slot& slot = slots_[entry.slot];
    ++slot.generation;
    slot.position = not_queued;
  }
  heap_.clear();
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

EventHandle EventQueue::schedule(Time time, std::int32_t priority, std::uint32_t kind,
                                 std::uint32_t target, std::uint32_t payload) {
  if (!std::isfinite(time)) {
    throw std::logic_error("EventQueue::schedule: event time " + format_time(time) +
                           " is not finite (current time " + format_time(now_) + ")");
  }
  if (time < now_) {
    throw std::logic_error("EventQueue::schedule: event time " + format_time(time) +
                           " is before the current time " + format_time(now_) +
                           " (the clock never goes back)");
  }
  std::uint32_t slot_index;
  if (free_slots_.empty()) {
    if (slots_.size() >= not_queued) {
      throw std::length_error("EventQueue::schedule: more than 2^32 - 1 pending events");
    }
    slot_index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot_index = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& slot = slots_[slot_index];
  slot.kind = kind;
  slot.target = target;
  slot.payload = payload;
  // +0.0 for -0.0 so that equal times compare equal bit for bit in every later use.
  const HeapEntry entry{time + 0.0, priority, slot_index, next_sequence_++};
  heap_.emplace_back();
  sift_up(heap_.size() - 1, entry);
  return EventHandle{slot_index, slot.generation};
}

bool EventQueue::cancel(EventHandle handle) {
  if (handle.slot >= slots_.size()) {
    return false;
  }
  const Slot& slot = slots_[handle.slot];
  if (slot.generation != handle.generation || slot.position == not_queued) {
    return false;
  }
  const std::size_t position = slot.position;
  release(handle.slot);
  const HeapEntry last = heap_.back();
  heap_.pop_back();
  if (position < heap_.size()) {
    // The last entry fills the hole; it may belong above or below it.
    if (position > 0) {
      if (before(last, heap_[(position - 1) / arity])) {
        sift_up(position, last);
        return true;
      }
    }
    sift_down(position, last);
  }
  return true;
}

Time EventQueue::next_time() const {
  if (heap_.empty()) {
    throw std::logic_error("EventQueue::next_time: no pending event");
  }
  return heap_.front().time;
}

Event EventQueue::pop() {
  if (heap_.empty()) {
    throw std::logic_error("EventQueue::pop: no pending event");
  }
  if (event_limit_ != 0 && processed_ >= event_limit_) {
    throw EventLimitExceeded("event limit of " + std::to_string(event_limit_) +
                             " events per replication exceeded at time " + format_time(now_) +
                             " (a runaway run? raise the limit if this is expected)");
  }
  const HeapEntry top = heap_.front();
  const Slot& slot = slots_[top.slot];
  const Event event{top.time, top.priority, slot.kind, slot.target, slot.payload};
  release(top.slot);
  const HeapEntry last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) {
    refill_root(last);
  }
  now_ = top.time;
  ++processed_;
  return event;
}

inline void EventQueue::place(std::size_t position, const HeapEntry& entry) {
  heap_[position] = entry;
  slots_[entry.slot].position = static_cast<std::uint32_t>(position);
}

void EventQueue::sift_up(std::size_t position, HeapEntry entry) {
  while (position > 0) {
    const std::size_t parent = (position - 1) / arity;
    if (!before(entry, heap_[parent])) {
      break;
    }
    place(position, heap_[parent]);
    position = parent;
  }
  place(position, entry);
}

void EventQueue::sift_down(std::size_t position, HeapEntry entry) {
  const std::size_t size = heap_.size();
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
    if (!before(heap_[best], entry)) {
      break;
    }
    place(position, heap_[best]);
    position = best;
  }
  place(position, entry);
}

void EventQueue::refill_root(HeapEntry entry) {
  // Floyd's bottom-up variant: the entry that replaces the root came from the bottom and
  // usually belongs there, so move the hole down to a leaf without comparing against
  // it, then let it rise the little it needs. Fewer comparisons than sift_down.
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
    place(position, heap_[best]);
    position = best;
  }
  sift_up(position, entry);
}

void EventQueue::release(std::uint32_t slot) {
  Slot& s = slots_[slot];
  ++s.generation;
  s.position = not_queued;
  free_slots_.push_back(slot);
}

}  // namespace stsim::engine
