#pragma once
// The defence: downstream, at the attack surface, independent of the model; it acts on
// the use of outputs (docs/model.md, Defence).

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "sim/model/keys.h"
#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

struct DefenceSpec {
  double detect_misuse = 0.5;
  double detect_error = 0.0;
  double false_alarm = 0.0;
  ByContext detect_misuse_by_context, detect_error_by_context, false_alarm_by_context;
};

struct Defence {
  using Spec = DefenceSpec;
  static constexpr std::string_view name = "defence";
  enum Port : PortIndex { pass, block };
  static constexpr std::array<PortInfo, 2> ports = {
      {{"pass", HazardFlow::carried}, {"block", HazardFlow::stopped}}};
  static constexpr bool can_fail = true;

  struct State {
    DefenceSpec spec;
    std::vector<double> detect_misuse, detect_error, false_alarm;  // per context index
  };

  static std::span<const ComponentKey> keys();
  static State build(const Spec& spec, std::uint32_t, Builder& builder);

  static PortIndex step(Replication& r, State& s, Task& t, std::uint32_t, std::uint32_t node) {
    const TaskDraws d = r.draws(t, node);
    if (t.hazardous) {
      const double p =
          (t.origin == HarmOrigin::misuse ? s.detect_misuse : s.detect_error)[t.context];
      if (d.chance(random::Purpose::detection, p)) return block;
      t.failed |= r.node(node).fail_bit;
      if (p > 0.0) t.last_layer = node;
      return pass;
    }
    if (d.chance(random::Purpose::false_alarm, s.false_alarm[t.context])) {
      ++r.metrics().false_alarms;
      r.weigh(Weighed::false_alarms, t);
      return block;
    }
    return pass;
  }

  static bool is_layer(const Spec&) { return true; }
  // Perfect: stops every hazard; removed: stops nothing; nudged: both detection
  // probabilities lowered by the step.
  static void counterfactual(Spec& spec, Counterfactual c, double step) {
    spec.detect_misuse = detection_under(c, spec.detect_misuse, step);
    spec.detect_error = detection_under(c, spec.detect_error, step);
    for (auto* by_context : {&spec.detect_misuse_by_context, &spec.detect_error_by_context})
      for (auto& [context, detect] : *by_context) detect = detection_under(c, detect, step);
    if (c != Counterfactual::removed) return;
    spec.false_alarm = 0.0;
    for (auto& [context, false_alarm] : spec.false_alarm_by_context) false_alarm = 0.0;
  }
  // Every parameter may change during a replication: the state is nothing but them.
  static bool retunes(std::string_view) { return true; }
  static void retune(Replication&, State& s, const State& tuned, std::uint32_t) { s = tuned; }
  static NodeStyle style(const Spec&) { return {"octagon", "#77AADD"}; }
  static void branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in);
};

}  // namespace stsim::model
