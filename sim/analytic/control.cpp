#include "sim/analytic/control.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/model/kinds.h"

namespace stsim::analytic {

namespace {

using model::ComponentSpec;
using model::ScenarioSpec;

const ComponentSpec* find(const ScenarioSpec& spec, std::string_view id) {
  for (const auto& c : spec.components)
    if (c.id == id) return &c;
  return nullptr;
}

bool acted_outcome(const ComponentSpec* c) {
  return c != nullptr && model::is<model::Outcome>(*c) &&
         std::get<model::OutcomeSpec>(c->parameters).acted;
}

// The largest N x B the recursion is run for.
constexpr double max_work = 2e9;

}  // namespace

double upfront_safety(std::uint64_t tasks, std::uint64_t budget, double a, double q, double d) {
  const auto n = static_cast<double>(tasks);
  const auto b = static_cast<double>(std::min(budget, tasks));
  // Audited tasks: caught (a d), lost (a (1 - d) q), or on (c1); then unaudited ones: lost
  // (a q) or on.
  const double c1 = 1.0 - a * d - a * (1.0 - d) * q;
  const double lost_audited =
      c1 < 1.0 ? a * (1.0 - d) * q * (1.0 - std::pow(c1, b)) / (1.0 - c1) : 0.0;
  const double lost_after = std::pow(c1, b) * (1.0 - std::pow(1.0 - a * q, n - b));
  return 1.0 - lost_audited - lost_after;
}

double control_safety(const ControlCase& c) {
  const std::uint64_t budget = std::min(c.budget, c.tasks);
  const double a = c.attack, q = c.success, d = c.detect;
  const double run = 1.0 - c.attack_audit - c.attack_defer;
  // V[b]: P(safe) with n tasks left and b audits left, for n = 0, 1, ..., N.
  std::vector<double> v(budget + 1, 1.0), next(budget + 1);
  // Without budget an attempt is lost unless deferred.
  const double on_unaudited = 1.0 - a * (1.0 - c.attack_defer) * q;
  for (std::uint64_t n = 1; n <= c.tasks; ++n) {
    next[0] = on_unaudited * v[0];
    for (std::uint64_t b = 1; b <= budget; ++b) {
      const double benign = c.benign_audit * v[b - 1] + (1.0 - c.benign_audit) * v[b];
      const double attempt = c.attack_audit * (d + (1.0 - d) * (1.0 - q) * v[b - 1]) +
                             c.attack_defer * v[b] + run * (1.0 - q) * v[b];
      next[b] = (1.0 - a) * benign + a * attempt;
    }
    std::swap(v, next);
  }
  return v[budget];
}

std::variant<ControlCase, std::string> control_case(const ScenarioSpec& spec) {
  if (spec.episode_tasks == 0) return std::string("scenario: no episode_tasks");
  if (!spec.shutdown_on_catch) return std::string("scenario: shutdown_on_catch = false");
  if (spec.pause_after_harm > 0.0) return std::string("scenario: pause_after_harm > 0");
  // The recursion follows every task through the monitor and the audit.
  for (const auto& c : spec.components)
    if (!model::covers_every_task(c))
      return "component '" + c.id + "': covers only a share of the tasks";
  const ComponentSpec* source = nullptr;
  for (const auto& c : spec.components) {
    if (!model::is<model::Source>(c)) continue;
    if (source != nullptr) return std::string("scenario: more than one source");
    source = &c;
  }
  if (source == nullptr) return std::string("scenario: no source");
  const auto& src = std::get<model::SourceSpec>(source->parameters);
  const auto n = static_cast<double>(spec.episode_tasks);
  // The episode has its N tasks unless the Poisson count of the horizon falls 8 SD short.
  if (!src.profile.empty() || src.rate * spec.horizon < n + 8.0 * std::sqrt(n) + 10.0)
    return std::string("source '" + source->id +
                       "': the horizon must hold the episode's tasks at a constant rate");

  const ComponentSpec* untrusted = find(spec, source->target("pass"));
  if (untrusted == nullptr || !model::is<model::Ai>(*untrusted))
    return std::string("the source must feed the untrusted ai");
  const auto& u = std::get<model::AiSpec>(untrusted->parameters);
  if (!u.untrusted) return "component '" + untrusted->id + "': not untrusted";
  if (std::isfinite(u.refusal_threshold) || std::isfinite(u.defer_threshold))
    return "component '" + untrusted->id + "': refuses or defers";

  ControlCase c;
  c.tasks = spec.episode_tasks;
  c.attack = u.attack.opportunity * u.attack.probability;
  c.success = u.attack.success;

  // The audit, with what reaches it after it the acted outcome.
  auto audit_of = [&](const ComponentSpec* a,
                      model::AuditPolicy policy) -> const model::AuditSpec* {
    if (a == nullptr || !model::is<model::Audit>(*a)) return nullptr;
    const auto& spec_a = std::get<model::AuditSpec>(a->parameters);
    if (spec_a.policy != policy || spec_a.drift.enabled || a->edge("review") != nullptr ||
        !acted_outcome(find(spec, a->target("pass"))))
      return nullptr;
    return &spec_a;
  };
  auto budget_of = [&](const model::AuditSpec& a) {
    return a.budget_share > 0.0 ? static_cast<std::uint64_t>(std::floor(a.budget_share * n))
                                : a.budget;
  };

  for (const auto& component : spec.components) {
    const auto* a = std::get_if<model::AuditSpec>(&component.parameters);
    if (a != nullptr && !a->detect_by_context.empty())
      return "component '" + component.id +
             "': detect_by_context: the control evaluation's closed form takes one detection "
             "probability for every task";
  }
  const ComponentSpec* next = find(spec, untrusted->target("pass"));
  if (const auto* a = audit_of(next, model::AuditPolicy::upfront)) {
    c.budget = budget_of(*a);
    c.detect = a->detect;
    return c;
  }
  if (next == nullptr || !model::is<model::Monitor>(*next))
    return std::string("the untrusted ai must feed an upfront audit or a monitor");
  const auto& m = std::get<model::MonitorSpec>(next->parameters);
  const ComponentSpec* audit = find(spec, next->target("audit"));
  const auto* a = audit_of(audit, model::AuditPolicy::by_score);
  if (a == nullptr || next->target("pass") != audit->id)
    return "component '" + next->id +
           "': its audit and pass zones must lead to one by_score audit, then an acted outcome";
  // A deferred task is replaced by a trusted ai's output, or stopped: safe either way.
  const ComponentSpec* trusted = find(spec, next->target("defer"));
  if (trusted != nullptr &&
      (!model::is<model::Ai>(*trusted) || std::get<model::AiSpec>(trusted->parameters).untrusted))
    return "component '" + next->id + "': its defer zone must lead to a trusted ai";
  c.upfront = false;
  c.budget = budget_of(*a);
  c.detect = a->detect;
  const double audit_at = model::Monitor::audit_boundary(m);
  const double defer_at = std::min(model::Monitor::defer_boundary(m), audit_at);
  c.benign_audit = m.audit_false_positive > 0.0 ? m.audit_false_positive
                                                : model::Monitor::above(m, false, audit_at);
  // An attempt is scored as an attack, or as a benign output by a colluding copy.
  auto zone = [&](double at) {
    return (1.0 - m.collusion) * model::Monitor::above(m, true, at) +
           m.collusion * model::Monitor::above(m, false, at);
  };
  c.attack_audit = zone(audit_at);
  c.attack_defer = zone(defer_at) - c.attack_audit;
  if (static_cast<double>(c.tasks) * static_cast<double>(std::min(c.budget, c.tasks)) > max_work)
    return std::string("the episode's tasks times its budget exceed 2e9 steps of the recursion");
  return c;
}

}  // namespace stsim::analytic
