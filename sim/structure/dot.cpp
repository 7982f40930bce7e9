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

bool acted(const model::ComponentSpec& component) {
  const auto* outcome = std::get_if<model::OutcomeSpec>(&component.parameters);
  return outcome != nullptr && outcome->acted;
}

std::string node_label(const model::ComponentSpec& component) {
  std::string role = model::to_string(component.kind);
  if (component.kind == model::Kind::outcome) {
    role = acted(component) ? "acted" : "stopped";
  } else if (const auto* safeguard = std::get_if<model::SafeguardSpec>(&component.parameters);
             safeguard != nullptr && !safeguard->blocks) {
    role = "safeguard, alarm only";
  }
  return component.id + "\n(" + role + ")";
}

}  // namespace

NodeStyle node_style(model::Kind kind, bool is_acted) {
  switch (kind) {
    case model::Kind::source:
      return {"invhouse", "#99DDFF"};
    case model::Kind::ai:
      return {"box", "#EE8866"};
    case model::Kind::safeguard:
      return {"hexagon", "#EEDD88"};
    case model::Kind::operators:
      return {"ellipse", "#FFAABB"};
    case model::Kind::audit:
      return {"note", "#BBCC33"};
    case model::Kind::defence:
      return {"octagon", "#77AADD"};
    case model::Kind::outcome:
      return is_acted ? NodeStyle{"doublecircle", "#44BB99"} : NodeStyle{"circle", "#DDDDDD"};
  }
  return {"box", "#FFFFFF"};
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
    const bool is_acted = acted(component);
    const NodeStyle style = node_style(component.kind, is_acted);
    const bool stopped = component.kind == model::Kind::outcome && !is_acted;
    dot += fmt::format("  {} [label={}, shape=\"{}\", style=\"{}\", fillcolor=\"{}\"];\n",
                       quoted(component.id), quoted(node_label(component)), style.shape,
                       stopped ? "filled,dashed" : "filled", style.fill);
  }
  for (const model::ComponentSpec& component : spec.components) {
    const auto ports = model::ports_of(component.kind);
    for (std::size_t p = 0; p < model::port_count; ++p) {
      if (!ports[p] || component.next[p].empty()) continue;
      const auto port = static_cast<model::Port>(p);
      const auto* safeguard = std::get_if<model::SafeguardSpec>(&component.parameters);
      if (port == model::Port::block && safeguard != nullptr && !safeguard->blocks) {
        // An alarm-only safeguard never sends a task out by block: drawn, but greyed.
        dot += fmt::format(
            "  {} -> {} [label=\"block (unused)\", style=\"dotted\", color=\"#999999\", "
            "fontcolor=\"#999999\"];\n",
            quoted(component.id), quoted(component.next[p]));
        continue;
      }
      dot += fmt::format("  {} -> {} [label=\"{}\"{}];\n", quoted(component.id),
                         quoted(component.next[p]), model::to_string(port),
                         port == model::Port::pass ? "" : ", style=\"dashed\"");
    }
  }
  dot += "}\n";
  return dot;
}

}  // namespace stsim::structure
