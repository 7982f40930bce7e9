#include "sim/engine/event_loop.h"

#include <sstream>

namespace stsim::engine {

void unhandled(const Event& event, const std::string& description) {
  std::ostringstream time;
  time.precision(17);  // enough to tell any two doubles apart
  time << event.time;
  throw UnhandledEvent("no handler for " + description + " at time " + time.str() +
                       " (a model that schedules an event must handle it)");
}

}  // namespace stsim::engine
