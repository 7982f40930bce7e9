#include "sim/model/kinds/safeguard.h"

#include <algorithm>

#include "sim/model/branching.h"
#include "sim/model/builder.h"
#include "sim/model/key_fields.h"
#include "sim/model/spec.h"

namespace stsim::model {

std::span<const ComponentKey> Safeguard::keys() {
  static const std::vector<ComponentKey> keys =
      with_coverage_keys(flagging::with_context_keys<SafeguardSpec>({
          {"detect_error", probability(), "0.9",
           "Probability of flagging a hazardous output from a model error",
           field<&SafeguardSpec::detect_error>},
          {"detect_misuse", probability(), "0",
           "Probability of flagging a hazardous output serving malicious intent",
           field<&SafeguardSpec::detect_misuse>},
          {"false_alarm", probability(), "0.01", "Probability of flagging a non-hazardous output",
           field<&SafeguardSpec::false_alarm>},
          {"blocks", boolean(), "true",
           "true: flagged tasks leave by block; false: they pass on carrying an alarm",
           field<&SafeguardSpec::blocks>},
          {"latent_failure_rate", rate(false), "0/h",
           "Rate of silent failures, after which the safeguard flags nothing",
           field<&SafeguardSpec::latent_failure_rate>},
          {"test_interval", duration(false), "0h (never tested)",
           "Period of the proof tests that reveal a latent failure",
           field<&SafeguardSpec::test_interval>},
          {"repair_time", duration(false), "0h", "Time to repair a failure once revealed",
           field<&SafeguardSpec::repair_time>},
          {"coupling.with", of_type(ValueType::component_ref), "\"\" (independent)",
           "Component this one shares causes of failure with",
           field<&SafeguardSpec::coupling, &CouplingSpec::with>},
          {"coupling.demand_beta", probability(), "0",
           "Probability of missing too on a task where the coupled component failed (per demand)",
           field<&SafeguardSpec::coupling, &CouplingSpec::demand_beta>},
          {"coupling.latent_beta", probability(), "0",
           "Share of latent_failure_rate from common-cause events that fail the coupled safeguard "
           "too (IEC 61508-6 beta; no effect unless the partner is a safeguard)",
           field<&SafeguardSpec::coupling, &CouplingSpec::latent_beta>},
          {"coupling.difficulty_correlation", probability(), "0",
           "Probability of judging a task by the same difficulty as the model",
           field<&SafeguardSpec::coupling, &CouplingSpec::difficulty_correlation>},
      }));
  return keys;
}

std::span<const KeyGroup> Safeguard::groups() {
  static constexpr std::array<KeyGroup, 1> groups = {
      {{"coupling", "a table such as { with = \"model\", demand_beta = 0.1 }"}}};
  return groups;
}

namespace {

const ComponentSpec* component_named(const ScenarioSpec& scenario, const std::string& id) {
  for (const auto& c : scenario.components)
    if (c.id == id) return &c;
  return nullptr;
}

}  // namespace

Safeguard::LatentRates Safeguard::latent_rates(const ComponentSpec& component,
                                               const ScenarioSpec& scenario) {
  const auto& spec = std::get<SafeguardSpec>(component.parameters);
  LatentRates rates;
  const ComponentSpec* partner = component_named(scenario, spec.coupling.with);
  if (partner != nullptr && is<Safeguard>(*partner))
    rates.common = spec.coupling.latent_beta * spec.latent_failure_rate;
  rates.independent = spec.latent_failure_rate - rates.common;
  for (const auto& other : scenario.components) {
    const auto* o = std::get_if<SafeguardSpec>(&other.parameters);
    if (o != nullptr && &other != &component && o->coupling.with == component.id)
      rates.independent -= o->coupling.latent_beta * o->latent_failure_rate;
  }
  return rates;
}

void Safeguard::validate(const Spec& spec, const ComponentSpec& component,
                         const ScenarioSpec& scenario, std::vector<std::string>& faults) {
  const auto& coupling = spec.coupling;
  if (coupling.with.empty()) {
    if (coupling.demand_beta > 0.0 || coupling.latent_beta > 0.0 ||
        coupling.difficulty_correlation > 0.0)
      faults.push_back("component '" + component.id +
                       "' sets coupling.demand_beta, coupling.latent_beta or "
                       "coupling.difficulty_correlation but no coupling.with; expected with = "
                       "\"<component id>\"");
    return;
  }
  if (latent_rates(component, scenario).independent < -1e-12 * spec.latent_failure_rate)
    faults.push_back(
        "component '" + component.id +
        "' has latent_failure_rate = " + format_number(spec.latent_failure_rate) +
        "/h, less than the common-cause rate of the safeguards coupled with it "
        "(coupling.latent_beta "
        "x their latent_failure_rate); expected each safeguard's rate to include its common part");
}

Safeguard::State Safeguard::build(const Spec& spec, std::uint32_t node, Builder& builder) {
  State g;
  g.spec = spec;
  g.by_context = flagging::per_context(spec, builder);
  g.node = node;
  if (!spec.coupling.with.empty()) {
    const std::uint32_t partner = builder.node_of(spec.coupling.with);
    g.partner_bit = builder.fail_bit(partner);
    if (builder.kind_of(partner) == kind_index<Safeguard>)
      g.partner_guard = builder.index_of(partner);
  }
  const double horizon = builder.spec().horizon;
  const LatentRates rates = latent_rates(builder.component(node), builder.spec());
  g.independent_rate = std::max(0.0, rates.independent);
  g.common_rate = rates.common;
  builder.latent_process(g.independent_rate);
  builder.latent_process(g.common_rate);
  if (spec.latent_failure_rate > 0.0) {
    builder.down_bit(node);
    if (g.common_rate > 0.0) builder.down_bit(builder.node_of(spec.coupling.with));
    builder.expect_events(2.0 * spec.latent_failure_rate * horizon);
  }
  if (spec.test_interval > 0.0) builder.expect_events(horizon / spec.test_interval);
  return g;
}

void Safeguard::reset(State& g, std::uint32_t node, Replication& r) {
  g.latent_failure = r.stream(node, random::Purpose::latent_failure);
  g.down = false;
  g.found = false;
}

void Safeguard::schedule_failure(Replication& r, State& g, Event event, Time from) {
  const double rate = event == common_cause_failure ? g.common_rate : g.independent_rate;
  if (!(rate > 0.0)) return;
  const Time t = from + random::exponential(g.latent_failure, r.latent_measure().biased(rate));
  if (t < r.horizon()) r.schedule(t, Priority::component, g.node, event);
}

void Safeguard::start(State& g, std::uint32_t node, Replication& r) {
  // Both processes draw from one stream; their order depends only on that stream.
  schedule_failure(r, g, latent_failure, 0.0);
  schedule_failure(r, g, common_cause_failure, 0.0);
  if (g.spec.test_interval > 0.0 && g.spec.test_interval < r.horizon())
    r.schedule(g.spec.test_interval, Priority::component, node, proof_test);
}

void Safeguard::fail_latently(Replication& r, State& g, bool common) {
  if (g.down) return;
  g.down = true;
  g.down_common = common;
  g.found = false;
  ++r.metrics().latent_failures;
}

void Safeguard::reveal(Replication& r, State& g) {
  if (!g.down || g.found) return;
  g.found = true;
  ++r.metrics().latent_failures_found;
  if (g.spec.repair_time > 0.0) {
    r.schedule(r.now() + g.spec.repair_time, Priority::component, g.node, repair_done);
  } else {
    g.down = false;
    g.found = false;
  }
}

bool Safeguard::handle(Replication& r, std::vector<State>& states, KindEvent e) {
  State& g = states[e.index];
  switch (e.event) {
    case latent_failure:
    case common_cause_failure: {
      const bool common = e.event == common_cause_failure;
      r.latent_measure().event(common ? g.common_rate : g.independent_rate);
      fail_latently(r, g, common);
      if (common) fail_latently(r, states[g.partner_guard], true);
      schedule_failure(r, g, static_cast<Event>(e.event), r.now());
      return true;
    }
    case proof_test: {
      reveal(r, g);
      r.latent_measure().renewed(r.now());
      const Time next = r.now() + g.spec.test_interval;
      if (next < r.horizon()) r.schedule(next, Priority::component, e.node, proof_test);
      return true;
    }
    case repair_done:
      g.down = false;
      g.found = false;
      return true;
    default:
      return false;
  }
}

std::optional<std::string> Safeguard::overlapping_repairs(double latent_failure_rate,
                                                          Time test_interval, Time repair_time,
                                                          Time horizon) {
  if (latent_failure_rate > 0.0 && test_interval > 0.0 && test_interval < horizon &&
      !(repair_time < test_interval))
    return "repair_time = " + format_number(repair_time) +
           " h >= test_interval = " + format_number(test_interval) +
           " h: overlapping repairs are not modelled";
  return std::nullopt;
}

std::optional<std::string> Safeguard::outside_analytic(const Spec& spec, const ComponentSpec&,
                                                       const ScenarioSpec& scenario) {
  return overlapping_repairs(spec.latent_failure_rate, spec.test_interval, spec.repair_time,
                             scenario.horizon);
}

namespace {

// A flagged branch: blocked, or passed on with an alarm.
void flagged(Branching& b, std::uint32_t node, bool blocks, Branch branch) {
  if (blocks) return b.leave(node, Safeguard::block, branch);
  branch.alarm = true;
  b.leave(node, Safeguard::pass, branch);
}

}  // namespace

void Safeguard::branch(const Spec& s, Branching& b, std::uint32_t node, const Branch& in) {
  Branch rest = in;
  if (b.down(node)) {
    if (rest.hazardous) rest.failed |= Branching::bit(node);
    return b.leave(node, pass, rest);
  }
  const std::string_view context = b.context(rest.context).name;
  if (!rest.hazardous) {
    const double false_alarm = flagging::false_alarm(s, context);
    Branch f = rest;
    f.p *= false_alarm;
    b.counts().false_alarms += f.p;
    flagged(b, node, s.blocks, f);
    rest.p *= 1.0 - false_alarm;
    return b.leave(node, pass, rest);
  }
  const double p = flagging::detection(s, context, rest.origin);
  const std::uint32_t partner = s.coupling.with.empty() ? none : b.node_of(s.coupling.with);
  const double beta =
      (partner != none && (rest.failed & Branching::bit(partner))) ? s.coupling.demand_beta : 0.0;
  // Shared cause: defeated with the partner.
  Branch miss = rest;
  miss.p *= beta;
  miss.failed |= Branching::bit(node);
  b.leave(node, pass, miss);
  rest.p *= 1.0 - beta;
  if (rest.origin == HarmOrigin::model_error && s.coupling.difficulty_correlation > 0.0) {
    // Judged by the model's own difficulty: flags iff difficulty <= p.
    const double rho = s.coupling.difficulty_correlation;
    const double width = rest.hi - rest.lo;
    const double cut = std::clamp(p, rest.lo, rest.hi);
    Branch yes = rest, no = rest;
    yes.p *= rho * (width > 0.0 ? (cut - rest.lo) / width : 0.0);
    yes.hi = cut;
    no.p *= rho * (width > 0.0 ? (rest.hi - cut) / width : 1.0);
    no.lo = cut;
    no.failed |= Branching::bit(node);
    flagged(b, node, s.blocks, yes);
    b.leave(node, pass, no);
    rest.p *= 1.0 - rho;
  }
  Branch yes = rest;
  yes.p *= p;
  flagged(b, node, s.blocks, yes);
  rest.p *= 1.0 - p;
  rest.failed |= Branching::bit(node);
  b.leave(node, pass, rest);
}

}  // namespace stsim::model
