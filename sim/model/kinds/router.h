#pragma once
// The router: sends each task on by one of two ports, by its context or by its
// observable score of intent, so that different tasks meet different layers (a
// pharmacist for medication lists only, a security review for suspicious requests). It
// changes no task and stops nothing (docs/model.md, Router).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

struct RouterSpec {
  // A task whose observable score of intent is above score_threshold leaves by "route";
  // any other leaves by "route" with probability share (in its context), else by "pass".
  double score_threshold = infinity;
  double share = 0.0;
  ByContext share_by_context;
};

struct Router {
  using Spec = RouterSpec;
  static constexpr std::string_view name = "router";
  enum Port : PortIndex { pass, route };
  static constexpr std::array<PortInfo, 2> ports = {
      {{"pass", HazardFlow::carried}, {"route", HazardFlow::carried}}};

  struct State {
    // P(score <= score_threshold) per (context, malicious): routed when the task's
    // observable uniform is above it.
    std::vector<double> route_above;
    std::vector<double> share;  // per context
  };

  static std::span<const ComponentKey> keys();
  static void validate(const Spec& spec, const ComponentSpec& component, const ScenarioSpec&,
                       std::vector<std::string>& faults);
  static State build(const Spec& spec, std::uint32_t node, Builder& builder);

  static PortIndex step(Replication& r, State& s, Task& t, std::uint32_t, std::uint32_t node) {
    const double route_above = s.route_above[2 * t.context + (t.malicious ? 1 : 0)];
    if (route_above < 1.0 && r.observable(t) > route_above) return route;
    return r.own_draws(t, node).chance(random::Purpose::routing, s.share[t.context]) ? route : pass;
  }

  // Not a layer and no steering of one in the importance sense: it stops no hazard and
  // every task it routes still meets what lies on its port, so where tasks go is part of
  // the structure, like coverage. Importance measures the layers on each port; a router
  // has no counterfactual of its own.
  static NodeStyle style(const Spec&) { return {"diamond", "#BBCCEE"}; }
  static std::string label(const Spec& spec);
  static void branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in);
};

}  // namespace stsim::model
