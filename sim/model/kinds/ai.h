#pragma once
// The AI: produces an output for each task. It refuses on the observable score of
// intent, errs on the tasks hardest for it (correct with probability `reliability`), and
// defers to humans on its own confidence (docs/model.md, AI). Each AI judges a task by a
// difficulty of its own, shared with the task's common difficulty with probability
// `shared_difficulty`: the coincident failure of two AIs (Eckhardt-Lee).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

struct AiSpec {
  double reliability = 0.99;         // probability the output is correct
  ByContext reliability_by_context;  // overrides by context name
  double commission_share = 1.0;  // share of failures that are unsafe commissions (rest: omissions)
  // Refusal policy on the observable score: refuse when score > refusal_threshold.
  double refusal_threshold = infinity;
  // Deferral to humans on the model's own confidence: correct outputs have confidence
  // ~ N(confidence_separation, 1), wrong ones ~ N(0, 1); defer when below defer_threshold.
  double defer_threshold = -infinity;
  double confidence_separation = 2.0;
  // With this probability the AI judges the task by its common difficulty (drawn at
  // birth), else by a difficulty of its own: two AIs with c1, c2 err together with
  // probability c1 c2 min(q1, q2) + (1 - c1 c2) q1 q2 (q = 1 - reliability).
  double shared_difficulty = 0.0;
  // Untrusted: the red team's attack policy. On a task where an attack is possible (with
  // probability attack.opportunity) it attempts one with probability attack.probability,
  // which succeeds with probability attack.success.
  bool untrusted = false;
  struct AttackPolicy {
    double opportunity = 1.0;
    double probability = 0.0;
    double success = 1.0;
  } attack;
};

struct Ai {
  using Spec = AiSpec;
  static constexpr std::string_view name = "ai";
  enum Port : PortIndex { pass, refuse, defer };
  static constexpr std::array<PortInfo, 3> ports = {{{"pass", HazardFlow::carried},
                                                     {"refuse", HazardFlow::never},
                                                     {"defer", HazardFlow::carried}}};
  static constexpr bool can_fail = true;
  static constexpr bool originates_hazards = true;

  struct State {
    AiSpec spec;
    std::vector<double> reliability;  // per context
    // Its reliability averaged over the contexts' weights in the file (the evaluation mix).
    double evaluation_reliability = 0.0;
    // P(score <= refusal_threshold) per (context, malicious): refuse when the task's
    // observable uniform is above it.
    std::vector<double> refuse_above;
    // P(confidence < defer_threshold) for correct and wrong outputs.
    double defer_below_correct = 0.0, defer_below_wrong = 0.0;
  };

  static std::span<const ComponentKey> keys();
  static std::span<const KeyGroup> groups();
  static State build(const Spec& spec, std::uint32_t node, Builder& builder);
  // Its importance is that of its errors and, untrusted, its attacks (serving a malicious
  // task is the model working as asked; defences stop that). Perfect: never errs, in any
  // context, and never attacks. Removed: errs on every task, refuses and defers nothing,
  // and attacks wherever it can. Nudged: every reliability lowered by the step (its error
  // probabilities raised), and its attack probability raised by the step.
  static void counterfactual(Spec& spec, Counterfactual c, double step) {
    spec.reliability = detection_under(c, spec.reliability, step);
    for (auto& [context, reliability] : spec.reliability_by_context)
      reliability = detection_under(c, reliability, step);
    if (c == Counterfactual::removed) {
      spec.refusal_threshold = infinity;
      spec.defer_threshold = -infinity;
    }
    // An attack is a miss of the model's own alignment: its probability is 1 - "detect".
    if (spec.untrusted)
      spec.attack.probability = 1.0 - detection_under(c, 1.0 - spec.attack.probability, step);
  }

  static PortIndex step(Replication& r, State& a, Task& t, std::uint32_t, std::uint32_t node) {
    const TaskDraws d = r.draws(t, node);
    ReplicationMetrics& m = r.metrics();
    t.attack = Attack::no_attempt;  // this AI's output replaces any earlier one
    t.author = node;
    // 1. Refusal, on the observable score only: score > threshold.
    const double refuse_above = a.refuse_above[2 * t.context + (t.malicious ? 1 : 0)];
    if (refuse_above < 1.0 && r.observable(t) > refuse_above) {
      t.output = Output::refused;
      t.hazardous = false;
      ++(t.malicious ? m.refused_malicious : m.refused_benign);
      r.weigh(t.malicious ? Weighed::refused_malicious : Weighed::refused_benign, t);
      return refuse;
    }
    ++m.model_outputs;
    m.evaluation_reliability += a.evaluation_reliability;
    // 2. Correctness by difficulty: the (1 - reliability) of tasks hardest for this AI are
    // wrong; it judges by the task's common difficulty with probability shared_difficulty.
    t.ai_difficulty =
        d.chance(random::Purpose::difficulty, a.spec.shared_difficulty, 0)
            ? r.difficulty(t)
            : d.uniform_beyond(random::Purpose::difficulty, a.reliability[t.context], 1);
    const bool wrong = t.ai_difficulty > a.reliability[t.context];
    if (wrong) {
      t.erred = true;
      t.failed |= r.node(node).fail_bit;
      ++m.model_errors;
      ++m.model_errors_by_context[t.context];
      r.weigh(Weighed::model_errors, t);
      if (d.chance(random::Purpose::failure_mode, a.spec.commission_share)) {
        t.output = Output::commission;
        ++m.commission_errors;
      } else {
        t.output = Output::omission;
        ++m.omission_errors;
      }
    } else {
      t.output = Output::correct;
    }
    // 3. Hazard: an unsafe commission, or compliance with malicious intent.
    t.hazardous = r.hazardous(t.context) &&
                  (t.output == Output::commission || (t.output == Output::correct && t.malicious));
    if (t.hazardous)
      t.origin = t.output == Output::commission ? HarmOrigin::model_error : HarmOrigin::misuse;
    // 4. The attack policy of an untrusted AI: a successful attempt is hazardous in any
    // context; a failed one does no harm but leaves evidence an audit can find.
    using random::Purpose;
    if (a.spec.untrusted && d.chance(Purpose::attack, a.spec.attack.opportunity, 0) &&
        d.chance(Purpose::attack, a.spec.attack.probability, 1)) {
      ++m.attacks_attempted;
      if (d.chance(Purpose::attack, a.spec.attack.success, 2)) {
        ++m.attacks_succeeded;
        t.attack = Attack::succeeded;
        t.hazardous = true;
        t.origin = HarmOrigin::attack;
      } else {
        t.attack = Attack::failed;
      }
    }
    if (t.hazardous) {
      t.last_layer = node;
      ++m.hazardous_outputs;
      r.weigh(Weighed::hazardous_outputs, t);
    }
    // 5. Deferral on the model's own confidence.
    if (d.chance(random::Purpose::decision, wrong ? a.defer_below_wrong : a.defer_below_correct)) {
      ++m.deferred;
      return defer;
    }
    return pass;
  }

  // Every parameter may change during a replication: the state is nothing but them.
  static bool retunes(std::string_view) { return true; }
  static void retune(Replication&, State& a, const State& tuned, std::uint32_t) { a = tuned; }
  static NodeStyle style(const Spec&) { return {"box", "#EE8866"}; }
  static void validate(const Spec& spec, const ComponentSpec& component, const ScenarioSpec&,
                       std::vector<std::string>& faults);
  static std::string label(const Spec& spec) { return spec.untrusted ? "ai, untrusted" : "ai"; }
  static void branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in);
};

}  // namespace stsim::model
