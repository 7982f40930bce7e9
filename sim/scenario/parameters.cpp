#include "sim/scenario/parameters.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/model/validation.h"
#include "sim/scenario/registry.h"
#include "sim/scenario/suggest.h"
#include "sim/scenario/units.h"

namespace stsim::scenario {
namespace detail {
namespace {

using model::ComponentSpec;
using model::ContextSpec;
using model::ScenarioSpec;

constexpr double inf = std::numeric_limits<double>::infinity();

using model::ComponentKey;
using model::constraint;
using model::format_number;
using model::kind_info;
using model::KindInfo;

std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (std::size_t k = 0; k < model::kind_count; ++k) names.emplace_back(kind_info(k).name);
  return names;
}

std::vector<std::string> ports_of_kind(const KindInfo& kind) {
  std::vector<std::string> names;
  for (const auto& port : kind.ports) names.emplace_back(port.name);
  return names;
}

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts, std::size_t first, std::size_t last) {
  std::string out;
  for (std::size_t i = first; i < last; ++i) {
    if (i > first) out += '.';
    out += parts[i];
  }
  return out;
}

std::string unknown_key_message(std::string_view noun, std::string_view name,
                                std::string_view where,
                                const std::vector<std::string>& candidates) {
  const std::string suggestion = closest(name, candidates);
  if (!suggestion.empty())
    return fmt::format("unknown {} '{}' in {}; did you mean '{}'?", noun, name, where, suggestion);
  return fmt::format("unknown {} '{}' in {}; expected {}", noun, name, where,
                     one_of(candidates, ""));
}

std::string not_a_table(std::string_view leaf, std::string_view rest) {
  return fmt::format("'{}' is a single value, not a table; remove '.{}'", leaf, rest);
}

template <class Keys>
auto find_key(const Keys& keys, std::string_view name) -> decltype(&*std::begin(keys)) {
  for (const auto& key : keys)
    if (key.name == name) return &key;
  return nullptr;
}

// The distinct first segments of dotted key names, in table order.
template <class Keys>
std::vector<std::string> first_segments(const Keys& keys) {
  std::vector<std::string> names;
  for (const auto& key : keys) {
    std::string first(key.name.substr(0, key.name.find('.')));
    if (std::find(names.begin(), names.end(), first) == names.end()) names.push_back(first);
  }
  return names;
}

std::string group_expectation(const KindInfo& kind, std::string_view group) {
  for (const auto& g : kind.groups)
    if (g.name == group) return std::string(g.example);
  return fmt::format("a table of '{}' settings", group);
}

// A key of values by context, given as a table: { routine = 0.95 }.
std::string by_context_expectation(const Rule& rule) {
  return rule.type == ValueType::probability
             ? "a table of probabilities by context, such as { routine = 0.95 }"
             : "a table of values by context, such as { routine = 1 }";
}

std::variant<Resolved, std::string> resolve_component(ComponentSpec& component,
                                                      const ScenarioSpec& spec,
                                                      const SpecIndex& index,
                                                      const std::vector<std::string>& parts) {
  Resolved out;
  out.component = &component;
  const std::string& id = component.id;
  const KindInfo& kind = model::info_of(component);
  const std::string where = fmt::format("component '{}' (kind {})", id, kind.name);
  if (parts.size() == 1) {
    out.is_table = true;
    out.table_expectation = "a table of component settings with a kind";
    return out;
  }
  const std::string& key = parts[1];
  const auto keys = kind.keys;
  if (key == "kind") {
    if (parts.size() > 2) return not_a_table(id + ".kind", join(parts, 2, parts.size()));
    out.rule = model::of_type(ValueType::kind);
    out.special = Special::kind;
    return out;
  }
  if (key == "label") {
    if (parts.size() > 2) return not_a_table(id + ".label", join(parts, 2, parts.size()));
    out.rule = model::text(1);
    out.field = &component.label;
    return out;
  }
  if (key == "next") {
    const auto ports = ports_of_kind(kind);
    if (ports.empty())
      return fmt::format(
          "component '{}' (kind {}) has no ports; {} ends every task, so remove 'next'", id,
          kind.name, model::with_article(kind.name));
    if (parts.size() == 2) {
      out.is_table = true;
      out.string_is = ports.front();
      out.table_expectation = fmt::format(
          "a component id or a table of ports such as {{ {} = \"review\" }}", ports.front());
      return out;
    }
    const std::string& port_name = parts[2];
    if (std::find(ports.begin(), ports.end(), port_name) != ports.end()) {
      // A bounded edge: { to = "model", at_most = 2, fallback = "stopped" }.
      if (parts.size() == 4 && parts[3] == "at_most") {
        out.rule = model::integer(0, model::EdgeBound::max_returns);
        out.field = &component.bounds[port_name].at_most;
        return out;
      }
      if (parts.size() == 4 && parts[3] == "fallback") {
        out.rule = model::of_type(ValueType::component_ref);
        out.field = &component.bounds[port_name].fallback;
        out.special = Special::edge_fallback;
        return out;
      }
      if (parts.size() == 4 && parts[3] != "to")
        return unknown_key_message("key", parts[3], fmt::format("'{}'", join(parts, 0, 3)),
                                   std::vector<std::string>{"to", "at_most", "fallback"});
      if (parts.size() > 4) return not_a_table(join(parts, 0, 4), join(parts, 4, parts.size()));
      out.rule = model::of_type(ValueType::component_ref);
      out.special = Special::next_port;
      out.port = port_name;
      return out;
    }
    // A port of another kind, or no port at all.
    for (std::size_t k = 0; k < model::kind_count; ++k)
      for (const auto& port : kind_info(k).ports)
        if (port.name == port_name)
          return fmt::format("component '{}' (kind {}) has no port '{}'; expected {}", id,
                             kind.name, port_name, join_quoted(ports, "", "or"));
    return unknown_key_message("port", port_name, fmt::format("'{}.next'", id), ports);
  }
  // Plain keys, keys by context, and groups of dotted keys (drift.*, coupling.*).
  if (const auto* found = find_key(keys, key)) {
    if (found->by_reviewer) {
      if (parts.size() == 2) {
        out.is_table = true;
        out.table_expectation = "a table of values by reviewer index, such as { 0 = 0.5 }";
        return out;
      }
      const std::string& reviewer = parts[2];
      if (reviewer.empty() || reviewer.size() > 9 ||
          !std::all_of(reviewer.begin(), reviewer.end(),
                       [](char ch) { return ch >= '0' && ch <= '9'; }))
        return fmt::format("'{}' names reviewer '{}'; expected a reviewer index 0, 1, ...",
                           join(parts, 0, 3), reviewer);
      if (parts.size() > 3) return not_a_table(join(parts, 0, 3), join(parts, 3, parts.size()));
      out.rule = found->rule;
      out.field = found->field(component);
      out.special = Special::by_context;
      // "007" and "7" are one reviewer.
      out.context = std::to_string(std::stoul(reviewer));
      return out;
    }
    if (found->by_context) {
      if (parts.size() == 2) {
        out.is_table = true;
        out.table_expectation = by_context_expectation(found->rule);
        return out;
      }
      if (!index.contexts.contains(parts[2])) {
        std::vector<std::string> names;
        for (const auto& context : spec.contexts) names.push_back(context.name);
        const std::string suggestion = closest(parts[2], names);
        return fmt::format("'{}' refers to context '{}', which does not exist; {}",
                           join(parts, 0, 3), parts[2],
                           suggestion.empty() ? "expected " + one_of(names, "'")
                                              : "did you mean '" + suggestion + "'?");
      }
      if (parts.size() > 3) return not_a_table(join(parts, 0, 3), join(parts, 3, parts.size()));
      out.rule = found->rule;
      out.field = found->field(component);
      out.special = Special::by_context;
      out.context = parts[2];
      return out;
    }
    if (parts.size() > 2) return not_a_table(join(parts, 0, 2), join(parts, 2, parts.size()));
    out.rule = found->rule;
    out.field = found->field(component);
    return out;
  }
  const std::string prefix = key + ".";
  std::vector<std::string> members;
  for (const auto& k : keys)
    if (k.name.substr(0, prefix.size()) == prefix)
      members.emplace_back(k.name.substr(prefix.size()));
  if (members.empty()) {
    auto candidates = first_segments(keys);
    candidates.insert(candidates.begin(), "kind");
    if (!kind.ports.empty()) candidates.insert(candidates.begin() + 1, "next");
    return unknown_key_message("key", key, where, candidates);
  }
  if (parts.size() == 2) {
    out.is_table = true;
    out.table_expectation = group_expectation(kind, key);
    return out;
  }
  const auto* member = find_key(keys, prefix + parts[2]);
  // A file's old coupling.beta still loads (with a warning); a path names one meaning.
  if (!member && key == "coupling" && parts[2] == "beta" &&
      find_key(keys, "coupling.demand_beta") != nullptr)
    return fmt::format(
        "'{}.coupling.beta' was split in two; expected '{}.coupling.demand_beta' (a miss shared "
        "per demand) or '{}.coupling.latent_beta' (the common share of latent failures)",
        id, id, id);
  if (!member)
    return unknown_key_message("key", parts[2], fmt::format("'{}.{}'", id, key), members);
  if (parts.size() > 3) return not_a_table(join(parts, 0, 3), join(parts, 3, parts.size()));
  out.rule = member->rule;
  out.field = member->field(component);
  return out;
}

// Long or binary text would drown a message: a bounded, printable prefix.
std::string printable(std::string_view text) {
  std::string shown;
  for (char c : text) {
    if (shown.size() >= 40) {
      shown += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    shown += u < 0x20 || u == 0x7f ? '?' : c;
  }
  return shown;
}

// The value as the user wrote it, for "got ..." in a range error.
std::string as_written(const Input& input) {
  switch (input.type) {
    case Input::Type::integer:
      return fmt::format("{}", input.integer);
    case Input::Type::floating:
      return format_number(input.floating);
    case Input::Type::string:
      return fmt::format("\"{}\"", printable(input.string));
    default:
      return describe(input);
  }
}

}  // namespace

std::string type_name(const Rule& rule) {
  switch (rule.type) {
    case ValueType::probability:
      return "probability";
    case ValueType::number:
      return std::isinf(rule.min) ? "number" : constraint(rule, "number");
    case ValueType::threshold:
      return "number, \"inf\" or \"-inf\"";
    case ValueType::duration:
      return constraint(rule, "duration");
    case ValueType::rate:
      return constraint(rule, "rate");
    case ValueType::integer:
      return fmt::format("integer >= {}", rule.int_min);
    case ValueType::boolean:
      return "boolean";
    case ValueType::text:
      return "string";
    case ValueType::choice:
      return join_quoted(std::vector<std::string>(rule.choices.begin(), rule.choices.end()), "\"",
                         "or");
    case ValueType::kind:
      return "component kind";
    case ValueType::component_ref:
      return "component id";
    case ValueType::number_list:
      return "array of numbers >= 0";
  }
  return "?";
}

std::string expectation(const Rule& rule) {
  switch (rule.type) {
    case ValueType::probability:
      return "a probability in [0, 1]";
    case ValueType::number:
      return "a " + type_name(rule);
    case ValueType::threshold:
      return "a number, \"inf\" or \"-inf\"";
    case ValueType::duration:
      return rule.allow_infinity
                 ? "a duration such as \"90d\", \"4h\", \"30s\", a number of hours or \"inf\""
                 : "a duration such as \"90d\", \"4h\", \"30s\" or a number of hours";
    case ValueType::rate:
      return "a rate such as \"12/h\", \"2/y\" or a number per hour";
    case ValueType::integer:
      return "an " + type_name(rule);
    case ValueType::boolean:
      return "true or false";
    case ValueType::text:
      return "a string";
    case ValueType::choice:
      return type_name(rule);
    case ValueType::kind:
      return "one of " + join_quoted(kind_names(), "\"", "or");
    case ValueType::component_ref:
      return "a component id";
    case ValueType::number_list:
      return "an array of numbers >= 0";
  }
  return "?";
}

std::string one_of(const std::vector<std::string>& words, std::string_view quote) {
  if (words.size() == 1) return fmt::format("{}{}{}", quote, words.front(), quote);
  return "one of " + join_quoted(words, quote, "or");
}

std::string join_quoted(const std::vector<std::string>& words, std::string_view quote,
                        std::string_view last_separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? fmt::format(" {} ", last_separator) : ", ";
    out += fmt::format("{}{}{}", quote, words[i], quote);
  }
  return out;
}

std::string unknown_key(std::string_view noun, std::string_view name, std::string_view where,
                        const std::vector<std::string>& candidates) {
  return unknown_key_message(noun, name, where, candidates);
}

bool valid_id(std::string_view id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::vector<std::string> scenario_key_names() { return first_segments(model::scenario_keys()); }

const std::vector<std::string>& sweep_keys() {
  static const std::vector<std::string> keys = {"design",     "points",    "seed",
                                                "levels",     "baseline",  "common_random_numbers",
                                                "dimensions", "precision", "worst_case"};
  return keys;
}
const std::vector<std::string>& dimension_keys() {
  static const std::vector<std::string> keys = {
      "path",      "label",  "values", "labels", "low",    "high", "log",         "distribution",
      "successes", "trials", "alpha",  "beta",   "median", "mode", "error_factor"};
  return keys;
}
const std::vector<std::string>& worst_case_keys() {
  static const std::vector<std::string> keys = {"parameter", "metric", "low",       "high",
                                                "log",       "grid",   "tolerance", "replications"};
  return keys;
}
const std::vector<std::string>& precision_keys() {
  static const std::vector<std::string> keys = {"metric", "relative_error", "min_replications",
                                                "max_replications", "block_size"};
  return keys;
}

model::SourceLocation location_of(const toml::source_region& region, const std::string& file) {
  return {file, region.begin.line, region.begin.column};
}

SpecIndex::SpecIndex(const ScenarioSpec& spec) {
  for (std::size_t i = 0; i < spec.contexts.size(); ++i) add_context(spec.contexts[i].name, i);
  for (std::size_t i = 0; i < spec.components.size(); ++i) add_component(spec.components[i].id, i);
}

std::variant<Resolved, std::string> resolve(ScenarioSpec& spec, std::string_view path) {
  return resolve(spec, SpecIndex(spec), path);
}

std::variant<Resolved, std::string> resolve(ScenarioSpec& spec, const SpecIndex& index,
                                            std::string_view path) {
  const auto parts = split(path);
  if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
    return fmt::format(
        "'{}' is not a parameter path; expected names joined by single dots, such as "
        "'model.reliability'",
        path);
  Resolved out;
  const std::string& head = parts[0];
  if (head == "scenario") {
    if (parts.size() == 1) {
      out.is_table = true;
      out.table_expectation = "a table of run settings";
      return out;
    }
    const auto* key = find_key(model::scenario_keys(), parts[1]);
    if (!key) return unknown_key_message("key", parts[1], "[scenario]", scenario_key_names());
    if (parts.size() > 2) return not_a_table(join(parts, 0, 2), join(parts, 2, parts.size()));
    out.rule = key->rule;
    out.field = key->field(spec);
    return out;
  }
  if (head == "contexts") {
    if (parts.size() == 1) {
      out.is_table = true;
      out.table_expectation = "a table of contexts such as [contexts.routine]";
      return out;
    }
    const auto context = index.contexts.find(parts[1]);
    if (context == index.contexts.end()) {
      std::vector<std::string> names;
      for (const auto& c : spec.contexts) names.push_back(c.name);
      const std::string suggestion = closest(parts[1], names);
      return fmt::format("unknown parameter '{}': '{}' is not a context; {}", path, parts[1],
                         suggestion.empty() ? "expected " + one_of(names, "'")
                                            : "did you mean '" + suggestion + "'?");
    }
    if (parts.size() == 2) {
      out.is_table = true;
      out.table_expectation = "a table of context settings";
      return out;
    }
    const auto* key = find_key(model::context_keys(), parts[2]);
    if (!key)
      return unknown_key_message("key", parts[2], fmt::format("context '{}'", parts[1]),
                                 first_segments(model::context_keys()));
    if (parts.size() > 3) return not_a_table(join(parts, 0, 3), join(parts, 3, parts.size()));
    out.rule = key->rule;
    out.field = key->field(spec.contexts[context->second]);
    return out;
  }
  if (head == "sweep")
    return fmt::format(
        "'{}' cannot be set by an assignment; expected a parameter of [scenario], a context or a "
        "component",
        path);
  const auto component = index.components.find(head);
  if (component == index.components.end()) {
    std::vector<std::string> names;
    for (const auto& c : spec.components) names.push_back(c.id);
    const std::string suggestion = closest(head, names);
    return fmt::format("unknown parameter '{}': '{}' is not a component; {}", path, head,
                       suggestion.empty() ? "expected 'scenario', 'contexts' or a component id (" +
                                                join_quoted(names, "'", "or") + ")"
                                          : "did you mean '" + suggestion + "'?");
  }
  return resolve_component(spec.components[component->second], spec, index, parts);
}

Input input_of(const toml::node& node) {
  Input in;
  switch (node.type()) {
    case toml::node_type::boolean:
      in.type = Input::Type::boolean;
      in.boolean = node.as_boolean()->get();
      break;
    case toml::node_type::integer:
      in.type = Input::Type::integer;
      in.integer = node.as_integer()->get();
      break;
    case toml::node_type::floating_point:
      in.type = Input::Type::floating;
      in.floating = node.as_floating_point()->get();
      break;
    case toml::node_type::string:
      in.type = Input::Type::string;
      in.string = node.as_string()->get();
      break;
    case toml::node_type::array:
      in.type = Input::Type::array;
      in.array = node.as_array();
      break;
    case toml::node_type::table:
      in.type = Input::Type::table;
      break;
    case toml::node_type::date:
      in.type = Input::Type::date;
      break;
    case toml::node_type::time:
      in.type = Input::Type::time;
      break;
    case toml::node_type::date_time:
      in.type = Input::Type::date_time;
      break;
    case toml::node_type::none:
      in.type = Input::Type::table;
      break;
  }
  return in;
}

Input input_of(const ParameterValue& value) {
  Input in;
  if (const auto* b = std::get_if<bool>(&value)) {
    in.type = Input::Type::boolean;
    in.boolean = *b;
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    in.type = Input::Type::integer;
    in.integer = *i;
  } else if (const auto* d = std::get_if<double>(&value)) {
    in.type = Input::Type::floating;
    in.floating = *d;
  } else {
    in.type = Input::Type::string;
    in.string = std::get<std::string>(value);
  }
  return in;
}

std::string describe(const Input& input) {
  switch (input.type) {
    case Input::Type::boolean:
      return "a boolean";
    case Input::Type::integer:
      return "an integer";
    case Input::Type::floating:
      return "a float";
    case Input::Type::string:
      return fmt::format("the string \"{}\"", printable(input.string));
    case Input::Type::array:
      return "an array";
    case Input::Type::table:
      return "a table";
    case Input::Type::date:
      return "a date";
    case Input::Type::time:
      return "a time";
    case Input::Type::date_time:
      return "a date-time";
  }
  return "?";
}

namespace {

struct Applier {
  ScenarioSpec& spec;
  const Resolved& target;
  std::string_view path;
  const Input& value;
  const model::SourceLocation& where;
  std::vector<Diagnostic>& diagnostics;

  bool fail(std::string message, const model::SourceLocation* at = nullptr) const {
    diagnostics.push_back({Diagnostic::Severity::error, at ? *at : where, std::move(message)});
    return false;
  }
  bool type_error() const {
    return fail(
        fmt::format("'{}' expects {}; got {}", path, expectation(target.rule), describe(value)));
  }
  bool range_error(const std::string& what) const {
    return fail(fmt::format("'{}' must be {}; got {}", path, what, as_written(value)));
  }

  bool store_double(double x) const {
    if (target.special == Special::by_context) {
      (*std::get<model::ByContext*>(target.field))[target.context] = x;
    } else {
      *std::get<double*>(target.field) = x;
    }
    return true;
  }

  bool real() const {
    const Rule& rule = target.rule;
    double x = 0.0;
    if (value.type == Input::Type::integer) {
      x = static_cast<double>(value.integer);
    } else if (value.type == Input::Type::floating) {
      x = value.floating;
    } else if (value.type == Input::Type::string &&
               (rule.type == ValueType::threshold || rule.allow_infinity) &&
               (value.string == "inf" || value.string == "+inf" ||
                (value.string == "-inf" && rule.type == ValueType::threshold))) {
      x = value.string == "-inf" ? -inf : inf;
    } else {
      return type_error();
    }
    if (auto what = model::out_of_range(rule, x)) return range_error(*what);
    return store_double(x);
  }

  bool with_units(bool is_rate) const {
    const Rule& rule = target.rule;
    double x = 0.0;
    if (value.type == Input::Type::integer) {
      x = static_cast<double>(value.integer);
    } else if (value.type == Input::Type::floating) {
      x = value.floating;
    } else if (value.type == Input::Type::string && rule.allow_infinity &&
               (value.string == "inf" || value.string == "+inf")) {
      x = inf;
    } else if (value.type == Input::Type::string) {
      const auto parsed = is_rate ? parse_rate(value.string) : parse_duration(value.string);
      if (!parsed) {
        return fail(is_rate
                        ? fmt::format("'{}' has an invalid rate {}; expected a number, '/' and a "
                                      "unit s, m, h, d, w or y, such as \"12/h\" or \"2/y\"",
                                      path, as_written(value))
                        : fmt::format("'{}' has an invalid duration {}; expected a number and a "
                                      "unit s, m, h, d, w or y, such as \"90d\", \"4h\" or \"30s\"",
                                      path, as_written(value)));
      }
      x = *parsed;
    } else {
      return type_error();
    }
    if (auto what = model::out_of_range(rule, x)) return range_error(*what);
    return store_double(x);  // a table by context or reviewer may hold durations too
  }

  bool whole() const {
    const Rule& rule = target.rule;
    std::int64_t n = 0;
    if (value.type == Input::Type::integer) {
      n = value.integer;
    } else if (value.type == Input::Type::floating) {
      // An integral float (1e4) is accepted; the bounds keep the conversion defined.
      const double x = value.floating;
      if (!(std::isfinite(x) && x == std::floor(x) && x >= -9.2e18 && x <= 9.2e18))
        return range_error(fmt::format("an integer >= {}", rule.int_min));
      n = static_cast<std::int64_t>(x);
    } else {
      return type_error();
    }
    if (auto what = model::out_of_range(rule, n)) return range_error(*what);
    if (auto* p32 = std::get_if<std::uint32_t*>(&target.field)) {
      **p32 = static_cast<std::uint32_t>(n);
    } else {
      *std::get<std::uint64_t*>(target.field) = static_cast<std::uint64_t>(n);
    }
    return true;
  }

  bool reference() const {
    if (value.type != Input::Type::string) return type_error();
    const std::string& id = value.string;
    ComponentSpec& self = *target.component;
    if (!id.empty()) {
      const auto fault =
          target.special == Special::next_port || target.special == Special::edge_fallback
              ? model::edge_fault(spec, path, id)
              : model::reference_fault(spec, self, path, id);
      if (fault) {
        const auto& components = spec.components;
        const bool unknown = std::none_of(components.begin(), components.end(),
                                          [&](const ComponentSpec& c) { return c.id == id; });
        if (!unknown) return fail(*fault);
        std::vector<std::string> names;
        for (const auto& c : components) names.push_back(c.id);
        const std::string suggestion = closest(id, names);
        return fail(fmt::format("{}; {}", *fault,
                                suggestion.empty() ? "expected " + one_of(names, "'")
                                                   : "did you mean '" + suggestion + "'?"));
      }
    }
    if (target.special == Special::next_port) {
      self.connect(target.port, id, where);
    } else {
      *std::get<std::string*>(target.field) = id;
    }
    return true;
  }

  bool list() const {
    std::vector<double> values;
    bool ok = true;
    auto element = [&](const Input& item, std::size_t index, const model::SourceLocation& at) {
      const std::string name = fmt::format("{}[{}]", path, index);
      double x = 0.0;
      if (item.type == Input::Type::integer) {
        x = static_cast<double>(item.integer);
      } else if (item.type == Input::Type::floating) {
        x = item.floating;
      } else {
        ok = fail(fmt::format("'{}' expects {}; got {}", name,
                              model::constraint(model::list_element(), "a number"), describe(item)),
                  &at);
        return;
      }
      if (auto what = model::out_of_range(model::list_element(), x)) {
        ok = fail(model::must_be(name, *what, as_written(item)), &at);
        return;
      }
      values.push_back(x);
    };
    auto elements_of = [&](const toml::array& array, bool own_locations) {
      std::size_t index = 0;
      for (const auto& node : array) {
        const auto at = own_locations ? location_of(node.source(), where.file) : where;
        element(input_of(node), index++, at.line > 0 ? at : where);
      }
    };
    if (value.type == Input::Type::array) {
      elements_of(*value.array, true);
    } else if (value.type == Input::Type::string) {
      // From an assignment: the array is given as TOML text, "[1, 0.5, 2]".
      toml::parse_result parsed;
      try {
        parsed = toml::parse(std::string_view("v = " + value.string));
      } catch (const toml::parse_error&) {
        return fail(fmt::format("'{}' expects {}, such as \"[1, 0.5, 2]\"; got {}", path,
                                expectation(target.rule), describe(value)));
      }
      const auto* array = parsed["v"].as_array();
      if (!array)
        return fail(fmt::format("'{}' expects {}, such as \"[1, 0.5, 2]\"; got {}", path,
                                expectation(target.rule), describe(value)));
      elements_of(*array, false);
    } else {
      return type_error();
    }
    if (!ok) return false;
    if (auto zeros = model::all_zero(path, values)) return fail(*zeros);
    *std::get<std::vector<double>*>(target.field) = std::move(values);
    return true;
  }

  bool named(bool is_kind) const {
    if (value.type != Input::Type::string) return type_error();
    const std::vector<std::string> names =
        is_kind ? kind_names()
                : std::vector<std::string>(target.rule.choices.begin(), target.rule.choices.end());
    const auto found = std::find(names.begin(), names.end(), value.string);
    if (found == names.end()) {
      const std::string suggestion = closest(value.string, names);
      return fail(fmt::format("'{}' has unknown value {}; {}", path, as_written(value),
                              suggestion.empty() ? "expected " + join_quoted(names, "\"", "or")
                                                 : "did you mean \"" + suggestion + "\"?"));
    }
    const auto index = static_cast<std::size_t>(found - names.begin());
    if (is_kind) {
      if (index != model::kind_of(*target.component))
        kind_info(index).set_defaults(*target.component);
    } else {
      *std::get<model::ChoiceField>(target.field).index = static_cast<std::uint8_t>(index);
    }
    return true;
  }

  bool run() const {
    switch (target.rule.type) {
      case ValueType::probability:
      case ValueType::number:
      case ValueType::threshold:
        return real();
      case ValueType::duration:
        return with_units(false);
      case ValueType::rate:
        return with_units(true);
      case ValueType::integer:
        return whole();
      case ValueType::boolean:
        if (value.type != Input::Type::boolean) return type_error();
        *std::get<bool*>(target.field) = value.boolean;
        return true;
      case ValueType::text:
        if (value.type != Input::Type::string) return type_error();
        if (static_cast<double>(value.string.size()) < target.rule.min)
          return fail(fmt::format("'{}' is empty; expected a non-empty string", path));
        *std::get<std::string*>(target.field) = value.string;
        return true;
      case ValueType::choice:
        return named(false);
      case ValueType::kind:
        return named(true);
      case ValueType::component_ref:
        return reference();
      case ValueType::number_list:
        return list();
    }
    return false;
  }
};

}  // namespace

bool apply(ScenarioSpec& spec, const Resolved& target, std::string_view path, const Input& value,
           const model::SourceLocation& where, std::vector<Diagnostic>& diagnostics) {
  return Applier{spec, target, path, value, where, diagnostics}.run();
}

}  // namespace detail

using detail::Input;
using detail::Resolved;

bool apply_assignment(model::ScenarioSpec& spec, const Assignment& assignment,
                      const model::SourceLocation& where, std::vector<Diagnostic>& diagnostics) {
  return detail::apply_assignment(spec, detail::SpecIndex(spec), assignment, where, diagnostics);
}

bool detail::apply_assignment(model::ScenarioSpec& spec, const SpecIndex& index,
                              const Assignment& assignment, const model::SourceLocation& where,
                              std::vector<Diagnostic>& diagnostics) {
  auto resolved = detail::resolve(spec, index, assignment.path);
  if (auto* message = std::get_if<std::string>(&resolved)) {
    diagnostics.push_back({Diagnostic::Severity::error, where, std::move(*message)});
    return false;
  }
  const Resolved& target = std::get<Resolved>(resolved);
  if (target.is_table) {
    if (!target.string_is.empty()) {
      return apply_assignment(spec, index,
                              {assignment.path + "." + target.string_is, assignment.value}, where,
                              diagnostics);
    }
    diagnostics.push_back(
        {Diagnostic::Severity::error, where,
         fmt::format(
             "'{}' is a table, not a single parameter; expected the path of one of its keys",
             assignment.path)});
    return false;
  }
  return detail::apply(spec, target, assignment.path, detail::input_of(assignment.value), where,
                       diagnostics);
}

void check_spec(const model::ScenarioSpec& spec, const std::string& file,
                std::vector<Diagnostic>& diagnostics) {
  const model::SourceLocation start{file, 1, 1};
  // At least one component where tasks are born, and one where they end.
  for (const auto role : {model::Role::entry, model::Role::terminal}) {
    std::vector<std::string> names;
    for (std::size_t k = 0; k < model::kind_count; ++k)
      if (model::kind_info(k).role == role) names.emplace_back(model::kind_info(k).name);
    const bool present = std::any_of(
        spec.components.begin(), spec.components.end(),
        [role](const model::ComponentSpec& c) { return model::info_of(c).role == role; });
    if (!present)
      diagnostics.push_back({Diagnostic::Severity::error, start,
                             fmt::format("the scenario has no {}; expected at least one component "
                                         "with kind = {}",
                                         detail::join_quoted(names, "", "or"),
                                         detail::join_quoted(names, "\"", "or"))});
  }
  for (const auto& component : spec.components) {
    const auto& kind = model::info_of(component);
    // After a change of kind (by assignment), edges may leave by ports the new kind lacks.
    for (const auto& edge : component.next) {
      if (model::port_of(component, edge.port)) continue;
      diagnostics.push_back(
          {Diagnostic::Severity::error, edge.where.line > 0 ? edge.where : component.where,
           fmt::format("component '{}' (kind {}) has no port '{}'; remove 'next.{}'", component.id,
                       kind.name, edge.port, edge.port)});
    }
    std::vector<std::string> faults;
    model::bound_faults(spec, component, faults);
    kind.validate(component, spec, faults);
    for (auto& fault : faults)
      diagnostics.push_back({Diagnostic::Severity::error, component.where, std::move(fault)});
  }
}

namespace {

std::optional<ParameterValue> get_parameter(const model::ScenarioSpec& spec,
                                            const detail::SpecIndex& index, std::string_view path) {
  // resolve() hands out pointers into the spec; they are only read here.
  auto resolved = detail::resolve(const_cast<model::ScenarioSpec&>(spec), index, path);
  const auto* target = std::get_if<Resolved>(&resolved);
  if (!target || target->is_table) return std::nullopt;
  switch (target->special) {
    case detail::Special::kind:
      return std::string(model::kind_name(*target->component));
    case detail::Special::next_port:
      return std::string(target->component->target(target->port));
    case detail::Special::by_context: {
      const auto& map = *std::get<model::ByContext*>(target->field);
      const auto found = map.find(target->context);
      if (found == map.end()) return std::nullopt;
      return found->second;
    }
    case detail::Special::none:
    case detail::Special::edge_fallback:
      break;
  }
  const auto& rule = target->rule;
  return std::visit(
      [&rule](auto field) -> std::optional<ParameterValue> {
        using T = std::remove_cv_t<std::remove_pointer_t<decltype(field)>>;
        if constexpr (std::is_same_v<decltype(field), std::monostate>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, bool> ||
                             std::is_same_v<T, std::string>) {
          return ParameterValue(*field);
        } else if constexpr (std::is_same_v<T, std::uint32_t> || std::is_same_v<T, std::uint64_t>) {
          return ParameterValue(static_cast<std::int64_t>(*field));
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          return ParameterValue(fmt::format("[{}]", fmt::join(*field, ", ")));
        } else if constexpr (std::is_same_v<decltype(field), model::ChoiceField>) {
          return ParameterValue(std::string(rule.choices[*field.index]));
        } else {
          return std::nullopt;  // values by context are read one by one, above
        }
      },
      target->field);
}

}  // namespace

std::optional<ParameterValue> get_parameter(const model::ScenarioSpec& spec,
                                            std::string_view path) {
  return get_parameter(spec, detail::SpecIndex(spec), path);
}

std::vector<Assignment> resolved_parameters(const model::ScenarioSpec& spec) {
  std::vector<Assignment> out;
  const detail::SpecIndex index(spec);
  auto add = [&](std::string path) {
    if (auto value = get_parameter(spec, index, path))
      out.push_back({std::move(path), std::move(*value)});
  };
  for (const auto& key : model::scenario_keys()) add("scenario." + std::string(key.name));
  for (const auto& context : spec.contexts)
    for (const auto& key : model::context_keys())
      add(fmt::format("contexts.{}.{}", context.name, key.name));
  for (const auto& component : spec.components) {
    const auto& kind = model::info_of(component);
    add(component.id + ".kind");
    if (!component.label.empty()) add(component.id + ".label");
    for (const auto& port : kind.ports) add(fmt::format("{}.next.{}", component.id, port.name));
    for (const auto& [port, bound] : component.bounds) {
      if (bound.at_most == model::EdgeBound::unbounded) continue;
      add(fmt::format("{}.next.{}.at_most", component.id, port));
      add(fmt::format("{}.next.{}.fallback", component.id, port));
    }
    for (const auto& key : kind.keys) {
      if (!key.by_context && !key.by_reviewer) {
        add(fmt::format("{}.{}", component.id, key.name));
        continue;
      }
      // A table of values by context (or reviewer): one parameter per entry.
      auto& writable = const_cast<model::ComponentSpec&>(component);
      for (const auto& entry : *std::get<model::ByContext*>(key.field(writable)))
        add(fmt::format("{}.{}.{}", component.id, key.name, entry.first));
    }
  }
  return out;
}

}  // namespace stsim::scenario

namespace stsim::scenario {

const std::vector<KeyInfo>& known_keys() {
  static const std::vector<KeyInfo> keys = [] {
    using detail::type_name;
    std::vector<KeyInfo> out;
    for (const auto& key : model::scenario_keys())
      out.push_back({"scenario." + std::string(key.name), type_name(key.rule),
                     std::string(key.default_text), std::string(key.meaning)});
    for (const auto& key : model::context_keys())
      out.push_back({"contexts.<context>." + std::string(key.name), type_name(key.rule),
                     std::string(key.default_text), std::string(key.meaning)});
    std::vector<std::string> names;
    for (std::size_t k = 0; k < model::kind_count; ++k)
      names.emplace_back(model::kind_info(k).name);
    out.push_back({"<component>.kind", "component kind", "required",
                   "What the component is: " + detail::join_quoted(names, "", "or")});
    out.push_back({"<component>.label", "string", "the id in words",
                   "Name of the component in figures and tables (\"night nurses\")"});
    out.push_back({"<component>.next", "component id or table of ports", "no edges",
                   "A component id is short for next.pass; a table gives the target of each port"});
    // The ports of each kind, kinds with the same ports together, in list order.
    std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> groups;
    for (std::size_t k = 0; k < model::kind_count; ++k) {
      const auto& kind = model::kind_info(k);
      if (kind.ports.empty()) continue;
      const auto ports = detail::ports_of_kind(kind);
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& g) { return g.second == ports; });
      if (group == groups.end()) group = groups.insert(groups.end(), {{}, ports});
      group->first.emplace_back(kind.name);
    }
    std::string ports_text;
    for (const auto& [kinds, ports] : groups) {
      if (!ports_text.empty()) ports_text += "; ";
      ports_text +=
          detail::join_quoted(kinds, "", "and") + " " + fmt::format("{}", fmt::join(ports, ", "));
    }
    out.push_back({"<component>.next.<port>", "component id", "\"\" (no edge)",
                   "Where tasks leaving by this port go; ports: " + ports_text});
    out.push_back({"<component>.next.<port>.to", "component id", "\"\" (no edge)",
                   "The target of an edge written as a table, as next.<port>"});
    out.push_back({"<component>.next.<port>.at_most",
                   type_name(model::integer(0, model::EdgeBound::max_returns)), "unbounded",
                   "Times a task may take this edge back upstream (at most 100), counted over "
                   "every bounded edge it takes; then it goes to fallback"});
    out.push_back({"<component>.next.<port>.fallback", "component id",
                   "\"\" (the task stops there)",
                   "Where a task leaving by this port goes once the bound is reached"});
    for (std::size_t k = 0; k < model::kind_count; ++k) {
      const auto& kind = model::kind_info(k);
      const std::string prefix = fmt::format("<{}>.", kind.name);
      for (const auto& key : kind.keys)
        out.push_back({prefix + std::string(key.name) +
                           (key.by_context    ? ".<context>"
                            : key.by_reviewer ? ".<reviewer>"
                                              : ""),
                       type_name(key.rule), std::string(key.default_text),
                       std::string(key.meaning)});
    }
    const std::vector<KeyInfo> sweep = {
        {"sweep.design",
         "\"grid\", \"zip\", \"latin_hypercube\", \"sobol\", \"saltelli\", \"morris\" or "
         "\"uncertainty\"",
         "\"grid\"",
         "How the dimensions combine into sweep points; saltelli and morris also compute "
         "sensitivity indices, uncertainty draws uncertain parameters from their distributions "
         "(docs/sensitivity.md)"},
        {"sweep.points", "integer >= 1", "required by sampled designs",
         "Points of a latin_hypercube or sobol design; outer samples of an uncertainty design; "
         "base samples of a saltelli design (each "
         "makes dimensions + 2 points); trajectories of a morris design (each makes dimensions "
         "+ 1 points)"},
        {"sweep.seed", "integer >= 0", "1",
         "Seed of the latin_hypercube design, of the uncertainty draws, of the scrambling of a "
         "saltelli design, of the "
         "morris trajectories and of the sensitivity bootstrap"},
        {"sweep.levels", "even integer from 2 to 1000", "4",
         "Levels of the grid a morris trajectory moves on"},
        {"sweep.baseline", "array", "none",
         "One value or label per dimension (grid and zip designs): the point every other point is "
         "compared with"},
        {"sweep.common_random_numbers", "boolean", "true",
         "Whether every point uses the same random streams, for paired comparisons"},
        {"sweep.dimensions[].path", "parameter path", "required",
         "The parameter this dimension varies"},
        {"sweep.dimensions[].label", "string",
         "from the path (figures name it by the component's label and the key)",
         "The dimension in words, for figures, tables and `/design/columns/<d>@label` (\"dose "
         "check interval\")"},
        {"sweep.dimensions[].values", "array", "required by grid and zip",
         "The values the parameter takes"},
        {"sweep.dimensions[].labels", "array of strings", "the values",
         "Names of the values, one per value"},
        {"sweep.dimensions[].low", "number", "required by sampled designs", "Lowest value sampled"},
        {"sweep.dimensions[].high", "number", "required by sampled designs",
         "Highest value sampled"},
        {"sweep.dimensions[].log", "boolean", "false",
         "Whether to sample uniformly on a log scale"},
        {"sweep.dimensions[].distribution",
         "\"beta\", \"lognormal\", \"uniform\" or \"triangular\"", "required by uncertainty",
         "What is known of an uncertain parameter (uncertainty designs; in a saltelli design, "
         "the Sobol' indices are then over this distribution)"},
        {"sweep.dimensions[].successes", "integer >= 0", "none",
         "Beta from k successes: k (with trials; alpha = k + 1)"},
        {"sweep.dimensions[].trials", "integer >= 1", "none",
         "Beta from k successes in n trials: n (beta = n - k + 1)"},
        {"sweep.dimensions[].alpha", "number > 0", "none",
         "Beta distribution's first shape (instead of successes and trials)"},
        {"sweep.dimensions[].beta", "number > 0", "none", "Beta distribution's second shape"},
        {"sweep.dimensions[].median", "number > 0", "none", "Lognormal distribution's median"},
        {"sweep.dimensions[].error_factor", "number > 1", "none",
         "Lognormal distribution's error factor: its 95th percentile over its median"},
        {"sweep.dimensions[].mode", "number", "none",
         "Triangular distribution's most likely value (with low and high)"},
        {"sweep.precision.metric", "string", "required",
         "The metric whose relative error stops the replications"},
        {"sweep.precision.relative_error", "number > 0", "required",
         "Target relative error (standard error / estimate) of the metric"},
        {"sweep.precision.min_replications", "integer >= 1", "100",
         "Replications before the first check of precision"},
        {"sweep.precision.max_replications", "integer >= 1", "10000",
         "Replications after which a point stops regardless"},
        {"sweep.precision.block_size", "integer >= 1", "50",
         "Replications added between two checks of precision"},
        {"sweep.worst_case.parameter", "parameter path", "required",
         "The number parameter whose value the search chooses, as a red team would (an attack "
         "probability)"},
        {"sweep.worst_case.metric", "string", "\"safety\"", "The metric the search minimises"},
        {"sweep.worst_case.low", "number", "required", "Lower end of the search"},
        {"sweep.worst_case.high", "number > low", "required", "Upper end of the search"},
        {"sweep.worst_case.log", "boolean", "true",
         "Whether the grid and the refinement work on a log scale (low > 0)"},
        {"sweep.worst_case.grid", "integer from 3 to 1000", "9",
         "Points of the first, equally spaced grid"},
        {"sweep.worst_case.tolerance", "number in (0, 1]", "0.01",
         "The refinement stops when its bracket is at most this share of [low, high] (on the "
         "search scale)"},
        {"sweep.worst_case.replications", "integer >= 1", "the run's replications",
         "Replications per evaluation, the same ones (same seed, common random numbers) for "
         "every value"},
        {"schedule[].at", "duration >= 0", "required",
         "When the change takes effect, from the start of each replication"},
        {"schedule[].set", "parameter path", "required",
         "The numeric parameter changed: <component>.<key> or contexts.<context>.<key> "
         "(docs/model.md, "
         "Change over time)"},
        {"schedule[].to", "number", "required", "Its value from then on, under the key's rule"},
    };
    out.insert(out.end(), sweep.begin(), sweep.end());
    return out;
  }();
  return keys;
}

}  // namespace stsim::scenario
