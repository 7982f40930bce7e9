#pragma once
// What the kinds that flag outputs (the safeguard and the vote) share once a task's flag
// is decided: a hazard the layer missed marks it failed, and a flag either blocks the
// task or raises an alarm on it. Also their common importance counterfactuals and ports.
// A flagging kind's Spec has detect_error, detect_misuse, false_alarm and blocks, and its
// ports are {pass, block}.

#include <cstdint>

#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model::flagging {

inline constexpr PortIndex pass = 0;
inline constexpr PortIndex block = 1;

template <class Spec>
double detection(const Spec& spec, const Task& t) {
  return t.origin == HarmOrigin::misuse ? spec.detect_misuse : spec.detect_error;
}

template <class Spec>
PortIndex route(Replication& r, Task& t, std::uint32_t node, const Spec& spec, bool flag) {
  if (t.hazardous && !flag) {
    t.failed |= r.node(node).fail_bit;
    // A layer that could never have caught it is not the last one that let it through.
    if (detection(spec, t) > 0.0) t.last_layer = node;
  }
  if (!flag) return pass;
  if (spec.blocks) return block;
  t.alarm = true;
  return pass;
}

// The detection probabilities under an importance counterfactual; a removed layer raises
// no false alarms either. What "perfect" means for latent failures and shared causes is
// the kind's own.
template <class Spec>
void counterfactual_detection(Spec& spec, Counterfactual c, double step) {
  spec.detect_error = detection_under(c, spec.detect_error, step);
  spec.detect_misuse = detection_under(c, spec.detect_misuse, step);
  if (c == Counterfactual::removed) spec.false_alarm = 0.0;
}

template <class Spec>
HazardFlow hazard_flow(const Spec& spec, PortIndex port) {
  if (port == block) return spec.blocks ? HazardFlow::stopped : HazardFlow::never;
  return HazardFlow::carried;
}

// An alarm-only layer never sends a task out by block.
template <class Spec>
bool port_used(const Spec& spec, PortIndex port) {
  return port != block || spec.blocks;
}

}  // namespace stsim::model::flagging
