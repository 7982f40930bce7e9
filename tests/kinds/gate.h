#pragma once
// A test-only component kind, the proof that a kind is two files and one list entry: a
// gate that opens and closes every `period`. While open, tasks pass by "through"; while
// closed they go "around", except a share `leak` that slips through. It has its own
// ports, parameters with rules, a rule across its keys, a per-task draw, a timed event,
// and a style, and nothing else in the code names it: tests/kinds/extra_kinds.h adds it
// to the list when a test builds the libraries with STSIM_EXTRA_KINDS_HEADER.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::probe {

struct GateSpec {
  model::Time period = 12.0;  // hours between openings and closings
  double leak = 0.0;          // P(a task passes while the gate is closed)
  bool start_open = true;
};

struct Gate {
  using Spec = GateSpec;
  static constexpr std::string_view name = "gate";
  enum Port : model::PortIndex { through, around };
  static constexpr std::array<model::PortInfo, 2> ports = {
      {{"through", model::HazardFlow::carried}, {"around", model::HazardFlow::carried}}};
  enum Event : std::uint8_t { toggle };
  static constexpr std::array<std::string_view, 1> events = {"toggle"};

  struct State {
    GateSpec spec;
    bool open = true;
  };

  static std::span<const model::ComponentKey> keys();
  static void validate(const Spec& spec, const model::ComponentSpec& component,
                       const model::ScenarioSpec& scenario, std::vector<std::string>& faults);
  static State build(const Spec& spec, std::uint32_t node, model::Builder& builder);
  static void reset(State& g, std::uint32_t node, model::Replication& r);
  static void start(State& g, std::uint32_t node, model::Replication& r);
  static bool handle(model::Replication& r, std::vector<State>& states, model::KindEvent e);

  static model::PortIndex step(model::Replication& r, State& g, model::Task& t, std::uint32_t,
                               std::uint32_t node) {
    if (g.open) return through;
    return r.draws(t, node).chance(random::Purpose::test, g.spec.leak) ? through : around;
  }

  static model::NodeStyle style(const Spec&) { return {"trapezium", "#DDCC77"}; }
};

}  // namespace stsim::probe
