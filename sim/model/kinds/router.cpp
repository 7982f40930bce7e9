#include "sim/model/kinds/router.h"

#include <algorithm>

#include "sim/model/branching.h"
#include "sim/model/builder.h"
#include "sim/model/key_fields.h"
#include "sim/random/distributions.h"

namespace stsim::model {

std::span<const ComponentKey> Router::keys() {
  static const std::vector<ComponentKey> keys = {
      {"score_threshold", threshold(), "inf (never by score)",
       "Tasks whose observable score of intent is above this leave by route",
       field<&RouterSpec::score_threshold>},
      {"share", probability(), "0",
       "Probability that any other task leaves by route (the rest leave by pass)",
       field<&RouterSpec::share>},
      {"share_by_context", probability(), "share", "share in this context, instead of share",
       field<&RouterSpec::share_by_context>, true},
  };
  return keys;
}

void Router::validate(const Spec&, const ComponentSpec& component, const ScenarioSpec&,
                      std::vector<std::string>& faults) {
  // A task sent by a port without an edge ends there; a router that stops tasks would be
  // a layer in disguise.
  if (component.target("route").empty())
    faults.push_back("component '" + component.id +
                     "': no edge from port 'route'; expected next = { pass = \"...\", route = "
                     "\"...\" } (a router stops nothing)");
}

Router::State Router::build(const Spec& spec, std::uint32_t, Builder& builder) {
  State s;
  for (const auto& context : builder.spec().contexts) {
    s.route_above.push_back(random::normal_cdf(spec.score_threshold));
    s.route_above.push_back(random::normal_cdf(spec.score_threshold - context.observability));
  }
  s.share = builder.per_context(spec.share, spec.share_by_context);
  return s;
}

std::string Router::label(const Spec& spec) {
  const bool by_score = spec.score_threshold < infinity;
  const bool by_share = spec.share > 0.0 || !spec.share_by_context.empty();
  if (by_score && by_share) return "router, by score and context";
  return by_score ? "router, by score" : "router, by context";
}

void Router::branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in) {
  const auto& context = b.context(in.context);
  // The observable uniform is uniform on [obs_lo, obs_hi) given the branch; routed by
  // score above the cut.
  const double cut = std::clamp(
      random::normal_cdf(spec.score_threshold - (in.malicious ? context.observability : 0.0)),
      in.obs_lo, in.obs_hi);
  const double width = in.obs_hi - in.obs_lo;
  const double above = width > 0.0 ? (in.obs_hi - cut) / width : 0.0;
  Branch high = in, low = in;
  high.p *= above;
  high.obs_lo = cut;
  low.p *= 1.0 - above;
  low.obs_hi = cut;
  b.leave(node, route, high);
  const double share = in_context(spec.share_by_context, context.name, spec.share);
  Branch shared = low;
  shared.p *= share;
  b.leave(node, route, shared);
  low.p *= 1.0 - share;
  b.leave(node, pass, low);
}

}  // namespace stsim::model
