#pragma once
// A task's path in closed form, the analytic counterpart of a step. A branch is a class
// of tasks with its probability per task born; a kind with a closed form
// (KindInfo::branch) splits the branches that reach it into those leaving each of its
// ports, with exactly the semantics of its step. sim/analytic drives the enumeration
// through the structure and solves what is not per task (queues, latent failures).

#include <cstdint>
#include <string_view>

#include "sim/model/kind.h"
#include "sim/model/metrics.h"
#include "sim/model/replication.h"

namespace stsim::model {

struct ContextSpec;

struct Branch {
  double p = 1.0;
  std::uint32_t context = 0;
  bool malicious = false;
  bool hazardous = false;
  bool erred = false;
  bool alarm = false;
  Output output = Output::correct;
  HarmOrigin origin = HarmOrigin::model_error;
  std::uint64_t failed = 0;   // components that failed on these tasks (bit = component index)
  double lo = 0.0, hi = 1.0;  // the difficulty is uniform on [lo, hi) given the branch
  double obs_lo = 0.0, obs_hi = 1.0;  // the observable uniform is uniform on [obs_lo, obs_hi)
};

// What the kinds' branches count, in expected numbers per task born.
struct BranchCounts {
  double model_error = 0.0;
  double hazardous_output = 0.0;
  double false_alarms = 0.0;
  double refused_benign = 0.0;
  double refused_malicious = 0.0;
};

class Branching {
 public:
  virtual ~Branching() = default;
  // The branch leaves `node` by `port`: on to its target, or stopped there.
  virtual void leave(std::uint32_t node, PortIndex port, const Branch& branch) = 0;
  // The branch ends at a terminal component.
  virtual void end(const Branch& branch, Terminal terminal) = 0;
  virtual BranchCounts& counts() = 0;
  virtual const ContextSpec& context(std::uint32_t index) const = 0;
  // The component is down (a latent failure) in the state being enumerated.
  virtual bool down(std::uint32_t node) const = 0;
  // The channels of a group (a vote) that are down in that state, as bits.
  virtual std::uint32_t down_channels(std::uint32_t node) const = 0;
  // The component with this id (none if there is none).
  virtual std::uint32_t node_of(std::string_view id) const = 0;
  // The probability that a task reaching this operator pool finds its queue full.
  virtual double overflow(std::uint32_t node) const = 0;

  static std::uint64_t bit(std::uint32_t node) { return std::uint64_t{1} << node; }
};

}  // namespace stsim::model
