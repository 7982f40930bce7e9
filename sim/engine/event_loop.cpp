#include "sim/engine/event_loop.h"

#include <sstream>

namespace stsim::engine {

namespace {

thread_local const std::atomic<bool>* watched_stop = nullptr;

}  // namespace

StopWatch::StopWatch(const std::atomic<bool>* flag) : previous_(watched_stop) {
  watched_stop = flag;
}

StopWatch::~StopWatch() { watched_stop = previous_; }

void check_stop() {
  if (watched_stop != nullptr && watched_stop->load(std::memory_order_relaxed))
    throw StopRequested();
}

void unhandled(const Event& event, const std::string& description) {
  std::ostringstream time;
  time.precision(17);  // enough to tell any two doubles apart
  time << event.time;
  throw UnhandledEvent("no handler for " + description + " at time " + time.str() +
                       " (a model that schedules an event must handle it)");
}

}  // namespace stsim::engine
