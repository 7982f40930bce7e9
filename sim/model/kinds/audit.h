#pragma once
// The audit: a sampling check before release. It catches hazards in the tasks it
// samples, and finds every latent failure of the components a sampled task passed while
// they were down (docs/model.md, Audit).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sim/model/drift.h"
#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

struct AuditSpec {
  double sample = 0.05;
  double detect = 0.95;
  DriftSpec drift;
};

struct Audit {
  using Spec = AuditSpec;
  static constexpr std::string_view name = "audit";
  enum Port : PortIndex { pass, block };
  static constexpr std::array<PortInfo, 2> ports = {
      {{"pass", HazardFlow::carried}, {"block", HazardFlow::stopped}}};
  static constexpr bool can_fail = true;

  struct State {
    AuditSpec spec;
  };

  static std::span<const ComponentKey> keys();
  static std::span<const KeyGroup> groups();
  static State build(const Spec& spec, std::uint32_t, Builder&) { return {spec}; }

  static PortIndex step(Replication& r, State& a, Task& t, std::uint32_t, std::uint32_t node) {
    const TaskDraws d = r.draws(t, node);
    const double p = std::min(1.0, a.spec.sample * r.drift(a.spec.drift));
    if (!d.chance(random::Purpose::sampling, p)) return pass;
    // The audit examines the task's whole path: any component it passed while down is found.
    if (t.down_passed != 0) r.reveal_latent(t.down_passed);
    if (!t.hazardous) return pass;
    if (d.chance(random::Purpose::detection, a.spec.detect)) return block;
    t.failed |= r.node(node).fail_bit;
    t.last_layer = node;
    return pass;
  }

  static bool is_layer(const Spec&) { return true; }
  // Perfect: examines every task, finds every hazard, without drift; removed: examines
  // none; nudged: its miss probability 1 - sample x detect raised by the step (its
  // detection lowered by step / sample).
  static void counterfactual(Spec& spec, Counterfactual c, double step) {
    spec.detect = detection_under(c, spec.detect, spec.sample > 0.0 ? step / spec.sample : 0.0);
    if (c == Counterfactual::perfect) {
      spec.sample = 1.0;
      spec.drift.enabled = false;
    }
    if (c == Counterfactual::removed) spec.sample = 0.0;
  }
  static NodeStyle style(const Spec&) { return {"note", "#BBCC33"}; }
  static std::optional<std::string> outside_analytic(const Spec& spec, const ComponentSpec&,
                                                     const ScenarioSpec&);
  static void branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in);
};

}  // namespace stsim::model
