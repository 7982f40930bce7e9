#pragma once
// What the kinds that flag outputs (the safeguard and the vote) share once a task's flag
// is decided: a hazard the layer missed marks it failed, and a flag either blocks the
// task or raises an alarm on it. Also their probabilities by context, common importance
// counterfactuals and ports. A flagging kind's Spec has detect_error, detect_misuse,
// false_alarm, their *_by_context overrides and blocks, and its ports are {pass, block}.

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model::flagging {

inline constexpr PortIndex pass = 0;
inline constexpr PortIndex block = 1;

// The probability of flagging a hazard of `origin` in `context`, and of a false alarm
// there: the spec's value, or its override for the context.
template <class Spec>
double detection(const Spec& spec, std::string_view context, HarmOrigin origin) {
  return origin == HarmOrigin::misuse
             ? in_context(spec.detect_misuse_by_context, context, spec.detect_misuse)
             : in_context(spec.detect_error_by_context, context, spec.detect_error);
}
template <class Spec>
double false_alarm(const Spec& spec, std::string_view context) {
  return in_context(spec.false_alarm_by_context, context, spec.false_alarm);
}

// Whether it flags anything (a hazard or not) in some context.
template <class Spec>
bool can_flag(const Spec& spec) {
  for (const ByContext* by_context : {&spec.detect_error_by_context, &spec.detect_misuse_by_context,
                                      &spec.false_alarm_by_context})
    for (const auto& [context, p] : *by_context)
      if (p > 0.0) return true;
  return spec.detect_error > 0.0 || spec.detect_misuse > 0.0 || spec.false_alarm > 0.0;
}

// The same, resolved per context index at build (Builder::per_context), for the steps.
struct ByContextIndex {
  std::vector<double> detect_error, detect_misuse, false_alarm;
  double detection(const Task& t) const {
    return (t.origin == HarmOrigin::misuse ? detect_misuse : detect_error)[t.context];
  }
};
template <class Spec, class Builder>
ByContextIndex per_context(const Spec& spec, const Builder& builder) {
  return {builder.per_context(spec.detect_error, spec.detect_error_by_context),
          builder.per_context(spec.detect_misuse, spec.detect_misuse_by_context),
          builder.per_context(spec.false_alarm, spec.false_alarm_by_context)};
}

// `detection`: the layer's probability of flagging this hazard, had it been one.
template <class Spec>
PortIndex route(Replication& r, Task& t, std::uint32_t node, const Spec& spec, double detection,
                bool flag) {
  if (t.hazardous && !flag) {
    t.failed |= r.node(node).fail_bit;
    // A layer that could never have caught it is not the last one that let it through.
    if (detection > 0.0) t.last_layer = node;
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
  for (ByContext* by_context : {&spec.detect_error_by_context, &spec.detect_misuse_by_context})
    for (auto& [context, detect] : *by_context) detect = detection_under(c, detect, step);
  if (c == Counterfactual::removed) {
    spec.false_alarm = 0.0;
    spec.false_alarm_by_context.clear();
  }
}

// The keys of the probabilities by context, after the kind's own.
template <class Spec>
std::vector<ComponentKey> with_context_keys(std::vector<ComponentKey> keys) {
  keys.push_back({"detect_error_by_context", probability(), "detect_error",
                  "detect_error in this context, instead of detect_error",
                  field<&Spec::detect_error_by_context>, true});
  keys.push_back({"detect_misuse_by_context", probability(), "detect_misuse",
                  "detect_misuse in this context, instead of detect_misuse",
                  field<&Spec::detect_misuse_by_context>, true});
  keys.push_back({"false_alarm_by_context", probability(), "false_alarm",
                  "false_alarm in this context, instead of false_alarm",
                  field<&Spec::false_alarm_by_context>, true});
  return keys;
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
