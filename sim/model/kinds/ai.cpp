#include "sim/model/kinds/ai.h"

#include <algorithm>

#include "sim/model/branching.h"
#include "sim/model/builder.h"
#include "sim/model/key_fields.h"
#include "sim/random/distributions.h"

namespace stsim::model {

std::span<const ComponentKey> Ai::keys() {
  static const std::vector<ComponentKey> keys = {
      {"reliability", probability(), "0.99", "Probability that an output is correct",
       field<&AiSpec::reliability>},
      {"commission_share", probability(), "1",
       "Share of failures that are unsafe commissions (the rest are omissions)",
       field<&AiSpec::commission_share>},
      {"refusal_threshold", threshold(), "inf (never refuse)",
       "Refuse a task when its observable score is above this", field<&AiSpec::refusal_threshold>},
      {"defer_threshold", threshold(), "-inf (never defer)",
       "Defer a task to the defer port when the model's confidence is below this",
       field<&AiSpec::defer_threshold>},
      {"confidence_separation", number_at_least(0.0), "2",
       "Mean confidence of correct outputs (wrong ones have mean 0, both with unit variance)",
       field<&AiSpec::confidence_separation>},
      {"shared_difficulty", probability(), "0",
       "Probability of judging a task by its common difficulty (the rest: by one of its own)",
       field<&AiSpec::shared_difficulty>},
      {"untrusted", boolean(), "false",
       "Whether the AI may act against the system, by the attack policy attack.*",
       field<&AiSpec::untrusted>},
      {"attack.opportunity", probability(), "1", "Share of tasks on which an attack is possible",
       field<&AiSpec::attack, &AiSpec::AttackPolicy::opportunity>},
      {"attack.probability", probability(), "0",
       "Probability of attempting an attack where one is possible (the red team's choice)",
       field<&AiSpec::attack, &AiSpec::AttackPolicy::probability>},
      {"attack.success", probability(), "1",
       "Probability that an attempt succeeds (a failed one does no harm but leaves evidence)",
       field<&AiSpec::attack, &AiSpec::AttackPolicy::success>},
      {"reliability_by_context", probability(), "reliability",
       "Reliability in this context, instead of reliability",
       field<&AiSpec::reliability_by_context>, true},
  };
  return keys;
}

std::span<const KeyGroup> Ai::groups() {
  static constexpr std::array<KeyGroup, 1> groups = {
      {{"attack", "a table such as { opportunity = 0.1, probability = 0.01, success = 0.5 }"}}};
  return groups;
}

void Ai::validate(const Spec& a, const ComponentSpec& component, const ScenarioSpec&,
                  std::vector<std::string>& faults) {
  if (!a.untrusted && a.attack.probability > 0.0)
    faults.push_back("component '" + component.id +
                     "' sets attack.probability but is not untrusted; expected untrusted = true "
                     "for an AI with an attack policy");
}

Ai::State Ai::build(const Spec& spec, std::uint32_t, Builder& builder) {
  const auto& contexts = builder.spec().contexts;
  State a;
  a.spec = spec;
  a.reliability = builder.per_context(spec.reliability, spec.reliability_by_context);
  for (const auto& context : contexts) {
    a.refuse_above.push_back(random::normal_cdf(spec.refusal_threshold));
    a.refuse_above.push_back(random::normal_cdf(spec.refusal_threshold - context.observability));
  }
  a.defer_below_correct = random::normal_cdf(spec.defer_threshold - spec.confidence_separation);
  a.defer_below_wrong = random::normal_cdf(spec.defer_threshold);
  double weights = 0.0;
  for (std::uint32_t k = 0; k < contexts.size(); ++k) {
    const double w = builder.evaluation_contexts()[k].weight;
    a.evaluation_reliability += w * a.reliability[k];
    weights += w;
  }
  a.evaluation_reliability /= weights;
  return a;
}

void Ai::branch(const Spec& a, Branching& b, std::uint32_t node, const Branch& in) {
  const auto& ctx = b.context(in.context);
  BranchCounts& counts = b.counts();
  // Refusal on the observable score: benign ~ N(0,1), malicious ~ N(observability, 1).
  // Refused when the observable uniform is above the cut (a router may have narrowed it).
  const double shift = in.malicious ? ctx.observability : 0.0;
  const double cut =
      std::clamp(random::normal_cdf(a.refusal_threshold - shift), in.obs_lo, in.obs_hi);
  const double width = in.obs_hi - in.obs_lo;
  const double p_refuse = width > 0.0 ? (in.obs_hi - cut) / width : 0.0;
  {
    Branch r = in;
    r.p *= p_refuse;
    r.obs_lo = cut;
    r.output = Output::refused;
    r.hazardous = false;
    (r.malicious ? counts.refused_malicious : counts.refused_benign) += r.p;
    b.leave(node, refuse, r);
  }
  Branch rest = in;
  rest.p *= 1.0 - p_refuse;
  rest.obs_hi = cut;
  const double rel = in_context(a.reliability_by_context, ctx.name, a.reliability);
  // The hardest (1 - reliability) of tasks are wrong; failure modes by commission_share.
  for (int mode = 0; mode < 3; ++mode) {
    Branch o = rest;
    if (mode == 0) {
      o.p *= rel;
      o.output = Output::correct;
      o.hi = rel;
    } else {
      o.p *= (1.0 - rel) * (mode == 1 ? a.commission_share : 1.0 - a.commission_share);
      o.output = mode == 1 ? Output::commission : Output::omission;
      o.erred = true;
      o.failed |= Branching::bit(node);
      o.lo = rel;
    }
    if (o.p <= 0.0) continue;
    if (o.erred) counts.model_error += o.p;
    o.hazardous = ctx.hazardous &&
                  (o.output == Output::commission || (o.output == Output::correct && o.malicious));
    if (o.hazardous) {
      o.origin = o.output == Output::commission ? HarmOrigin::model_error : HarmOrigin::misuse;
      counts.hazardous_output += o.p;
    }
    // Deferral on confidence: correct ~ N(separation, 1), wrong ~ N(0, 1).
    const double p_defer =
        random::normal_cdf(a.defer_threshold - (o.erred ? 0.0 : a.confidence_separation));
    Branch d = o;
    d.p *= p_defer;
    b.leave(node, defer, d);
    o.p *= 1.0 - p_defer;
    b.leave(node, pass, o);
  }
}

}  // namespace stsim::model
