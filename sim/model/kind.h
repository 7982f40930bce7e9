#pragma once
// What a component kind is, for the code that treats every kind alike. Each kind is a
// module of its own, sim/model/kinds/<kind>.{h,cpp}: its spec, parameter keys,
// validation, per-replication state, per-task step, timed events, and what the structure
// and analytic modules need to know about it. sim/model/kinds.h lists the kinds; from
// that list come the parameters variant, the KindInfo table below (for the loader, the
// structure checks, the diagram and the analytic subset) and the static dispatch of the
// hot path in sim/model/simulation.cpp.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/keys.h"

namespace stsim::model {

using Time = double;  // hours
inline constexpr double infinity = std::numeric_limits<double>::infinity();

struct ComponentSpec;
struct ScenarioSpec;
class Branching;
struct Branch;

// A component's ports are its kind's own, in the order the kind declares them. Port 0 is
// the main way out: `next = "id"` sets it, every component but a terminal one needs an
// edge from it, and leaving by any other port diverts a task from the main flow.
using PortIndex = std::uint8_t;
inline constexpr std::size_t max_ports = 8;

// What becomes of a hazard (an unsafe output on its way to being acted on) that leaves a
// component by a port; the cut sets of sim/structure follow it.
enum class HazardFlow : std::uint8_t {
  never,    // no hazard leaves by this port (an AI's refusal, an alarm-only safeguard's block)
  carried,  // the hazard goes on; leaving a protective layer so means the layer failed
  stopped,  // the layer caught it
};

struct PortInfo {
  std::string_view name;
  HazardFlow hazard = HazardFlow::carried;
};

enum class Role : std::uint8_t {
  entry,     // tasks are born here and no edge may lead into it
  stage,     // tasks pass through
  terminal,  // tasks end here: it has no ports
};

// The counterfactual points of the importance measures (docs/sensitivity.md): a layer
// made perfect (it catches every hazard it can see), removed (it never detects and
// passes everything on), or with every miss probability it has raised by a small step
// (each capped at 1), for the Birnbaum derivative. Each kind that is a layer, or where
// hazards originate, says what these mean for its parameters.
enum class Counterfactual : std::uint8_t { perfect, removed, nudged };
inline constexpr std::size_t counterfactual_count = 3;

// A detection probability under a counterfactual: 1, 0, or lowered by `step` (its miss
// probability raised by `step`), never below 0.
inline double detection_under(Counterfactual c, double detect, double step) {
  switch (c) {
    case Counterfactual::perfect:
      return 1.0;
    case Counterfactual::removed:
      return 0.0;
    case Counterfactual::nudged:
      return detect > step ? detect - step : 0.0;
  }
  return detect;
}

// A node's look in the Graphviz diagram: a shape and a fill for each kind, dashed for a
// terminal component that stops what reaches it.
struct NodeStyle {
  const char* shape;
  const char* fill;  // "#rrggbb"
  bool dashed = false;
};

// The type-erased description of a kind: everything about it that code outside the
// hot path needs. Built for each kind of the list by sim/model/kinds.cpp.
struct KindInfo {
  std::string_view name;  // the value of `kind` in a scenario file
  Role role = Role::stage;
  std::span<const PortInfo> ports;
  std::span<const std::string_view> events;  // stable names of its timed events (traces)
  // A task can fail at a component of this kind, so another can share its causes
  // (coupling.with may name it).
  bool can_fail = false;
  // Hazardous outputs originate here: the structure's cut sets are per such component.
  bool originates_hazards = false;
  // Not a layer, but it chooses what a layer examines (a monitor's audit zone): its
  // importance is measured as a layer's.
  bool steers_layers = false;
  std::span<const ComponentKey> keys;    // its parameters, with their rules
  std::span<const KeyGroup> groups;      // tables of dotted keys (drift.*), by example
  void (*set_defaults)(ComponentSpec&);  // parameters of this kind, all at their defaults
  // Faults that no single key's rule shows (keys.h checks those), as messages about the
  // component: "sets coupling.demand_beta ... but no coupling.with; expected ...".
  void (*validate)(const ComponentSpec&, const ScenarioSpec&, std::vector<std::string>&);
  // A protective layer: it can stop a hazard (docs/structure.md).
  bool (*is_layer)(const ComponentSpec&);
  HazardFlow (*hazard_flow)(const ComponentSpec&, PortIndex);
  // Whether a port can carry a task at all with these parameters (the diagram greys the
  // others).
  bool (*port_used)(const ComponentSpec&, PortIndex);
  // Outputs reaching it are acted on (harm or utility); only terminal kinds act.
  bool (*acts)(const ComponentSpec&);
  NodeStyle (*style)(const ComponentSpec&);
  std::string (*label)(const ComponentSpec&);  // its role under its id in the diagram
  // The analytic subset (sim/analytic): why this component keeps a scenario out of it,
  // or nothing; and its exact branching, the closed-form counterpart of its step.
  std::optional<std::string> (*outside_analytic)(const ComponentSpec&, const ScenarioSpec&);
  void (*branch)(const ComponentSpec&, Branching&, std::uint32_t node, const Branch&);
  // Its parameters under an importance counterfactual; nullptr for a kind that is never
  // a layer and originates no hazard.
  void (*counterfactual)(ComponentSpec&, Counterfactual, double step);
  // Whether a schedule may change this key during a replication (the kind's retune()
  // then takes the new value); false for every key of a kind without retune().
  bool (*retunes)(std::string_view key);
};

}  // namespace stsim::model
