#pragma once
// The pending-event set of a discrete-event simulation. Generic: it knows event kinds
// and target/payload indices as plain integers and nothing of what they mean.

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace stsim::engine {

using Time = double;

// Identifies a scheduled event so it can be cancelled. A handle whose event has fired
// or been cancelled is stale, and cancelling it is a harmless no-op.
struct EventHandle {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
};

struct Event {
  Time time = 0.0;
  std::int32_t priority = 0;  // lower runs first among events at the same time
  std::uint32_t kind = 0;     // what happens, interpreted by the model
  std::uint32_t target = 0;   // which component (or other entity) it happens to
  std::uint32_t payload = 0;  // e.g. a task index
};

class EventLimitExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Earliest time first; ties by priority, then by insertion order, so a run is the same
// every time. Storage is kept across reset() so replications reuse it without allocating.
class EventQueue {
 public:
  explicit EventQueue(std::size_t initial_capacity = 1024);

  // Empties the set, sets the clock to 0 and the cap on events popped (0 = no cap).
  void reset(std::uint64_t event_limit = 0);

  // Throws std::logic_error if time < now() (the clock never goes back) or is not finite.
  EventHandle schedule(Time time, std::int32_t priority, std::uint32_t kind, std::uint32_t target,
                       std::uint32_t payload) {
    if (!std::isfinite(time) || time < now_) reject_time(time);
    std::uint32_t slot_index;
    if (free_slots_.empty()) {
      slot_index = new_slot();
    } else {
      slot_index = free_slots_.back();
      free_slots_.pop_back();
    }
    Slot& slot = slots_[slot_index];
    slot.kind = kind;
    slot.target = target;
    slot.payload = payload;
    // +0.0 for -0.0 so that equal times compare equal bit for bit in every later use.
    heap_.emplace_back();
    sift_up(heap_.size() - 1,
            HeapEntry{time + 0.0, priority, slot_index, next_sequence_++, slot.generation});
    ++pending_;
    return EventHandle{slot_index, slot.generation};
  }
  EventHandle schedule_in(Time delay, std::int32_t priority, std::uint32_t kind,
                          std::uint32_t target, std::uint32_t payload) {
    return schedule(now_ + delay, priority, kind, target, payload);
  }

  // Returns true if the event was pending and is now removed.
  bool cancel(EventHandle handle);

  bool empty() const { return pending_ == 0; }
  std::size_t size() const { return pending_; }
  Time now() const { return now_; }
  // Time of the earliest pending event; precondition: !empty().
  Time next_time() const {
    if (pending_ == 0) no_pending_event("next_time");
    return heap_.front().time;
  }

  // Removes the earliest event and advances the clock to its time. Throws
  // EventLimitExceeded, naming the limit, when more events than the cap would be popped.
  Event pop() {
    if (pending_ == 0) no_pending_event("pop");
    if (event_limit_ != 0 && processed_ >= event_limit_) limit_exceeded();
    const HeapEntry top = heap_.front();
    const Slot& slot = slots_[top.slot];
    const Event event{top.time, top.priority, slot.kind, slot.target, slot.payload};
    release(top.slot);
    remove_root();
    --pending_;
    now_ = top.time;
    ++processed_;
    return event;
  }

  std::uint64_t events_processed() const { return processed_; }

 private:
  // A 4-ary heap. Each heap entry carries its whole ordering key, so sifting compares
  // within one contiguous array; the rest of an event lives in a slot, reused through a
  // free list. A slot's generation is bumped when it is released, so handles to fired or
  // cancelled events go stale. A cancelled event's entry stays in the heap, recognised
  // by its generation, until it reaches the root, where it is dropped at once: the root
  // is always a pending event, and sifting never has to update a slot's position.
  static constexpr std::uint32_t no_slot = UINT32_MAX;
  struct HeapEntry {
    Time time;
    std::int32_t priority;
    std::uint32_t slot;
    std::uint64_t sequence;
    std::uint32_t generation;  // its slot's generation when scheduled
  };
  struct Slot {
    std::uint32_t kind = 0;
    std::uint32_t target = 0;
    std::uint32_t payload = 0;
    std::uint32_t generation = 0;
  };

  // Earliest time, then lowest priority, then first scheduled.
  static bool before(const HeapEntry& a, const HeapEntry& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.sequence < b.sequence;
  }
  bool stale(const HeapEntry& entry) const {
    return slots_[entry.slot].generation != entry.generation;
  }

  void sift_up(std::size_t position, HeapEntry entry) {
    while (position > 0) {
      const std::size_t parent = (position - 1) / arity;
      if (!before(entry, heap_[parent])) break;
      heap_[position] = heap_[parent];
      position = parent;
    }
    heap_[position] = entry;
  }
  // Removes the root, then any cancelled entries that have become the root.
  void remove_root() {
    do {
      const HeapEntry last = heap_.back();
      heap_.pop_back();
      if (heap_.empty()) return;
      refill_root(last);
    } while (stale(heap_.front()));
  }
  void refill_root(HeapEntry entry);
  void release(std::uint32_t slot) {
    ++slots_[slot].generation;
    free_slots_.push_back(slot);
  }
  std::uint32_t new_slot();
  [[noreturn]] void reject_time(Time time) const;
  [[noreturn]] static void no_pending_event(const char* what);
  [[noreturn]] void limit_exceeded() const;

  static constexpr std::size_t arity = 4;
  std::vector<Slot> slots_;
  std::vector<HeapEntry> heap_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t pending_ = 0;  // heap entries not cancelled
  std::uint64_t next_sequence_ = 0;
  std::uint64_t processed_ = 0;
  std::uint64_t event_limit_ = 0;
  Time now_ = 0.0;
};

}  // namespace stsim::engine
