#include "sim/model/kinds/audit.h"

#include <cmath>

#include "sim/model/branching.h"
#include "sim/model/builder.h"
#include "sim/model/key_fields.h"

namespace stsim::model {

namespace {

constexpr std::array<std::string_view, 3> policy_names = {"sample", "upfront", "by_score"};
constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();

}  // namespace

std::span<const ComponentKey> Audit::keys() {
  static const std::vector<ComponentKey> keys = [] {
    std::vector<ComponentKey> k = {
        {"policy", choice(policy_names), "\"sample\"",
         "Which tasks are audited: a random sample, every task (upfront) or those a monitor "
         "scored in its audit zone (by_score), while the budget lasts",
         field<&AuditSpec::policy>},
        {"sample", probability(), "0.05", "Share of tasks audited (policy sample)",
         field<&AuditSpec::sample>},
        {"detect", probability(), "0.95",
         "Probability of catching a hazard or an attack attempt in an audited task",
         field<&AuditSpec::detect>},
        {"detect_by_context", probability(), "detect", "detect in this context, instead of detect",
         field<&AuditSpec::detect_by_context>, true},
        {"budget", integer(0, i64_max), "unlimited", "Audits over the episode",
         field<&AuditSpec::budget>},
        {"budget_share", probability(), "0 (use budget)",
         "Audits over the episode as a share of scenario.episode_tasks (rounded down)",
         field<&AuditSpec::budget_share>},
    };
    add_drift_keys<&AuditSpec::drift>(k);
    add_coverage_keys(k);
    return k;
  }();
  return keys;
}

std::span<const KeyGroup> Audit::groups() {
  static constexpr std::array<KeyGroup, 1> groups = {drift_group};
  return groups;
}

void Audit::validate(const Spec& a, const ComponentSpec& component, const ScenarioSpec& scenario,
                     std::vector<std::string>& faults) {
  const std::string who = "component '" + component.id + "'";
  if (a.budget_share > 0.0 && scenario.episode_tasks == 0)
    faults.push_back(who +
                     " sets budget_share but the scenario has no episode_tasks; expected "
                     "scenario.episode_tasks = N (the budget is a share of N tasks)");
  if (a.budget_share > 0.0 && a.budget != unlimited_budget)
    faults.push_back(who + " sets both budget and budget_share; expected one of them");
}

Audit::State Audit::build(const Spec& spec, std::uint32_t node, Builder& builder) {
  State a;
  a.spec = spec;
  a.detect = builder.per_context(spec.detect, spec.detect_by_context);
  a.budget = spec.budget_share > 0.0
                 ? static_cast<std::uint64_t>(std::floor(
                       spec.budget_share * static_cast<double>(builder.spec().episode_tasks)))
                 : spec.budget;
  a.reviewed = builder.component(node).edge("review") != nullptr;
  return a;
}

std::optional<std::string> Audit::outside_analytic(const Spec& a, const ComponentSpec& component,
                                                   const ScenarioSpec&) {
  if (a.drift.enabled) return std::string("drift.enabled = true: organisational drift");
  if (a.policy != AuditPolicy::sample)
    return "policy = \"" + std::string(policy_names[static_cast<std::size_t>(a.policy)]) +
           "\": a budgeted audit couples the tasks of an episode";
  if (a.budget != unlimited_budget || a.budget_share > 0.0)
    return std::string("a budget couples the tasks of an episode");
  if (component.edge("review") != nullptr)
    return std::string("review: audits by reviewers take their time");
  return std::nullopt;
}

void Audit::branch(const Spec& a, Branching& b, std::uint32_t node, const Branch& in) {
  if (!in.hazardous) return b.leave(node, pass, in);
  const double detect = in_context(a.detect_by_context, b.context(in.context).name, a.detect);
  Branch caught = in;
  caught.p *= a.sample * detect;
  b.leave(node, block, caught);
  Branch missed = in;
  missed.p *= a.sample * (1.0 - detect);
  missed.failed |= Branching::bit(node);
  b.leave(node, pass, missed);
  Branch rest = in;
  rest.p *= 1.0 - a.sample;
  b.leave(node, pass, rest);
}

}  // namespace stsim::model
