#include "sim/structure/graph.h"

#include <algorithm>
#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace stsim::structure {

namespace {

using model::HazardFlow;
using model::PortIndex;

// Depth-first walk over simple paths from one start vertex. `follow` says whether a
// port of a component is taken; `arrive` is called at each outcome reached.
template <typename Follow, typename Arrive>
class Walker {
 public:
  Walker(const model::ScenarioSpec& spec, const Graph& graph, std::size_t limit, Follow follow,
         Arrive arrive)
      : spec_(spec),
        graph_(graph),
        limit_(limit),
        follow_(follow),
        arrive_(arrive),
        on_path_(spec.components.size(), false) {}

  // Returns false when the limit was reached.
  bool walk(std::size_t start) {
    path_ = Path{{start}, {}};
    on_path_.assign(on_path_.size(), false);
    on_path_[start] = true;
    visit(start);
    return !stopped_;
  }

 private:
  void visit(std::size_t vertex) {
    const model::ComponentSpec& component = spec_.components[vertex];
    if (model::info_of(component).role == model::Role::terminal && path_.components.size() > 1) {
      if (arrivals_ == limit_) {
        stopped_ = true;
        return;
      }
      ++arrivals_;
      arrive_(path_);
      return;
    }
    bool went_on = false;
    for (auto [edge, end] = boost::out_edges(vertex, graph_); edge != end && !stopped_; ++edge) {
      const PortIndex port = graph_[*edge].port;
      const std::size_t next = boost::target(*edge, graph_);
      if (on_path_[next] || !follow_(component, port)) continue;
      went_on = true;
      on_path_[next] = true;
      path_.components.push_back(next);
      path_.ports.push_back(port);
      visit(next);
      path_.components.pop_back();
      path_.ports.pop_back();
      on_path_[next] = false;
    }
    // A walk that ends short of an outcome counts against the limit too, so that the
    // work is bounded even where few walks arrive (dead ends, loops).
    if (!went_on && !stopped_) {
      if (arrivals_ == limit_) {
        stopped_ = true;
        return;
      }
      ++arrivals_;
    }
  }

  const model::ScenarioSpec& spec_;
  const Graph& graph_;
  std::size_t limit_;
  Follow follow_;
  Arrive arrive_;
  std::vector<bool> on_path_;
  Path path_;
  std::size_t arrivals_ = 0;  // walks ended, at an outcome or not
  bool stopped_ = false;
};

// The ports a hazard can leave a component by (see the definition in graph.h).
bool hazard_follows(const model::ComponentSpec& component, PortIndex port) {
  return model::info_of(component).hazard_flow(component, port) != HazardFlow::never;
}

bool is_subset(const std::vector<std::size_t>& small, const std::vector<std::size_t>& large) {
  return std::includes(large.begin(), large.end(), small.begin(), small.end());
}

}  // namespace

Graph build_graph(const model::ScenarioSpec& spec, Returns returns) {
  Graph graph(spec.components.size());
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < spec.components.size(); ++i) index.emplace(spec.components[i].id, i);
  for (std::size_t i = 0; i < spec.components.size(); ++i) {
    const model::ComponentSpec& component = spec.components[i];
    const auto ports = model::info_of(component).ports;
    for (std::size_t p = 0; p < ports.size(); ++p) {
      const auto add = [&](std::string_view next) {
        const auto target = index.find(next);
        if (next.empty() || target == index.end()) return;
        boost::add_edge(i, target->second, EdgeLabel{static_cast<PortIndex>(p)}, graph);
      };
      const model::EdgeBound* bound = component.bound(ports[p].name);
      if (bound == nullptr || returns == Returns::both) add(component.target(ports[p].name));
      if (bound != nullptr) add(bound->fallback);
    }
  }
  return graph;
}

std::string describe(const model::ScenarioSpec& spec, const Path& path) {
  std::string text;
  for (std::size_t i = 0; i < path.components.size(); ++i) {
    if (i > 0) {
      const PortIndex port = path.ports[i - 1];
      const auto& from = spec.components[path.components[i - 1]];
      text +=
          port == 0 ? " -> " : " -[" + std::string(model::info_of(from).ports[port].name) + "]-> ";
    }
    text += spec.components[path.components[i]].id;
  }
  return text;
}

PathEnumeration enumerate_paths(const model::ScenarioSpec& spec, std::size_t limit) {
  const Graph graph = build_graph(spec);
  PathEnumeration result;
  auto follow = [](const model::ComponentSpec&, PortIndex) { return true; };
  auto arrive = [&](const Path& path) { result.paths.push_back(path); };
  Walker walker(spec, graph, limit, follow, arrive);
  for (std::size_t i = 0; i < spec.components.size() && result.complete; ++i) {
    if (model::info_of(spec.components[i]).role != model::Role::entry) continue;
    result.complete = walker.walk(i);
  }
  return result;
}

bool is_layer(const model::ComponentSpec& component) {
  return model::info_of(component).is_layer(component);
}

std::vector<CutSetAnalysis> minimal_cut_sets(const model::ScenarioSpec& spec,
                                             std::size_t path_limit) {
  const Graph graph = build_graph(spec);
  std::vector<CutSetAnalysis> analyses;
  for (std::size_t origin = 0; origin < spec.components.size(); ++origin) {
    if (!model::info_of(spec.components[origin]).originates_hazards) continue;
    std::vector<CutSet> failure_sets;  // one per hazard path reaching an acted outcome
    auto arrive = [&](const Path& path) {
      const auto& end = spec.components[path.components.back()];
      if (!model::info_of(end).acts(end)) return;
      CutSet cut{{}, path};
      for (std::size_t i = 0; i + 1 < path.components.size(); ++i) {
        const auto& component = spec.components[path.components[i]];
        if (is_layer(component) &&
            model::info_of(component).hazard_flow(component, path.ports[i]) == HazardFlow::carried)
          cut.layers.push_back(path.components[i]);
      }
      std::sort(cut.layers.begin(), cut.layers.end());
      failure_sets.push_back(std::move(cut));
    };
    Walker walker(spec, graph, path_limit, hazard_follows, arrive);
    CutSetAnalysis analysis;
    analysis.origin = origin;
    analysis.complete = walker.walk(origin);
    // Smallest first, so that every proper subset of a set is met before the set; the
    // stable sort keeps the first path found as the witness of equal sets.
    std::stable_sort(failure_sets.begin(), failure_sets.end(),
                     [](const CutSet& a, const CutSet& b) {
                       if (a.layers.size() != b.layers.size())
                         return a.layers.size() < b.layers.size();
                       return a.layers < b.layers;
                     });
    for (CutSet& candidate : failure_sets) {
      const bool dominated =
          std::any_of(analysis.minimal.begin(), analysis.minimal.end(),
                      [&](const CutSet& kept) { return is_subset(kept.layers, candidate.layers); });
      if (!dominated) analysis.minimal.push_back(std::move(candidate));
    }
    analyses.push_back(std::move(analysis));
  }
  return analyses;
}

StructureSummary summarise(const model::ScenarioSpec& spec) {
  const Graph graph = build_graph(spec);
  const std::size_t n = spec.components.size();
  std::vector<std::size_t> sinks_first;  // every edge's target before its source
  try {
    boost::topological_sort(graph, std::back_inserter(sinks_first));
  } catch (const boost::not_a_dag&) {
    throw std::invalid_argument("the control structure has a loop; expected an acyclic one");
  }
  const auto terminal = [&](std::size_t v) {
    return model::info_of(spec.components[v]).role == model::Role::terminal;
  };
  StructureSummary summary;

  // Paths from each component to an outcome, following every edge.
  constexpr std::uint64_t saturated = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::uint64_t> paths(n, 0);
  for (const std::size_t v : sinks_first) {
    if (terminal(v)) {
      paths[v] = 1;
      continue;
    }
    for (auto [edge, end] = boost::out_edges(v, graph); edge != end; ++edge) {
      const std::uint64_t more = paths[boost::target(*edge, graph)];
      paths[v] = more > saturated - paths[v] ? saturated : paths[v] + more;
    }
  }
  for (std::size_t v = 0; v < n; ++v) {
    const auto& component = spec.components[v];
    if (model::info_of(component).role != model::Role::entry) continue;
    summary.paths = paths[v] > saturated - summary.paths ? saturated : summary.paths + paths[v];
  }

  // The fewest layers a hazard leaves by a failure port on its way from each component
  // to an acted outcome, and the first edge (in port order) that achieves it.
  constexpr std::size_t unreachable = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> fewest(n, unreachable);
  std::vector<Graph::edge_descriptor> via(n);
  for (const std::size_t v : sinks_first) {
    const auto& component = spec.components[v];
    const auto& kind = model::info_of(component);
    if (kind.role == model::Role::terminal) {
      if (kind.acts(component)) fewest[v] = 0;
      continue;
    }
    for (auto [edge, end] = boost::out_edges(v, graph); edge != end; ++edge) {
      const PortIndex port = graph[*edge].port;
      const std::size_t after = fewest[boost::target(*edge, graph)];
      if (!hazard_follows(component, port) || after == unreachable) continue;
      const bool fails =
          is_layer(component) && kind.hazard_flow(component, port) == HazardFlow::carried;
      if (after + (fails ? 1 : 0) < fewest[v]) {
        fewest[v] = after + (fails ? 1 : 0);
        via[v] = *edge;
      }
    }
  }
  for (std::size_t origin = 0; origin < n; ++origin) {
    const auto& component = spec.components[origin];
    if (!model::info_of(component).originates_hazards) continue;
    ++summary.ai_components;
    if (fewest[origin] == unreachable ||
        (summary.smallest && summary.smallest->layers.size() <= fewest[origin]))
      continue;
    CutSet cut{{}, Path{{origin}, {}}};
    for (std::size_t v = origin; !terminal(v);) {
      const auto edge = via[v];
      const PortIndex port = graph[edge].port;
      const auto& at = spec.components[v];
      if (is_layer(at) && model::info_of(at).hazard_flow(at, port) == HazardFlow::carried)
        cut.layers.push_back(v);
      v = boost::target(edge, graph);
      cut.witness.components.push_back(v);
      cut.witness.ports.push_back(port);
    }
    std::sort(cut.layers.begin(), cut.layers.end());
    summary.smallest = std::move(cut);
  }
  return summary;
}

}  // namespace stsim::structure
