#include "sim/model/validation.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace stsim::model {

namespace {

const ComponentSpec* find(const ScenarioSpec& spec, std::string_view id) {
  for (const auto& c : spec.components)
    if (c.id == id) return &c;
  return nullptr;
}

std::string location(const ComponentSpec& c) {
  if (c.where.file.empty()) return {};
  return c.where.file + ":" + std::to_string(c.where.line) + ":" + std::to_string(c.where.column) +
         ": ";
}

[[noreturn]] void refuse(const ComponentSpec& c, const std::string& problem) {
  throw std::invalid_argument(location(c) + problem);
}

[[noreturn]] void refuse(const ScenarioSpec& spec, const std::string& problem) {
  throw std::invalid_argument("scenario '" + spec.name + "': " + problem);
}

void first_fault(const std::vector<std::string>& faults, const ComponentSpec* where) {
  if (faults.empty()) return;
  throw std::invalid_argument((where ? location(*where) : std::string()) + faults.front());
}

// The component a walk along edges meets twice, or none.
const ComponentSpec* on_a_loop(const ScenarioSpec& spec) {
  const std::size_t n = spec.components.size();
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < n; ++i) index.emplace(spec.components[i].id, i);
  std::vector<std::uint8_t> mark(n, 0);                    // 0 new, 1 on the stack, 2 done
  std::vector<std::pair<std::size_t, std::size_t>> stack;  // component, next edge
  for (std::size_t root = 0; root < n; ++root) {
    if (mark[root] != 0) continue;
    stack.push_back({root, 0});
    mark[root] = 1;
    while (!stack.empty()) {
      auto& [v, e] = stack.back();
      const ComponentSpec& c = spec.components[v];
      const auto& edges = c.next;
      if (e == edges.size()) {
        mark[v] = 2;
        stack.pop_back();
        continue;
      }
      // A bounded edge ends in its fallback: only that can loop for ever.
      const Edge& edge = edges[e++];
      const EdgeBound* bound = c.bound(edge.port);
      if (bound != nullptr && bound->fallback.empty()) continue;
      const std::size_t w = index.at(bound != nullptr ? bound->fallback : edge.target);
      if (mark[w] == 1) return &spec.components[w];
      if (mark[w] == 0) {
        mark[w] = 1;
        stack.push_back({w, 0});
      }
    }
  }
  return nullptr;
}

// "'path' refers to 'id'".
std::string refers(std::string_view path, std::string_view id) {
  std::string out = "'";
  out.append(path).append("' refers to '").append(id).append("'");
  return out;
}

}  // namespace

std::string with_article(std::string_view noun) {
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun.front()) != noun.npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

std::optional<std::string> edge_fault(const ScenarioSpec& spec, std::string_view path,
                                      std::string_view id) {
  const ComponentSpec* target = find(spec, id);
  const std::string start = refers(path, id);
  if (target == nullptr) return start + ", which is not a component";
  if (info_of(*target).role == Role::entry) {
    const std::string kind = with_article(kind_name(*target));
    return start + ", which is " + kind + "; tasks cannot be sent to " + kind;
  }
  return std::nullopt;
}

std::optional<std::string> reference_fault(const ScenarioSpec& spec, const ComponentSpec& self,
                                           std::string_view path, std::string_view id) {
  const ComponentSpec* target = find(spec, id);
  const std::string start = refers(path, id);
  if (target == nullptr) return start + ", which is not a component";
  if (target->id == self.id) return start + " itself; expected another component";
  if (!info_of(*target).can_fail) {
    std::vector<std::string_view> able;
    for (std::size_t k = 0; k < kind_count; ++k)
      if (kind_info(k).can_fail) able.push_back(kind_info(k).name);
    std::string expected;
    for (std::size_t i = 0; i < able.size(); ++i) {
      if (i > 0) expected += i + 1 == able.size() ? " or " : ", ";
      expected += able[i];
    }
    return start + ", which is " + with_article(kind_name(*target)) +
           " and cannot fail; expected " + with_article(expected) + " component";
  }
  return std::nullopt;
}

void bound_faults(const ScenarioSpec& spec, const ComponentSpec& c,
                  std::vector<std::string>& faults) {
  for (const auto& [port, bound] : c.bounds) {
    const std::string path = c.id + ".next." + port;
    if (bound.at_most == EdgeBound::unbounded) {
      if (!bound.fallback.empty())
        faults.push_back("'" + path + ".fallback' is where a task goes once a bound is " +
                         "reached, and the edge has none; expected " + path +
                         ".at_most = <times> beside it");
      continue;
    }
    if (!port_of(c, port) || c.target(port).empty())
      faults.push_back("'" + path + ".at_most' bounds no edge; expected " + path +
                       ".to = \"<component id>\" beside it");
    else if (bound.at_most > EdgeBound::max_returns)
      faults.push_back(must_be(path + ".at_most",
                               "an integer <= " + std::to_string(EdgeBound::max_returns),
                               std::to_string(bound.at_most)));
    else if (!bound.fallback.empty())
      if (auto fault = edge_fault(spec, path + ".fallback", bound.fallback))
        faults.push_back(*fault);
  }
}

void validate(const ScenarioSpec& spec) {
  // Read-only: the key tables hand out fields of a mutable spec.
  auto& fields = const_cast<ScenarioSpec&>(spec);
  if (spec.contexts.empty()) refuse(spec, "at least one context is needed");
  if (spec.components.empty()) refuse(spec, "no components");

  std::vector<std::string> faults;
  for (const auto& key : scenario_keys())
    value_faults("scenario." + std::string(key.name), key.rule, key.field(fields), faults);
  first_fault(faults, nullptr);

  std::unordered_set<std::string_view> contexts;
  for (auto& context : fields.contexts) {
    if (!contexts.insert(context.name).second)
      throw std::invalid_argument("context '" + context.name + "': context name used twice");
    for (const auto& key : context_keys())
      value_faults("contexts." + context.name + "." + std::string(key.name), key.rule,
                   key.field(context), faults);
    first_fault(faults, nullptr);
  }

  std::unordered_set<std::string_view> ids;
  for (std::size_t i = 0; i < spec.components.size(); ++i) {
    const ComponentSpec& c = spec.components[i];
    if (c.id.empty())
      throw std::invalid_argument("component number " + std::to_string(i + 1) + " has an empty id");
    if (!ids.insert(c.id).second) refuse(c, "component '" + c.id + "': id used twice");
  }

  bool any_entry = false;
  for (auto& c : fields.components) {
    const KindInfo& kind = info_of(c);
    any_entry = any_entry || kind.role == Role::entry;
    for (const auto& key : kind.keys) {
      const std::string path = c.id + "." + std::string(key.name);
      const FieldRef field = key.field(c);
      value_faults(path, key.rule, field, faults);
      if (const auto* id = std::get_if<std::string*>(&field);
          id && key.rule.type == ValueType::component_ref && !(*id)->empty()) {
        if (auto fault = reference_fault(spec, c, path, **id)) faults.push_back(*fault);
      }
      if (const auto* by_context = std::get_if<ByContext*>(&field); by_context && key.by_context) {
        for (const auto& [name, value] : **by_context)
          if (!contexts.contains(name))
            faults.push_back("'" + path + "." + name + "' refers to context '" + name +
                             "', which does not exist");
      }
    }
    for (const Edge& e : c.next) {
      if (!port_of(c, e.port)) {
        faults.push_back("component '" + c.id + "' (kind " + std::string(kind.name) +
                         ") has no port '" + e.port + "'");
      } else if (auto fault = edge_fault(spec, c.id + ".next." + e.port, e.target)) {
        faults.push_back(*fault);
      }
    }
    bound_faults(spec, c, faults);
    if (kind.role != Role::terminal && c.target(kind.ports.front().name).empty())
      faults.push_back("component '" + c.id + "': no edge from port '" +
                       std::string(kind.ports.front().name) + "'");
    kind.validate(c, spec, faults);
    first_fault(faults, &c);
  }
  // Every cycle passes through a bounded edge, so every task ends; a return is a new pass
  // of the task (Replication::go_back), so each pass meets a component at most once.
  if (const ComponentSpec* looped = on_a_loop(spec))
    refuse(*looped, "component '" + looped->id +
                        "': is part of a loop; the control structure must be acyclic "
                        "but for edges with a bound (next.<port>.at_most)");
  if (!any_entry) refuse(spec, "no source component");
}

}  // namespace stsim::model
