#pragma once
// Graphviz DOT of a scenario's control structure, for a figure in a brief:
//   dot -Tpdf structure.dot -o structure.pdf
// Each kind has its own shape and fill (Paul Tol's "light" palette, safe for the common
// colour-vision deficiencies, and the shapes alone tell the kinds apart in grey print);
// outcomes where outputs are acted on are double-bordered, stopped ones dashed. Edges
// are labelled by port. The output depends only on the spec (file order), so the same
// scenario always gives the same bytes.

#include <string>

#include "sim/model/spec.h"

namespace stsim::structure {

struct NodeStyle {
  const char* shape;
  const char* fill;  // "#rrggbb"
};

// The style of a component of this kind (`acted` matters for outcomes only).
NodeStyle node_style(model::Kind kind, bool acted);

std::string to_dot(const model::ScenarioSpec& spec);

}  // namespace stsim::structure
