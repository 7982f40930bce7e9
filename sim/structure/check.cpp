#include "sim/structure/check.h"

#include <algorithm>
#include <boost/graph/strong_components.hpp>
#include <deque>
#include <limits>
#include <string>
#include <tuple>

#include "sim/structure/graph.h"

namespace stsim::structure {

namespace {

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

scenario::Diagnostic make(scenario::Diagnostic::Severity severity,
                          const model::SourceLocation& where, std::string message) {
  return scenario::Diagnostic{severity, where, std::move(message)};
}

// A shortest cycle through `start` inside its strongly connected component, by breadth
// first search from start back to it.
Path shortest_cycle(const Graph& graph, std::size_t start, const std::vector<int>& scc) {
  const std::size_t n = boost::num_vertices(graph);
  std::vector<std::size_t> parent(n, none);
  std::vector<model::PortIndex> parent_port(n, 0);
  std::deque<std::size_t> queue{start};
  std::size_t closing = none;  // the vertex whose edge returns to start
  model::PortIndex closing_port = 0;
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
  return model::info_of(component).acts(component);
}

model::Role role(const model::ComponentSpec& component) { return model::info_of(component).role; }

}  // namespace

namespace {

// The graph errors of one spec, and which components its sources reach.
struct Findings {
  std::vector<scenario::Diagnostic> errors;
  std::vector<bool> reached;
};

Findings analyse(const model::ScenarioSpec& spec) {
  using Severity = scenario::Diagnostic::Severity;
  const Graph graph = build_graph(spec);
  const std::size_t n = spec.components.size();
  Findings findings{{}, std::vector<bool>(n, false)};

  // Loops: one diagnostic per strongly connected component that holds a cycle, shown
  // as a shortest cycle through its first component in file order.
  std::vector<int> scc(n, 0);
  if (n > 0)
    boost::strong_components(graph, boost::make_iterator_property_map(
                                        scc.begin(), boost::get(boost::vertex_index, graph)));
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
    const model::Edge* edge = first.edge(model::info_of(first).ports[cycle.ports.front()].name);
    const bool edge_placed = edge != nullptr && edge->where.line > 0;
    findings.errors.push_back(make(Severity::error, edge_placed ? edge->where : first.where,
                                   "tasks can loop forever: " + describe(spec, cycle) +
                                       "; every path must end at an outcome (redirect an edge of "
                                       "the loop, or bound it with at_most)"));
  }

  // Sources that cannot deliver; what tasks reach includes where bounded edges send them back.
  const Graph taken = build_graph(spec, Returns::both);
  for (std::size_t source = 0; source < n; ++source) {
    if (role(spec.components[source]) != model::Role::entry) continue;
    const std::vector<bool> seen = reachable_from(taken, source);
    bool any_outcome = false, any_acted = false;
    for (std::size_t vertex = 0; vertex < n; ++vertex) {
      if (!seen[vertex]) continue;
      findings.reached[vertex] = true;
      if (role(spec.components[vertex]) == model::Role::terminal) {
        any_outcome = true;
        any_acted = any_acted || acted(spec.components[vertex]);
      }
    }
    const model::ComponentSpec& component = spec.components[source];
    if (!any_outcome) {
      findings.errors.push_back(make(Severity::error, component.where,
                                     "source '" + component.id +
                                         "' has no path to an outcome; every task must end at a "
                                         "component of kind \"outcome\""));
    } else if (!any_acted) {
      findings.errors.push_back(make(Severity::error, component.where,
                                     "source '" + component.id +
                                         "' has no path to an outcome whose outputs are acted on; "
                                         "expected a path to an outcome with acted = true"));
    }
  }
  return findings;
}

void add_unreachable(const model::ScenarioSpec& spec, const std::vector<bool>& reached,
                     std::vector<scenario::Diagnostic>& diagnostics) {
  for (std::size_t vertex = 0; vertex < spec.components.size(); ++vertex) {
    const model::ComponentSpec& component = spec.components[vertex];
    if (reached[vertex] || role(component) == model::Role::entry) continue;
    diagnostics.push_back(
        make(scenario::Diagnostic::Severity::warning, component.where,
             "component '" + component.id +
                 "' cannot be reached by any task; no edge on a path from a source leads to it"));
  }
}

// File order, as a compiler reports; code-built specs (no locations) keep their order.
void sort_by_location(std::vector<scenario::Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
  });
}

// A sweep dimension that switches an edge: "<id>.next.<port>" (or "<id>.next", the pass
// port) with component ids as values.
struct EdgeDimension {
  const scenario::SweepDimension* dimension;
  std::size_t component;
  std::string port;
};

std::vector<EdgeDimension> edge_dimensions(const model::ScenarioSpec& spec,
                                           const scenario::SweepSpec& sweep) {
  std::vector<EdgeDimension> found;
  if (sweep.design != scenario::SweepDesign::grid && sweep.design != scenario::SweepDesign::zip)
    return found;
  for (const scenario::SweepDimension& dimension : sweep.dimensions) {
    const std::size_t dot = dimension.path.find(".next");
    if (dot == std::string::npos || dimension.values.empty()) continue;
    const std::string id = dimension.path.substr(0, dot), rest = dimension.path.substr(dot + 5);
    const auto component = std::find_if(spec.components.begin(), spec.components.end(),
                                        [&](const model::ComponentSpec& c) { return c.id == id; });
    const bool all_ids =
        std::all_of(dimension.values.begin(), dimension.values.end(),
                    [](const auto& value) { return std::holds_alternative<std::string>(value); });
    if (component == spec.components.end() || !all_ids) continue;
    // "<id>.next" is the main port; "<id>.next.<port>" a port of the component's kind.
    const auto ports = model::info_of(*component).ports;
    if (ports.empty()) continue;
    std::string port(ports.front().name);
    if (!rest.empty()) {
      port = rest.substr(1);
      if (rest.front() != '.' || !model::port_of(*component, port)) continue;
    }
    found.push_back(
        {&dimension, static_cast<std::size_t>(component - spec.components.begin()), port});
  }
  return found;
}

}  // namespace

std::vector<scenario::Diagnostic> check(const model::ScenarioSpec& spec) {
  Findings findings = analyse(spec);
  add_unreachable(spec, findings.reached, findings.errors);
  sort_by_location(findings.errors);
  return std::move(findings.errors);
}

std::vector<scenario::Diagnostic> check(const model::ScenarioSpec& spec,
                                        const scenario::SweepSpec& sweep) {
  Findings base = analyse(spec);
  std::vector<scenario::Diagnostic> diagnostics = base.errors;
  std::vector<bool> reached = base.reached;
  const std::vector<EdgeDimension> dimensions = edge_dimensions(spec, sweep);
  if (!dimensions.empty()) {
    // Designs in the sweep's order: an odometer over the values for a grid, one index
    // for all dimensions in lockstep for a zip.
    std::vector<std::size_t> index(dimensions.size(), 0);
    std::size_t zip_length = dimensions.front().dimension->values.size();
    for (const EdgeDimension& d : dimensions)
      zip_length = std::min(zip_length, d.dimension->values.size());
    std::size_t designs = 0;
    for (bool more = true; more;) {
      if (++designs > max_edge_designs) {
        diagnostics.push_back(make(scenario::Diagnostic::Severity::warning,
                                   dimensions.front().dimension->where,
                                   "the sweep has more than " + std::to_string(max_edge_designs) +
                                       " designs of edges; only the first ones were checked"));
        break;
      }
      model::ScenarioSpec design = spec;
      std::string name;
      for (std::size_t i = 0; i < dimensions.size(); ++i) {
        const std::string& target =
            std::get<std::string>(dimensions[i].dimension->values[index[i]]);
        model::ComponentSpec& component = design.components[dimensions[i].component];
        const model::Edge* old = component.edge(dimensions[i].port);
        component.connect(dimensions[i].port, target, old ? old->where : model::SourceLocation{});
        name += (i > 0 ? ", " : "") + dimensions[i].dimension->path + " = " + target;
      }
      Findings found = analyse(design);
      for (std::size_t v = 0; v < reached.size(); ++v) reached[v] = reached[v] || found.reached[v];
      for (scenario::Diagnostic& error : found.errors) {
        const auto same = [&](const scenario::Diagnostic& d) {
          return d.message.ends_with(error.message);
        };
        if (std::any_of(diagnostics.begin(), diagnostics.end(), same)) continue;
        error.where = dimensions.front().dimension->where;
        error.message = "in the sweep design with " + name + ": " + error.message;
        diagnostics.push_back(std::move(error));
      }
      // Next design.
      if (sweep.design == scenario::SweepDesign::zip) {
        for (std::size_t& i : index) ++i;
        more = index.front() < zip_length;
      } else {
        more = false;
        for (std::size_t i = dimensions.size(); i-- > 0;) {
          if (++index[i] < dimensions[i].dimension->values.size()) {
            more = true;
            break;
          }
          index[i] = 0;
        }
      }
    }
  }
  add_unreachable(spec, reached, diagnostics);
  sort_by_location(diagnostics);
  return diagnostics;
}

}  // namespace stsim::structure
