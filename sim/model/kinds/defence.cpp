#include "sim/model/kinds/defence.h"

#include "sim/model/branching.h"
#include "sim/model/builder.h"
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
      {"detect_misuse_by_context", probability(), "detect_misuse",
       "detect_misuse in this context, instead of detect_misuse",
       field<&DefenceSpec::detect_misuse_by_context>, true},
      {"detect_error_by_context", probability(), "detect_error",
       "detect_error in this context, instead of detect_error",
       field<&DefenceSpec::detect_error_by_context>, true},
      {"false_alarm_by_context", probability(), "false_alarm",
       "false_alarm in this context, instead of false_alarm",
       field<&DefenceSpec::false_alarm_by_context>, true},
  });
  return keys;
}

Defence::State Defence::build(const Spec& spec, std::uint32_t, Builder& builder) {
  return {spec, builder.per_context(spec.detect_misuse, spec.detect_misuse_by_context),
          builder.per_context(spec.detect_error, spec.detect_error_by_context),
          builder.per_context(spec.false_alarm, spec.false_alarm_by_context)};
}

void Defence::branch(const Spec& d, Branching& b, std::uint32_t node, const Branch& in) {
  Branch rest = in;
  const std::string_view context = b.context(rest.context).name;
  if (rest.hazardous) {
    const double p = rest.origin == HarmOrigin::misuse
                         ? in_context(d.detect_misuse_by_context, context, d.detect_misuse)
                         : in_context(d.detect_error_by_context, context, d.detect_error);
    Branch caught = rest;
    caught.p *= p;
    b.leave(node, block, caught);
    rest.p *= 1.0 - p;
    rest.failed |= Branching::bit(node);
    return b.leave(node, pass, rest);
  }
  const double false_alarm = in_context(d.false_alarm_by_context, context, d.false_alarm);
  Branch f = rest;
  f.p *= false_alarm;
  b.counts().false_alarms += f.p;
  b.leave(node, block, f);
  rest.p *= 1.0 - false_alarm;
  b.leave(node, pass, rest);
}

}  // namespace stsim::model
