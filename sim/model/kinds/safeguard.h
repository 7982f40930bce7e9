#pragma once
// The safeguard: a filter or monitor that flags outputs, with a detection rate for
// hazards and a false-alarm rate for the rest. It can fail latently (silently, until a
// proof test or an audit finds it) and share causes of failure with another component
// (docs/model.md, Safeguards).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/kind.h"
#include "sim/model/kinds/flagging.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

// Shared causes with another component ("with"), three ways, each with its own key:
//  - demand_beta: on a task where "with" failed (the AI erred, or a safeguard missed),
//    this component misses too with probability demand_beta (per demand);
//  - latent_beta: of this safeguard's latent failure rate lambda, latent_beta * lambda
//    comes from common-cause events that fail the partner safeguard too; the partner's
//    own independent rate is reduced by as much, so that each keeps its total rate (the
//    IEC 61508-6 convention);
//  - difficulty_correlation: with this probability the component judges the task by the
//    same difficulty the AI's correctness was drawn from, so it misses most exactly
//    where the model errs.
// (Files of before the split set one `coupling.beta` for both of the first two; the
// loader still reads it, with a warning.)
struct CouplingSpec {
  std::string with;
  double demand_beta = 0.0;
  double latent_beta = 0.0;
  double difficulty_correlation = 0.0;
};

struct SafeguardSpec {
  double detect_error = 0.9;   // P(flag | hazardous output from a model error)
  double detect_misuse = 0.0;  // P(flag | hazardous output serving malicious intent)
  double false_alarm = 0.01;   // P(flag | non-hazardous output)
  // Overrides of the three by context name.
  ByContext detect_error_by_context, detect_misuse_by_context, false_alarm_by_context;
  // true: flagged tasks leave by "block"; false: they continue by "pass" carrying an
  // alarm that operators downstream may heed.
  bool blocks = true;
  double latent_failure_rate = 0.0;  // per hour; a failed safeguard flags nothing, silently
  Time test_interval = 0.0;          // proof test period (0 = never tested)
  Time repair_time = 0.0;
  CouplingSpec coupling;
};

struct Safeguard {
  using Spec = SafeguardSpec;
  static constexpr std::string_view name = "safeguard";
  enum Port : PortIndex { pass, block };
  static_assert(pass == flagging::pass && block == flagging::block);
  static constexpr std::array<PortInfo, 2> ports = {
      {{"pass", HazardFlow::carried}, {"block", HazardFlow::stopped}}};
  enum Event : std::uint8_t { latent_failure, common_cause_failure, proof_test, repair_done };
  static constexpr std::array<std::string_view, 4> events = {
      "latent_failure",        // an independent latent failure
      "common_cause_failure",  // fails the safeguard and its coupling partner at once
      "proof_test", "repair_done"};
  static constexpr bool can_fail = true;

  struct State {
    SafeguardSpec spec;
    flagging::ByContextIndex by_context;  // its probabilities in each context
    std::uint32_t node = 0;
    std::uint64_t partner_bit = 0;       // the fail bit of coupling.with
    std::uint32_t partner_guard = none;  // the partner's index among safeguards, if it is one
    bool down = false;
    bool found = false;             // down and known (under repair)
    bool down_common = false;       // down through a common-cause event
    double independent_rate = 0.0;  // of latent failures of its own (per hour)
    double common_rate = 0.0;       // of common-cause events failing the partner too
    random::Stream latent_failure;  // not about a task: its own stream
  };

  static std::span<const ComponentKey> keys();
  static std::span<const KeyGroup> groups();
  static void validate(const Spec& spec, const ComponentSpec& component, const ScenarioSpec&,
                       std::vector<std::string>& faults);
  static State build(const Spec& spec, std::uint32_t node, Builder& builder);
  static void reset(State& g, std::uint32_t node, Replication& r);
  static void start(State& g, std::uint32_t node, Replication& r);
  static bool handle(Replication& r, std::vector<State>& states, KindEvent e);
  // Found down (by a proof test, or an audit of a task that passed it): repaired.
  static void reveal(Replication& r, State& g);

  static PortIndex step(Replication& r, State& g, Task& t, std::uint32_t, std::uint32_t node) {
    if (r.node(node).down_bit != 0) r.weigh_latent(t);
    const TaskDraws d = r.draws(t, node);
    using random::Purpose;
    const double p = g.by_context.detection(t);
    bool flag = false;
    if (g.down) {
      t.down_passed |= r.node(node).down_bit;
      if (t.hazardous && g.down_common) t.common_cause = true;
    } else if (t.hazardous) {
      if (g.partner_bit != 0 && (t.failed & g.partner_bit) != 0 &&
          d.chance(Purpose::coupling, g.spec.coupling.demand_beta, 0)) {
        t.common_cause = true;  // the shared cause that defeated the partner defeats this too
      } else if (t.origin == HarmOrigin::model_error &&
                 d.chance(Purpose::coupling, g.spec.coupling.difficulty_correlation, 1)) {
        flag = r.ai_difficulty(t) <= p;  // judged by the model's own difficulty: misses the hardest
        if (!flag) t.common_cause = true;
      } else {
        flag = d.chance(Purpose::detection, p);
      }
    } else if (d.chance(Purpose::false_alarm, g.by_context.false_alarm[t.context])) {
      flag = true;
      ++r.metrics().false_alarms;
      r.weigh(Weighed::false_alarms, t);
    }

    return flagging::route(r, t, node, g.spec, p, flag);
  }

  static bool is_layer(const Spec& spec) { return spec.blocks; }
  // Perfect: flags every hazard, never fails latently, shares no cause. Removed: flags
  // nothing. Nudged: both detection probabilities lowered by the step.
  static void counterfactual(Spec& spec, Counterfactual c, double step) {
    flagging::counterfactual_detection(spec, c, step);
    if (c == Counterfactual::perfect) {
      spec.latent_failure_rate = 0.0;
      spec.coupling.demand_beta = 0.0;
      spec.coupling.latent_beta = 0.0;
      spec.coupling.difficulty_correlation = 0.0;
    }
  }
  static HazardFlow hazard_flow(const Spec& spec, PortIndex port) {
    return flagging::hazard_flow(spec, port);
  }
  static bool port_used(const Spec& spec, PortIndex port) {
    return flagging::port_used(spec, port);
  }
  // Its per-demand parameters may change during a replication; those of its latent
  // failures may not (the pending failure, test and repair were drawn under them).
  static bool retunes(std::string_view key) {
    return key != "latent_failure_rate" && key != "test_interval" && key != "repair_time" &&
           key != "coupling.latent_beta" && key != "coupling.beta";
  }
  static void retune(Replication&, State& g, const State& tuned, std::uint32_t) {
    g.spec = tuned.spec;
  }
  static NodeStyle style(const Spec&) { return {"hexagon", "#EEDD88"}; }
  static std::string label(const Spec& spec) {
    return spec.blocks ? "safeguard" : "safeguard, alarm only";
  }
  // This safeguard's latent failure processes (per hour): its own independent failures,
  // and the common-cause events it shares with its partner safeguard (latent_beta of its
  // rate). Each safeguard keeps its total rate: the common events of those coupled with
  // it are subtracted from its independent rate (IEC 61508-6, beta factor).
  struct LatentRates {
    double independent = 0.0, common = 0.0;
  };
  static LatentRates latent_rates(const ComponentSpec& component, const ScenarioSpec& scenario);

  static std::optional<std::string> outside_analytic(const Spec& spec, const ComponentSpec&,
                                                     const ScenarioSpec& scenario);
  // Why proof-tested latent failures keep a scenario out of the analytic subset (a repair
  // still under way at the next test), or nothing; shared with the vote's channels.
  static std::optional<std::string> overlapping_repairs(double latent_failure_rate,
                                                        Time test_interval, Time repair_time,
                                                        Time horizon);
  static void branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in);

 private:
  static void fail_latently(Replication& r, State& g, bool common);
  static void schedule_failure(Replication& r, State& g, Event event, Time from);
};

}  // namespace stsim::model
