#include "sim/model/schedule.h"

#include <array>
#include <cmath>
#include <string_view>

#include "sim/model/keys.h"

namespace stsim::model {

namespace {

// The context keys a schedule may change: those read where a task is born or ends. (A
// context's observability also shapes every AI's refusal, and `hazardous` is no number.)
constexpr std::array<std::string_view, 6> retuned_context_keys = {
    "weight", "severity", "malicious_share", "omission_severity", "deadline", "late_severity"};

std::string quoted(const ScheduledChange& change) { return "schedule: '" + change.path + "'"; }

// Stores `value` in a numeric field, or says why not.
std::optional<std::string> store(const ScheduledChange& change, const Rule& rule,
                                 const FieldRef& field) {
  if (auto* x = std::get_if<double*>(&field)) {
    **x = change.value;
  } else if (auto* n = std::get_if<std::uint32_t*>(&field)) {
    if (change.value < 0.0 || change.value != std::floor(change.value) ||
        change.value > 4294967295.0)
      return quoted(change) + " must be a whole number; got " + format_number(change.value);
    **n = static_cast<std::uint32_t>(change.value);
  } else {
    return quoted(change) + " is not a numeric parameter";
  }
  std::vector<std::string> faults;
  value_faults(change.path, rule, field, faults);
  if (!faults.empty()) return "schedule: " + faults.front();
  return std::nullopt;
}

}  // namespace

std::variant<ChangeTarget, std::string> apply_change(ScenarioSpec& spec,
                                                     const ScheduledChange& change) {
  const std::string_view path = change.path;
  const auto dot = path.find('.');
  if (dot == std::string_view::npos)
    return quoted(change) +
           " names no parameter; expected <component>.<key> or "
           "contexts.<context>.<key>";
  const std::string_view head = path.substr(0, dot), rest = path.substr(dot + 1);
  if (head == "contexts") {
    const auto second = rest.find('.');
    const std::string_view name = rest.substr(0, second);
    const std::string_view key = second == std::string_view::npos ? "" : rest.substr(second + 1);
    for (auto& context : spec.contexts) {
      if (context.name != name) continue;
      for (const auto& k : context_keys()) {
        if (k.name != key) continue;
        bool retuned = false;
        for (auto allowed : retuned_context_keys) retuned = retuned || allowed == key;
        if (!retuned)
          return quoted(change) +
                 " cannot change during a replication; a schedule may change "
                 "a context's weight, severity, malicious_share, "
                 "omission_severity, deadline or late_severity";
        if (auto fault = store(change, k.rule, k.field(context))) return *fault;
        return ChangeTarget{};
      }
      return quoted(change) + " names no key of context '" + std::string(name) + "'";
    }
    return quoted(change) + " names no context '" + std::string(name) + "'";
  }
  for (std::uint32_t i = 0; i < spec.components.size(); ++i) {
    ComponentSpec& c = spec.components[i];
    if (c.id != head) continue;
    const KindInfo& kind = info_of(c);
    for (const auto& k : kind.keys) {
      std::string_view key = rest;
      std::string context;
      if (k.by_context) {
        if (!rest.starts_with(k.name) || rest.size() <= k.name.size() + 1 ||
            rest[k.name.size()] != '.')
          continue;
        context = std::string(rest.substr(k.name.size() + 1));
        key = k.name;
      } else if (k.name != rest) {
        continue;
      }
      const bool coverage = k.name == "coverage" || k.name == "coverage_by_context";
      if (!coverage && !kind.retunes(k.name))
        return quoted(change) + ": a " + std::string(kind.name) + "'s " + std::string(key) +
               " cannot change during a replication (docs/model.md, Change over time)";
      const FieldRef field = k.field(c);
      if (k.by_context) {
        ByContext& values = *std::get<ByContext*>(field);
        bool known = false;
        for (const auto& x : spec.contexts) known = known || x.name == context;
        if (!known) return quoted(change) + " names no context '" + context + "'";
        values[context] = change.value;
        std::vector<std::string> faults;
        value_faults(change.path, k.rule, field, faults);
        if (!faults.empty()) return "schedule: " + faults.front();
      } else if (auto fault = store(change, k.rule, field)) {
        return *fault;
      }
      return ChangeTarget{i, !coverage};
    }
    return quoted(change) + " names no key of component '" + c.id + "' (" + std::string(kind.name) +
           ")";
  }
  return quoted(change) + " names no component '" + std::string(head) + "'";
}

}  // namespace stsim::model
