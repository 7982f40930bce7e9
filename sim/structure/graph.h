#pragma once
// The control structure as a Boost.Graph: one vertex per component (vertex i is
// spec.components[i]), one edge per connected port, labelled by the port. On it: the
// paths tasks can take from sources to outcomes, and the minimal cut sets of the
// protective layers between a model error and a harm.
//
// Cut sets, precisely. A hazard is an unsafe output that originates at an `ai`
// component and leaves it by `pass` or `defer` (a refusal is not a hazardous output).
// A protective LAYER is a component that can stop it: a safeguard with blocks = true,
// operators, an audit or a defence. A working layer sends the hazard out by `block`; a
// failed one by its failure ports, `pass` (and `overflow` for operators: an unreviewed
// task). Every other component passes a hazard on: an ai by `pass` or `defer`, a
// safeguard with blocks = false by `pass` (its alarm is heeded, or not, downstream).
// Each kind declares these facts (model::KindInfo: originates_hazards, is_layer, and
// the HazardFlow of each port: never taken, carried, or stopped).
// Each hazard path, from the ai to an outcome with acted = true, needs exactly the
// layers it leaves by a failure port to fail. A CUT SET of the ai is a set of layers
// whose joint failure lets a hazard reach an acted outcome, whatever the other layers
// do; the MINIMAL cut sets are the minimal (under inclusion) failure sets of the
// hazard paths. Size 0 means a path with no layer on it. This is the fault-tree view:
// it counts layers, not their probabilities, and treats them as independent
// (common causes between layers are modelled in the simulation, not here).

#include <boost/graph/adjacency_list.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/model/spec.h"

namespace stsim::structure {

struct EdgeLabel {
  model::PortIndex port = 0;  // among the ports of the edge's source component's kind
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                    boost::no_property, EdgeLabel>;

// Which edge a bounded port (model::EdgeBound) contributes: its fallback, which is what a
// task can take for ever once its returns are spent (acyclic when the structure is valid;
// the analyses), or its fallback and its target, every edge a task may take (what tasks reach).
enum class Returns : std::uint8_t { fallback_only, both };

// Edges of the ports each kind has (model::KindInfo::ports) whose target names a
// component; empty or unresolved targets are left out (the loader reports those).
Graph build_graph(const model::ScenarioSpec& spec, Returns returns = Returns::fallback_only);

// A walk through the structure: components[0] -> components[1] -> ..., where
// components[i] is left by ports[i] (ports.size() == components.size() - 1).
struct Path {
  std::vector<std::size_t> components;
  std::vector<model::PortIndex> ports;
};

// "users -> model -[defer]-> review -> world": the port is shown when it is not the
// component's main port (its kind's first, `pass`).
std::string describe(const model::ScenarioSpec& spec, const Path& path);

struct PathEnumeration {
  std::vector<Path> paths;  // by source, then depth first in port order
  bool complete = true;     // false: stopped at the limit
};

// Every simple path from each source to each outcome, following every edge. `limit`
// bounds the walks, those that end at an outcome and those that end short of one (a
// dead end, or every next component already on the path).
PathEnumeration enumerate_paths(const model::ScenarioSpec& spec, std::size_t limit = 100000);

// Safeguards with blocks = true, operators, audits and defences (see above): each kind
// says (model::KindInfo::is_layer).
bool is_layer(const model::ComponentSpec& component);

struct CutSet {
  std::vector<std::size_t> layers;  // component indices, ascending
  Path witness;                     // a hazard path whose failure set is exactly `layers`
};

struct CutSetAnalysis {
  std::size_t origin = 0;  // the ai component the hazards come from
  // Minimal cut sets, smallest first (then by component order). Empty when no hazard
  // from this ai can reach an acted outcome.
  std::vector<CutSet> minimal;
  bool complete = true;  // false: the walk stopped at the limit (as in enumerate_paths)
};

// One analysis per ai component, in component order.
std::vector<CutSetAnalysis> minimal_cut_sets(const model::ScenarioSpec& spec,
                                             std::size_t path_limit = 100000);

// What `stsim validate` says of a structure, in time linear in its size however many
// paths it has (20 diamonds in series have 2^20 paths and 2^20 minimal cut sets): the
// number of source-to-outcome paths (enumerate_paths' count) and, over every ai, the
// smallest minimal cut set with its witness, the first hazard path in depth-first port
// order with that few layers on it. Counted over the acyclic structure that model
// validation ensures (std::invalid_argument for one with a loop). enumerate_paths and
// minimal_cut_sets give the same answers by walking every path (tests/structure).
struct StructureSummary {
  std::uint64_t paths = 0;  // saturates at the largest std::uint64_t
  std::size_t ai_components = 0;
  std::optional<CutSet> smallest;  // none when no hazard from an ai reaches an acted outcome
};
StructureSummary summarise(const model::ScenarioSpec& spec);

}  // namespace stsim::structure
