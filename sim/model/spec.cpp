#include "sim/model/spec.h"

#include <algorithm>
#include <utility>

namespace stsim::model {

bool has_coverage(const ComponentSpec& c) {
  const auto& keys = info_of(c).keys;
  return std::any_of(keys.begin(), keys.end(), [](const auto& k) { return k.name == "coverage"; });
}

bool covers_every_task(const ComponentSpec& c) {
  return !has_coverage(c) ||
         (c.coverage >= 1.0 &&
          std::all_of(c.coverage_by_context.begin(), c.coverage_by_context.end(),
                      [](const auto& entry) { return entry.second >= 1.0; }));
}

double ComponentSpec::coverage_of(std::string_view context) const {
  if (!has_coverage(*this)) return 1.0;
  return in_context(coverage_by_context, context, coverage);
}

const EdgeBound* ComponentSpec::bound(std::string_view port) const {
  const auto found = bounds.find(std::string(port));
  if (found == bounds.end() || found->second.at_most == EdgeBound::unbounded) return nullptr;
  return &found->second;
}

const Edge* ComponentSpec::edge(std::string_view port) const {
  const auto found =
      std::find_if(next.begin(), next.end(), [&](const Edge& e) { return e.port == port; });
  return found == next.end() ? nullptr : &*found;
}

std::string_view ComponentSpec::target(std::string_view port) const {
  const Edge* e = edge(port);
  return e == nullptr ? std::string_view() : std::string_view(e->target);
}

void ComponentSpec::connect(std::string_view port, std::string target, SourceLocation at) {
  const auto found =
      std::find_if(next.begin(), next.end(), [&](const Edge& e) { return e.port == port; });
  if (target.empty()) {
    if (found != next.end()) next.erase(found);
    return;
  }
  if (found != next.end()) {
    found->target = std::move(target);
    found->where = std::move(at);
    return;
  }
  next.push_back({std::string(port), std::move(target), std::move(at)});
}

std::optional<PortIndex> port_of(const ComponentSpec& component, std::string_view port) {
  const auto ports = info_of(component).ports;
  for (std::size_t p = 0; p < ports.size(); ++p)
    if (ports[p].name == port) return static_cast<PortIndex>(p);
  return std::nullopt;
}

}  // namespace stsim::model
