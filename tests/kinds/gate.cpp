#include "tests/kinds/gate.h"

#include "sim/model/builder.h"
#include "sim/model/key_fields.h"

namespace stsim::probe {

std::span<const model::ComponentKey> Gate::keys() {
  static const std::vector<model::ComponentKey> keys = {
      {"period", model::duration(true), "12h", "Time between two movements of the gate",
       model::field<&GateSpec::period>},
      {"leak", model::probability(), "0", "Probability that a task passes the closed gate",
       model::field<&GateSpec::leak>},
      {"start_open", model::boolean(), "true", "Whether the gate is open at the start",
       model::field<&GateSpec::start_open>},
  };
  return keys;
}

void Gate::validate(const Spec& spec, const model::ComponentSpec& component,
                    const model::ScenarioSpec& scenario, std::vector<std::string>& faults) {
  if (!(spec.period < scenario.horizon))
    faults.push_back("component '" + component.id + "' has a period of " +
                     model::format_number(spec.period) + " h, not shorter than the horizon (" +
                     model::format_number(scenario.horizon) +
                     " h); expected a gate that moves at least once");
}

Gate::State Gate::build(const Spec& spec, std::uint32_t, model::Builder& builder) {
  builder.expect_events(builder.spec().horizon / spec.period);
  return {spec, spec.start_open};
}

void Gate::reset(State& g, std::uint32_t, model::Replication&) { g.open = g.spec.start_open; }

void Gate::start(State& g, std::uint32_t node, model::Replication& r) {
  r.schedule(g.spec.period, model::Priority::component, node, toggle);
}

bool Gate::handle(model::Replication& r, std::vector<State>& states, model::KindEvent e) {
  if (e.event != toggle) return false;
  State& g = states[e.index];
  g.open = !g.open;
  const model::Time next = r.now() + g.spec.period;
  if (next < r.horizon()) r.schedule(next, model::Priority::component, e.node, toggle);
  return true;
}

}  // namespace stsim::probe
