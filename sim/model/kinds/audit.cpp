#include "sim/model/kinds/audit.h"

#include "sim/model/branching.h"
#include "sim/model/key_fields.h"

namespace stsim::model {

std::span<const ComponentKey> Audit::keys() {
  static const std::vector<ComponentKey> keys = [] {
    std::vector<ComponentKey> k = {
        {"sample", probability(), "0.05", "Share of tasks audited", field<&AuditSpec::sample>},
        {"detect", probability(), "0.95", "Probability of catching a hazard in an audited task",
         field<&AuditSpec::detect>},
    };
    add_drift_keys<&AuditSpec::drift>(k);
    return k;
  }();
  return keys;
}

std::span<const KeyGroup> Audit::groups() {
  static constexpr std::array<KeyGroup, 1> groups = {drift_group};
  return groups;
}

std::optional<std::string> Audit::outside_analytic(const Spec& a, const ComponentSpec&,
                                                   const ScenarioSpec&) {
  if (a.drift.enabled) return std::string("drift.enabled = true: organisational drift");
  return std::nullopt;
}

void Audit::branch(const Spec& a, Branching& b, std::uint32_t node, const Branch& in) {
  if (!in.hazardous) return b.leave(node, pass, in);
  Branch caught = in;
  caught.p *= a.sample * a.detect;
  b.leave(node, block, caught);
  Branch missed = in;
  missed.p *= a.sample * (1.0 - a.detect);
  missed.failed |= Branching::bit(node);
  b.leave(node, pass, missed);
  Branch rest = in;
  rest.p *= 1.0 - a.sample;
  b.leave(node, pass, rest);
}

}  // namespace stsim::model
