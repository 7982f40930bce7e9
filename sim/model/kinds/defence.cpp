#include "sim/model/kinds/defence.h"

#include "sim/model/branching.h"
#include "sim/model/key_fields.h"

namespace stsim::model {

std::span<const ComponentKey> Defence::keys() {
  static const std::vector<ComponentKey> keys = with_coverage_keys({
      {"detect_misuse", probability(), "0.5", "Probability of stopping the misuse of an output",
       field<&DefenceSpec::detect_misuse>},
      {"detect_error", probability(), "0",
       "Probability of stopping a hazardous output from a model error",
       field<&DefenceSpec::detect_error>},
      {"false_alarm", probability(), "0", "Probability of stopping a non-hazardous output",
       field<&DefenceSpec::false_alarm>},
  });
  return keys;
}

void Defence::branch(const Spec& d, Branching& b, std::uint32_t node, const Branch& in) {
  Branch rest = in;
  if (rest.hazardous) {
    const double p = rest.origin == HarmOrigin::misuse ? d.detect_misuse : d.detect_error;
    Branch caught = rest;
    caught.p *= p;
    b.leave(node, block, caught);
    rest.p *= 1.0 - p;
    rest.failed |= Branching::bit(node);
    return b.leave(node, pass, rest);
  }
  Branch f = rest;
  f.p *= d.false_alarm;
  b.counts().false_alarms += f.p;
  b.leave(node, block, f);
  rest.p *= 1.0 - d.false_alarm;
  b.leave(node, pass, rest);
}

}  // namespace stsim::model
