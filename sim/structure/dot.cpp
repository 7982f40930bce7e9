#include "sim/structure/dot.h"

#include <fmt/core.h>

#include <string_view>

namespace stsim::structure {

namespace {

// A DOT double-quoted string: quotes and backslashes escaped, line breaks as "\n".
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out + '"';
}

std::string node_label(const model::ComponentSpec& component) {
  return component.id + "\n(" + model::info_of(component).label(component) + ")";
}

}  // namespace

NodeStyle node_style(const model::ComponentSpec& component) {
  return model::info_of(component).style(component);
}

std::string to_dot(const model::ScenarioSpec& spec, std::string_view subtitle) {
  const std::string title = spec.name.empty() ? std::string("scenario") : spec.name;
  std::string label = title;
  if (!subtitle.empty()) label.append("\n").append(subtitle);
  std::string dot = fmt::format("digraph {} {{\n", quoted(title));
  dot += fmt::format(
      "  graph [label={}, labelloc=\"t\", fontsize=\"16\", fontname=\"Helvetica\", "
      "rankdir=\"LR\"];\n",
      quoted(label));
  dot += "  node [fontname=\"Helvetica\", fontsize=\"11\"];\n";
  dot += "  edge [fontname=\"Helvetica\", fontsize=\"10\"];\n";
  for (const model::ComponentSpec& component : spec.components) {
    const NodeStyle style = node_style(component);
    dot += fmt::format("  {} [label={}, shape=\"{}\", style=\"{}\", fillcolor=\"{}\"];\n",
                       quoted(component.id), quoted(node_label(component)), style.shape,
                       style.dashed ? "filled,dashed" : "filled", style.fill);
  }
  for (const model::ComponentSpec& component : spec.components) {
    const auto& kind = model::info_of(component);
    for (std::size_t p = 0; p < kind.ports.size(); ++p) {
      const std::string_view name = kind.ports[p].name;
      const std::string_view target = component.target(name);
      if (target.empty()) continue;
      if (!kind.port_used(component, static_cast<model::PortIndex>(p))) {
        // A port no task leaves by with these parameters: drawn, but greyed.
        dot += fmt::format(
            "  {} -> {} [label=\"{} (unused)\", style=\"dotted\", color=\"#999999\", "
            "fontcolor=\"#999999\"];\n",
            quoted(component.id), quoted(target), name);
        continue;
      }
      if (const model::EdgeBound* bound = component.bound(name)) {
        // Back upstream at most so many times (drawn against the flow, so it does not
        // rank its target after its source), then on to the fallback.
        dot += fmt::format(
            "  {} -> {} [label=\"{} (at most {})\", style=\"dashed\", color=\"#CC3311\", "
            "fontcolor=\"#CC3311\", constraint=\"false\"];\n",
            quoted(component.id), quoted(target), name, bound->at_most);
        if (!bound->fallback.empty())
          dot += fmt::format("  {} -> {} [label=\"{} (after {})\", style=\"dashed\"];\n",
                             quoted(component.id), quoted(bound->fallback), name, bound->at_most);
        continue;
      }
      dot += fmt::format("  {} -> {} [label=\"{}\"{}];\n", quoted(component.id), quoted(target),
                         name, p == 0 ? "" : ", style=\"dashed\"");
    }
  }
  dot += "}\n";
  return dot;
}

}  // namespace stsim::structure
