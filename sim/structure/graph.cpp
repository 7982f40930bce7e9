#include "sim/structure/graph.h"

#include <algorithm>
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

Graph build_graph(const model::ScenarioSpec& spec) {
  Graph graph(spec.components.size());
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < spec.components.size(); ++i) index.emplace(spec.components[i].id, i);
  for (std::size_t i = 0; i < spec.components.size(); ++i) {
    const model::ComponentSpec& component = spec.components[i];
    const auto ports = model::info_of(component).ports;
    for (std::size_t p = 0; p < ports.size(); ++p) {
      const std::string_view next = component.target(ports[p].name);
      if (next.empty()) continue;
      const auto target = index.find(next);
      if (target == index.end()) continue;
      boost::add_edge(i, target->second, EdgeLabel{static_cast<PortIndex>(p)}, graph);
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

}  // namespace stsim::structure
