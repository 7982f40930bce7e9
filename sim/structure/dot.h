#pragma once
// Graphviz DOT of a scenario's control structure, for a figure in a brief:
//   dot -Tpdf structure.dot -o structure.pdf
// Each kind has its own shape and fill, declared in its module (Paul Tol's "light"
// palette, safe for the common colour-vision deficiencies, and the shapes alone tell the
// kinds apart in grey print); outcomes where outputs are acted on are double-bordered,
// stopped ones dashed. Edges are labelled by port; a port the component never uses (the
// block port of an alarm-only safeguard) is greyed.
// The output depends only on the spec (file order): the same scenario, the same bytes.

#include <string>
#include <string_view>

#include "sim/model/spec.h"

namespace stsim::structure {

using model::NodeStyle;

// The style of a component, as its kind draws it (model::KindInfo::style).
NodeStyle node_style(const model::ComponentSpec& component);

// The graph's title is the scenario's name, with `subtitle` (e.g. the parameters set
// to draw one design of a sweep) on a second line when given.
std::string to_dot(const model::ScenarioSpec& spec, std::string_view subtitle = {});

}  // namespace stsim::structure
