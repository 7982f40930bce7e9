#pragma once
// The audit: a check before release. It selects tasks by its policy (a random sample, the
// first tasks, or those a monitor scored in its audit zone) while its budget lasts, and
// examines each: it catches hazards and attack attempts, and finds every latent failure of
// the components a task passed while they were down (docs/model.md, Audit). With a review
// edge, the selected tasks go to human reviewers instead (imperfect, and taking their time).

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/drift.h"
#include "sim/model/keys.h"
#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

enum class AuditPolicy : std::uint8_t { sample, upfront, by_score };

// The default budget: more audits than any episode has tasks (the largest value a key
// takes).
inline constexpr std::uint64_t unlimited_budget = std::numeric_limits<std::int64_t>::max();

struct AuditSpec {
  AuditPolicy policy = AuditPolicy::sample;
  double sample = 0.05;
  double detect = 0.95;
  ByContext detect_by_context;
  // Audits over the episode: a count, or a share of scenario.episode_tasks (floor).
  std::uint64_t budget = unlimited_budget;
  double budget_share = 0.0;
  DriftSpec drift;
};

struct Audit {
  using Spec = AuditSpec;
  static constexpr std::string_view name = "audit";
  enum Port : PortIndex { pass, block, review };
  static constexpr std::array<PortInfo, 3> ports = {{{"pass", HazardFlow::carried},
                                                     {"block", HazardFlow::stopped},
                                                     {"review", HazardFlow::carried}}};
  static constexpr bool can_fail = true;

  struct State {
    AuditSpec spec;
    std::vector<double> detect;  // per context index
    std::uint64_t budget = 0;    // audits over the episode
    std::uint64_t left = 0;      // audits left in this replication
    bool reviewed = false;       // selected tasks go to reviewers by the review port
  };

  static std::span<const ComponentKey> keys();
  static std::span<const KeyGroup> groups();
  static void validate(const Spec& spec, const ComponentSpec& component,
                       const ScenarioSpec& scenario, std::vector<std::string>& faults);
  static State build(const Spec& spec, std::uint32_t node, Builder& builder);
  static void reset(State& a, std::uint32_t, Replication&) { a.left = a.budget; }

  static PortIndex step(Replication& r, State& a, Task& t, std::uint32_t, std::uint32_t node) {
    if (a.left == 0) return pass;
    const TaskDraws d = r.draws(t, node);
    switch (a.spec.policy) {
      case AuditPolicy::sample:
        if (!d.chance(random::Purpose::sampling,
                      std::min(1.0, a.spec.sample * r.drift(a.spec.drift))))
          return pass;
        break;
      case AuditPolicy::upfront:
        break;
      case AuditPolicy::by_score:
        if (!t.audit_zone) return pass;
        break;
    }
    --a.left;
    ++r.metrics().audits;
    if (a.reviewed) return review;
    // The audit examines the task's whole path: any component it passed while down is found.
    if (t.down_passed != 0) r.reveal_latent(t.down_passed);
    const bool attempt = t.attack != Attack::no_attempt;
    if (!t.hazardous && !attempt) return pass;
    if (d.chance(random::Purpose::detection, a.detect[t.context])) {
      if (attempt) r.attack_caught();
      return block;
    }
    if (t.hazardous) {
      t.failed |= r.node(node).fail_bit;
      t.last_layer = node;
    }
    return pass;
  }

  static bool is_layer(const Spec&) { return true; }
  // Perfect: examines every task its policy selects (every task, sampling), with no
  // budget to run out, finds every hazard and attempt, without drift; removed: examines
  // none; nudged: its miss probability raised by the step (sampling: 1 - sample x detect,
  // its detection lowered by step / sample).
  static void counterfactual(Spec& spec, Counterfactual c, double step) {
    const bool sampling = spec.policy == AuditPolicy::sample;
    const double detect_step = !sampling ? step : spec.sample > 0.0 ? step / spec.sample : 0.0;
    spec.detect = detection_under(c, spec.detect, detect_step);
    for (auto& [context, detect] : spec.detect_by_context)
      detect = detection_under(c, detect, detect_step);
    if (c == Counterfactual::perfect) {
      spec.sample = 1.0;
      spec.budget = unlimited_budget;
      spec.budget_share = 0.0;
      spec.drift.enabled = false;
    }
    if (c == Counterfactual::removed) {
      spec.sample = 0.0;
      if (!sampling) {
        spec.budget = 0;
        spec.budget_share = 0.0;
      }
    }
  }
  static NodeStyle style(const Spec&) { return {"note", "#BBCC33"}; }
  static std::optional<std::string> outside_analytic(const Spec& spec, const ComponentSpec&,
                                                     const ScenarioSpec&);
  static void branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in);
};

}  // namespace stsim::model
