#include "sim/structure/check.h"

#include <boost/graph/strong_components.hpp>

#include <algorithm>
#include <deque>
#include <limits>
#include <tuple>

#include "sim/structure/graph.h"

namespace stsim::structure {

namespace {

using model::Kind;

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

scenario::Diagnostic make(scenario::Diagnostic::Severity severity, const model::SourceLocation& where,
                          std::string message) {
  return scenario::Diagnostic{severity, where, std::move(message)};
}

// A shortest cycle through `start` inside its strongly connected component, by breadth
// first search from start back to it.
Path shortest_cycle(const Graph& graph, std::size_t start, const std::vector<int>& scc) {
  const std::size_t n = boost::num_vertices(graph);
  std::vector<std::size_t> parent(n, none);
  std::vector<model::Port> parent_port(n, model::Port::pass);
  std::deque<std::size_t> queue{start};
  std::size_t closing = none;  // the vertex whose edge returns to start
  model::Port closing_port = model::Port::pass;
  while (!queue.empty() && closing == none) {
    const std::size_t vertex = queue.front();
    queue.pop_front();
    for (auto [edge, end] = boost::out_edges(vertex, graph); edge != end; ++edge) {
      const std::size_t next = boost::target(*edge, graph);
      if (scc[next] != scc[start]) continue;
      if (next == start) {
        closing = vertex;
        closing_port = graph[*edge].port;
        break;
      }
      if (parent[next] != none) continue;
      parent[next] = vertex;
      parent_port[next] = graph[*edge].port;
      queue.push_back(next);
    }
  }
  // Walk back from the closing vertex to start, then reverse.
  Path cycle{{start}, {closing_port}};
  for (std::size_t vertex = closing; vertex != start; vertex = parent[vertex]) {
    cycle.components.push_back(vertex);
    cycle.ports.push_back(parent_port[vertex]);
  }
  cycle.components.push_back(start);
  std::reverse(cycle.components.begin(), cycle.components.end());
  std::reverse(cycle.ports.begin(), cycle.ports.end());
  return cycle;
}

std::vector<bool> reachable_from(const Graph& graph, std::size_t start) {
  std::vector<bool> seen(boost::num_vertices(graph), false);
  std::vector<std::size_t> stack{start};
  seen[start] = true;
  while (!stack.empty()) {
    const std::size_t vertex = stack.back();
    stack.pop_back();
    for (auto [edge, end] = boost::out_edges(vertex, graph); edge != end; ++edge) {
      const std::size_t next = boost::target(*edge, graph);
      if (!seen[next]) {
        seen[next] = true;
        stack.push_back(next);
      }
    }
  }
  return seen;
}

bool acted(const model::ComponentSpec& component) {
  const auto* outcome = std::get_if<model::OutcomeSpec>(&component.parameters);
  return outcome != nullptr && outcome->acted;
}

}  // namespace

std::vector<scenario::Diagnostic> check(const model::ScenarioSpec& spec) {
  using Severity = scenario::Diagnostic::Severity;
  const Graph graph = build_graph(spec);
  const std::size_t n = spec.components.size();
  std::vector<scenario::Diagnostic> diagnostics;

  // Loops: one diagnostic per strongly connected component that holds a cycle, shown
  // as a shortest cycle through its first component in file order.
  std::vector<int> scc(n, 0);
  if (n > 0) boost::strong_components(graph, boost::make_iterator_property_map(scc.begin(), boost::get(boost::vertex_index, graph)));
  std::vector<bool> reported(n, false);
  for (std::size_t vertex = 0; vertex < n; ++vertex) {
    const auto component_id = static_cast<std::size_t>(scc[vertex]);
    if (reported[component_id]) continue;
    const bool self_loop = boost::edge(vertex, vertex, graph).second;
    const bool shared = std::count(scc.begin(), scc.end(), scc[vertex]) > 1;
    if (!self_loop && !shared) continue;
    reported[component_id] = true;
    const Path cycle = shortest_cycle(graph, vertex, scc);
    const model::ComponentSpec& first = spec.components[vertex];
    const model::SourceLocation& edge_where = first.next_where[static_cast<std::size_t>(cycle.ports.front())];
    diagnostics.push_back(make(Severity::error, edge_where.line > 0 ? edge_where : first.where,
                               "tasks can loop forever: " + describe(spec, cycle) +
                                   "; every path must end at an outcome (redirect an edge of the loop)"));
  }

  // Sources that cannot deliver; components that no task reaches.
  std::vector<bool> reached(n, false);
  for (std::size_t source = 0; source < n; ++source) {
    if (spec.components[source].kind != Kind::source) continue;
    const std::vector<bool> seen = reachable_from(graph, source);
    bool any_outcome = false, any_acted = false;
    for (std::size_t vertex = 0; vertex < n; ++vertex) {
      if (!seen[vertex]) continue;
      reached[vertex] = true;
      if (spec.components[vertex].kind == Kind::outcome) {
        any_outcome = true;
        any_acted = any_acted || acted(spec.components[vertex]);
      }
    }
    const model::ComponentSpec& component = spec.components[source];
    if (!any_outcome) {
      diagnostics.push_back(make(Severity::error, component.where,
                                 "source '" + component.id +
                                     "' has no path to an outcome; every task must end at a component of kind \"outcome\""));
    } else if (!any_acted) {
      diagnostics.push_back(make(Severity::error, component.where,
                                 "source '" + component.id +
                                     "' has no path to an outcome whose outputs are acted on; expected a path to an outcome with acted = true"));
    }
  }
  for (std::size_t vertex = 0; vertex < n; ++vertex) {
    const model::ComponentSpec& component = spec.components[vertex];
    if (reached[vertex] || component.kind == Kind::source) continue;
    diagnostics.push_back(make(Severity::warning, component.where,
                               "component '" + component.id +
                                   "' cannot be reached by any task; no edge on a path from a source leads to it"));
  }

  // File order, as a compiler reports; code-built specs (no locations) keep the order above.
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
  });
  return diagnostics;
}

}  // namespace stsim::structure
