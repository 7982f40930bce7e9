#pragma once
// The pending-event set of a discrete-event simulation. Generic: it knows event kinds
// and target/payload indices as plain integers and nothing of what they mean.

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
                       std::uint32_t payload);
  EventHandle schedule_in(Time delay, std::int32_t priority, std::uint32_t kind,
                          std::uint32_t target, std::uint32_t payload) {
    return schedule(now_ + delay, priority, kind, target, payload);
  }

  // Returns true if the event was pending and is now removed.
  bool cancel(EventHandle handle);

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  Time now() const { return now_; }
  // Time of the earliest pending event; precondition: !empty().
  Time next_time() const;

  // Removes the earliest event and advances the clock to its time. Throws
  // EventLimitExceeded, naming the limit, when more events than the cap would be popped.
  Event pop();

  std::uint64_t events_processed() const { return processed_; }

 private:
  // An indexed 4-ary heap. Each heap entry carries its whole ordering key, so sifting
  // compares within one contiguous array; the rest of an event lives in a slot, reused
  // through a free list. A slot's generation is bumped when it is released, so handles
  // to fired or cancelled events go stale.
  static constexpr std::uint32_t not_queued = UINT32_MAX;
  struct HeapEntry {
    Time time;
    std::int32_t priority;
    std::uint32_t slot;
    std::uint64_t sequence;
  };
  struct Slot {
    std::uint32_t kind = 0;
    std::uint32_t target = 0;
    std::uint32_t payload = 0;
    std::uint32_t generation = 0;
    std::uint32_t position = not_queued;  // index in heap_ while pending
  };

  void sift_up(std::size_t position, HeapEntry entry);
  void sift_down(std::size_t position, HeapEntry entry);
  void refill_root(HeapEntry entry);
  void place(std::size_t position, const HeapEntry& entry);
  void release(std::uint32_t slot);

  std::vector<Slot> slots_;
  std::vector<HeapEntry> heap_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t processed_ = 0;
  std::uint64_t event_limit_ = 0;
  Time now_ = 0.0;
};

}  // namespace stsim::engine
