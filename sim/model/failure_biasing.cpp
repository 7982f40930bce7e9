#include "sim/model/failure_biasing.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/model/keys.h"
#include "sim/model/latent_measure.h"
#include "sim/model/queue_measure.h"
#include "sim/model/spec.h"

namespace stsim::model {

namespace {

using random::Purpose;

double latent_failure_rate(const ComponentSpec& c) {
  if (const auto* g = std::get_if<SafeguardSpec>(&c.parameters)) return g->latent_failure_rate;
  if (const auto* v = std::get_if<VoteSpec>(&c.parameters)) return v->latent_failure_rate;
  return 0.0;
}

bool latent_failures_possible(const ScenarioSpec& spec) {
  return std::any_of(spec.components.begin(), spec.components.end(),
                     [](const ComponentSpec& c) { return latent_failure_rate(c) > 0.0; });
}

bool raises_alarms(const ScenarioSpec& spec) {
  for (const auto& c : spec.components) {
    if (const auto* g = std::get_if<SafeguardSpec>(&c.parameters)) {
      if (!g->blocks) return true;
    } else if (const auto* v = std::get_if<VoteSpec>(&c.parameters)) {
      if (!v->blocks) return true;
    }
  }
  return false;
}

std::string feature(const ComponentSpec& c, const std::string& what) {
  return "component '" + c.id + "' (" + std::string(kind_name(c)) + "): " + what;
}

std::optional<std::string> component_refusal(const ComponentSpec& c, const ScenarioSpec& spec) {
  if (const auto* o = std::get_if<OperatorSpec>(&c.parameters)) {
    if (o->automation_bias > 0.0 && (o->trust_gain > 0.0 || o->trust_loss > 0.0))
      return feature(c,
                     "trust learning (trust_gain/trust_loss with automation_bias > 0) makes "
                     "each review depend on the outputs seen before");
    if (raises_alarms(spec))
      return feature(c,
                     "alarm fatigue: the credibility of alarms (alarm_memory) moves with "
                     "whether earlier alarms were true");
    if (o->drift.enabled)
      return feature(c, "drift.enabled = true: the drift restarts at each harm");
    if (o->max_queue != std::numeric_limits<std::uint32_t>::max()) {
      if (const auto why = queue_measure_refusal(spec))
        return feature(c, "finite queue (max_queue = " + std::to_string(o->max_queue) +
                              "): whether a task overflows depends on the tasks routed there "
                              "before it, and the queue's change of measure does not apply: " +
                              *why);
    }
    if (std::isfinite(o->workload_scale))
      return feature(c,
                     "workload (workload_scale): a review depends on the queue that earlier "
                     "tasks' routes built");
    if (o->vigilance_floor < 1.0)
      return feature(c,
                     "vigilance (vigilance_floor < 1): a review's vigilance depends on when "
                     "it starts, which the queue of earlier tasks decides");
  } else if (const auto* a = std::get_if<AuditSpec>(&c.parameters)) {
    if (a->budget != unlimited_budget || a->budget_share > 0.0)
      return feature(c,
                     "an audit budget: which tasks are audited depends on the audits spent "
                     "on earlier tasks");
    if (a->drift.enabled)
      return feature(c, "drift.enabled = true: the drift restarts at each harm");
    if (latent_failures_possible(spec))
      return feature(c,
                     "an audit reveals latent failures on a task's path, which repairs them "
                     "for later tasks");
  }
  return std::nullopt;
}

}  // namespace

FailureSides failure_sides(const ComponentSpec& c) {
  FailureSides s;
  if (is<Safeguard>(c)) {
    s.when_false = purpose_bit(Purpose::detection);
    s.when_true = purpose_bit(Purpose::coupling);  // a shared cause defeats it too
  } else if (is<Vote>(c)) {
    s.when_true = purpose_bit(Purpose::detection);  // a shock failing a set of channels
  } else if (is<Defence>(c) || is<Audit>(c)) {
    s.when_false = purpose_bit(Purpose::detection);
  } else if (is<Operators>(c)) {
    s.when_false = purpose_bit(Purpose::detection);
    s.when_true = purpose_bit(Purpose::human_error);
  } else if (is<Ai>(c)) {
    s.when_true = purpose_bit(Purpose::failure_mode);  // an unsafe commission
    s.above = purpose_bit(Purpose::difficulty);        // an error
  }
  return s;
}

std::optional<std::string> importance_sampling_refusal(const ScenarioSpec& spec) {
  if (spec.pause_after_harm > 0.0)
    return std::string("scenario.pause_after_harm: a harm suspends service for the tasks after it");
  if (spec.shutdown_on_catch)
    return std::string(
        "scenario.shutdown_on_catch: a caught attack shuts the deployment down for the tasks "
        "after it");
  const bool reviewed = std::any_of(spec.components.begin(), spec.components.end(),
                                    [](const ComponentSpec& c) { return is<Operators>(c); });
  for (const auto& context : spec.contexts) {
    if (reviewed && std::isfinite(context.deadline))
      return "context '" + context.name +
             "': a deadline with operators: whether a task is late depends on the queue that "
             "earlier tasks' routes built";
  }
  for (const auto& c : spec.components) {
    if (is<Ai>(c) && std::get<AiSpec>(c.parameters).untrusted)
      return feature(c,
                     "untrusted (an attack policy): the control metrics count attempts "
                     "per deployment, which per-task weights do not estimate");
    if (is<Operators>(c) && std::get<OperatorSpec>(c.parameters).individual)
      return feature(c,
                     "individual = true (reviewers with their own state): which reviewer "
                     "takes a task depends on the earlier tasks' reviews");
    if (auto refusal = component_refusal(c, spec)) return refusal;
  }
  return latent_measure_refusal(spec);
}

bool uses_importance_sampling(const ScenarioSpec& spec) {
  if (spec.rare_event == RareEvent::plain) return false;
  const auto refusal = importance_sampling_refusal(spec);
  if (refusal && spec.rare_event == RareEvent::importance)
    throw std::invalid_argument("importance sampling does not apply here: " + *refusal);
  return !refusal;
}

}  // namespace stsim::model
