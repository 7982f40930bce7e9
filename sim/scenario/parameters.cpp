#include "sim/scenario/parameters.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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
constexpr std::int64_t u32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();

constexpr Rule probability() { return {ValueType::probability}; }
constexpr Rule number_at_least(double min) { return {ValueType::number, min, true}; }
constexpr Rule number_above(double min, bool allow_infinity = false) {
  return {ValueType::number, min, false, allow_infinity};
}
constexpr Rule threshold() { return {ValueType::threshold}; }
constexpr Rule duration(bool positive) { return {ValueType::duration, 0.0, !positive}; }
constexpr Rule rate(bool positive) { return {ValueType::rate, 0.0, !positive}; }
constexpr Rule integer(std::int64_t min, std::int64_t max) {
  Rule rule{ValueType::integer};
  rule.int_min = min;
  rule.int_max = max;
  return rule;
}
constexpr Rule boolean() { return {ValueType::boolean}; }
// For text, `min` is the shortest length allowed.
constexpr Rule text(double min_length) { return {ValueType::text, min_length}; }
constexpr Rule of_type(ValueType type) { return {type}; }

template <class Target>
struct Key {
  std::string_view name;  // relative to the target, possibly dotted ("drift.enabled")
  Rule rule;
  std::string_view default_text;
  std::string_view meaning;
  FieldRef (*field)(Target&);
};

template <auto member>
FieldRef top(ScenarioSpec& spec) {
  return &(spec.*member);
}
template <auto member>
FieldRef in_context(ContextSpec& context) {
  return &(context.*member);
}
template <class Spec, auto member>
FieldRef param(ComponentSpec& component) {
  return &(std::get<Spec>(component.parameters).*member);
}
template <class Spec, auto outer, auto inner>
FieldRef nested(ComponentSpec& component) {
  return &((std::get<Spec>(component.parameters).*outer).*inner);
}

const std::vector<Key<ScenarioSpec>>& scenario_keys() {
  static const std::vector<Key<ScenarioSpec>> keys = {
      {"name", text(1), "file name without extension",
       "Name of the scenario in reports and result files", top<&ScenarioSpec::name>},
      {"description", text(0), "\"\"", "Free text describing the scenario",
       top<&ScenarioSpec::description>},
      {"horizon", duration(true), "365d", "Simulated time of one replication",
       top<&ScenarioSpec::horizon>},
      {"seed", integer(0, i64_max), "1", "Master seed of every random stream",
       top<&ScenarioSpec::seed>},
      {"replications", integer(1, u32_max), "100",
       "Replications per sweep point when no precision target is set",
       top<&ScenarioSpec::replications>},
      {"time_bins", integer(1, u32_max), "52",
       "Number of equal time bins of the harm time series over the horizon",
       top<&ScenarioSpec::time_bins>},
      {"pause_after_harm", duration(false), "0h",
       "Service is suspended for this long after each harm", top<&ScenarioSpec::pause_after_harm>},
      {"event_limit", integer(0, i64_max), "0",
       "Maximum number of events in one replication; 0 = derived from the expected load",
       top<&ScenarioSpec::event_limit>},
  };
  return keys;
}

const std::vector<Key<ContextSpec>>& context_keys() {
  static const std::vector<Key<ContextSpec>> keys = {
      {"weight", number_above(0.0), "1",
       "Share of tasks in this context (normalised over all contexts)",
       in_context<&ContextSpec::weight>},
      {"hazardous", boolean(), "true", "Whether an unsafe output in this context is a hazard",
       in_context<&ContextSpec::hazardous>},
      {"severity", number_at_least(0.0), "1", "Weight of one harm in this context",
       in_context<&ContextSpec::severity>},
      {"malicious_share", probability(), "0",
       "Probability that a task in this context has malicious intent",
       in_context<&ContextSpec::malicious_share>},
      {"observability", number_at_least(0.0), "1",
       "Separation d' between the observable scores of malicious and benign tasks; 0 = intent "
       "invisible",
       in_context<&ContextSpec::observability>},
  };
  return keys;
}

using model::AiSpec;
using model::AuditSpec;
using model::DefenceSpec;
using model::DriftSpec;
using model::OperatorSpec;
using model::OutcomeSpec;
using model::SafeguardSpec;
using model::SourceSpec;
using ComponentKeys = std::vector<Key<ComponentSpec>>;

template <class Spec>
void add_drift(ComponentKeys& keys) {
  keys.push_back({"drift.enabled", boolean(), "false",
                  "Whether this layer's strength erodes while no harm occurs",
                  nested<Spec, &Spec::drift, &DriftSpec::enabled>});
  keys.push_back({"drift.time_constant", duration(true), "90d",
                  "Time constant of the erosion of the strength after the last harm",
                  nested<Spec, &Spec::drift, &DriftSpec::time_constant>});
  keys.push_back({"drift.floor", probability(), "0.2", "Lowest multiplier the strength erodes to",
                  nested<Spec, &Spec::drift, &DriftSpec::floor>});
  keys.push_back({"drift.after_harm", number_at_least(0.0), "1",
                  "Multiplier of the strength just after a harm (above 1 tightens the layer)",
                  nested<Spec, &Spec::drift, &DriftSpec::after_harm>});
}

const ComponentKeys& component_keys(model::Kind kind) {
  static const std::array<ComponentKeys, 7> tables = [] {
    std::array<ComponentKeys, 7> t;
    t[static_cast<std::size_t>(model::Kind::source)] = {
        {"rate", rate(true), "10/h", "Mean arrival rate of tasks",
         param<SourceSpec, &SourceSpec::rate>},
        {"profile", of_type(ValueType::number_list), "[] (constant rate)",
         "Multipliers of the rate over equal slices of profile_period",
         param<SourceSpec, &SourceSpec::profile>},
        {"profile_period", duration(true), "24h", "Period over which the profile repeats",
         param<SourceSpec, &SourceSpec::profile_period>},
    };
    t[static_cast<std::size_t>(model::Kind::ai)] = {
        {"reliability", probability(), "0.99", "Probability that an output is correct",
         param<AiSpec, &AiSpec::reliability>},
        {"commission_share", probability(), "1",
         "Share of failures that are unsafe commissions (the rest are omissions)",
         param<AiSpec, &AiSpec::commission_share>},
        {"refusal_threshold", threshold(), "inf (never refuse)",
         "Refuse a task when its observable score is above this",
         param<AiSpec, &AiSpec::refusal_threshold>},
        {"defer_threshold", threshold(), "-inf (never defer)",
         "Defer a task to the defer port when the model's confidence is below this",
         param<AiSpec, &AiSpec::defer_threshold>},
        {"confidence_separation", number_at_least(0.0), "2",
         "Mean confidence of correct outputs (wrong ones have mean 0, both with unit variance)",
         param<AiSpec, &AiSpec::confidence_separation>},
    };
    t[static_cast<std::size_t>(model::Kind::safeguard)] = {
        {"detect_error", probability(), "0.9",
         "Probability of flagging a hazardous output from a model error",
         param<SafeguardSpec, &SafeguardSpec::detect_error>},
        {"detect_misuse", probability(), "0",
         "Probability of flagging a hazardous output serving malicious intent",
         param<SafeguardSpec, &SafeguardSpec::detect_misuse>},
        {"false_alarm", probability(), "0.01", "Probability of flagging a non-hazardous output",
         param<SafeguardSpec, &SafeguardSpec::false_alarm>},
        {"blocks", boolean(), "true",
         "true: flagged tasks leave by block; false: they pass on carrying an alarm",
         param<SafeguardSpec, &SafeguardSpec::blocks>},
        {"latent_failure_rate", rate(false), "0/h",
         "Rate of silent failures, after which the safeguard flags nothing",
         param<SafeguardSpec, &SafeguardSpec::latent_failure_rate>},
        {"test_interval", duration(false), "0h (never tested)",
         "Period of the proof tests that reveal a latent failure",
         param<SafeguardSpec, &SafeguardSpec::test_interval>},
        {"repair_time", duration(false), "0h", "Time to repair a failure once revealed",
         param<SafeguardSpec, &SafeguardSpec::repair_time>},
        {"coupling.with", of_type(ValueType::component_ref), "\"\" (independent)",
         "Component this one shares causes of failure with",
         nested<SafeguardSpec, &SafeguardSpec::coupling, &model::CouplingSpec::with>},
        {"coupling.beta", probability(), "0",
         "Probability of failing too on a task where the coupled component failed (beta factor)",
         nested<SafeguardSpec, &SafeguardSpec::coupling, &model::CouplingSpec::beta>},
        {"coupling.difficulty_correlation", probability(), "0",
         "Probability of judging a task by the same difficulty as the model",
         nested<SafeguardSpec, &SafeguardSpec::coupling,
                &model::CouplingSpec::difficulty_correlation>},
    };
    auto& op = t[static_cast<std::size_t>(model::Kind::operators)];
    op = {
        {"count", integer(1, u32_max), "1", "Number of people reviewing in parallel",
         param<OperatorSpec, &OperatorSpec::count>},
        {"review_time", duration(true), "3m", "Mean time of one review",
         param<OperatorSpec, &OperatorSpec::review_time>},
        {"review_distribution", of_type(ValueType::distribution), "\"exponential\"",
         "Distribution of review times", param<OperatorSpec, &OperatorSpec::review_distribution>},
        {"review_cv", number_at_least(0.0), "1",
         "Coefficient of variation of review times (lognormal)",
         param<OperatorSpec, &OperatorSpec::review_cv>},
        {"max_queue", integer(0, u32_max), "unbounded",
         "Longest queue; tasks arriving at a full queue leave by overflow",
         param<OperatorSpec, &OperatorSpec::max_queue>},
        {"shift_length", duration(true), "8h",
         "Length of a shift; vigilance recovers at each shift change",
         param<OperatorSpec, &OperatorSpec::shift_length>},
        {"detect", probability(), "0.9",
         "Probability of catching a hazard when fresh, checking and unloaded",
         param<OperatorSpec, &OperatorSpec::detect>},
        {"vigilance_floor", probability(), "1",
         "Level vigilance decays towards during a shift (1 = no decay)",
         param<OperatorSpec, &OperatorSpec::vigilance_floor>},
        {"vigilance_time_constant", duration(true), "2h", "Time constant of the decay of vigilance",
         param<OperatorSpec, &OperatorSpec::vigilance_time_constant>},
        {"trust_initial", probability(), "0.5", "Trust in the AI at the start",
         param<OperatorSpec, &OperatorSpec::trust_initial>},
        {"trust_gain", probability(), "0",
         "Share of the remaining distrust lost per output seen correct",
         param<OperatorSpec, &OperatorSpec::trust_gain>},
        {"trust_loss", probability(), "0", "Share of trust lost per error caught",
         param<OperatorSpec, &OperatorSpec::trust_loss>},
        {"automation_bias", probability(), "0",
         "The chance of checking an unflagged output is 1 - automation_bias * trust",
         param<OperatorSpec, &OperatorSpec::automation_bias>},
        {"alarm_memory", number_at_least(1.0), "20",
         "Memory, in alarms, of the credibility of past flags",
         param<OperatorSpec, &OperatorSpec::alarm_memory>},
        {"alarm_credibility_initial", probability(), "1", "Credibility of flags at the start",
         param<OperatorSpec, &OperatorSpec::alarm_credibility_initial>},
        {"workload_scale", number_above(0.0, true), "inf (no workload effect)",
         "Queue length at which thoroughness halves",
         param<OperatorSpec, &OperatorSpec::workload_scale>},
        {"false_reject", probability(), "0", "Probability of rejecting a non-hazardous output",
         param<OperatorSpec, &OperatorSpec::false_reject>},
        {"slip", probability(), "0", "Probability of turning a correct output into a hazardous one",
         param<OperatorSpec, &OperatorSpec::slip>},
    };
    add_drift<OperatorSpec>(op);
    auto& audit = t[static_cast<std::size_t>(model::Kind::audit)];
    audit = {
        {"sample", probability(), "0.05", "Share of tasks audited",
         param<AuditSpec, &AuditSpec::sample>},
        {"detect", probability(), "0.95", "Probability of catching a hazard in an audited task",
         param<AuditSpec, &AuditSpec::detect>},
    };
    add_drift<AuditSpec>(audit);
    t[static_cast<std::size_t>(model::Kind::defence)] = {
        {"detect_misuse", probability(), "0.5", "Probability of stopping the misuse of an output",
         param<DefenceSpec, &DefenceSpec::detect_misuse>},
        {"detect_error", probability(), "0",
         "Probability of stopping a hazardous output from a model error",
         param<DefenceSpec, &DefenceSpec::detect_error>},
        {"false_alarm", probability(), "0", "Probability of stopping a non-hazardous output",
         param<DefenceSpec, &DefenceSpec::false_alarm>},
    };
    t[static_cast<std::size_t>(model::Kind::outcome)] = {
        {"acted", boolean(), "true",
         "Whether outputs reaching it are acted on (false: they are stopped)",
         param<OutcomeSpec, &OutcomeSpec::acted>},
    };
    return t;
  }();
  return tables[static_cast<std::size_t>(kind)];
}

constexpr std::array<model::Kind, 7> all_kinds = {
    model::Kind::source, model::Kind::ai,      model::Kind::safeguard, model::Kind::operators,
    model::Kind::audit,  model::Kind::defence, model::Kind::outcome};
constexpr std::array<model::Port, model::port_count> all_ports = {
    model::Port::pass, model::Port::block, model::Port::refuse, model::Port::defer,
    model::Port::overflow};

std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (auto kind : all_kinds) names.emplace_back(model::to_string(kind));
  return names;
}

std::vector<std::string> ports_of_kind(model::Kind kind) {
  std::vector<std::string> names;
  const auto valid = model::ports_of(kind);
  for (auto port : all_ports)
    if (valid[static_cast<std::size_t>(port)]) names.emplace_back(model::to_string(port));
  return names;
}

model::Parameters defaults_of(model::Kind kind) {
  switch (kind) {
    case model::Kind::source:
      return SourceSpec{};
    case model::Kind::ai:
      return AiSpec{};
    case model::Kind::safeguard:
      return SafeguardSpec{};
    case model::Kind::operators:
      return OperatorSpec{};
    case model::Kind::audit:
      return AuditSpec{};
    case model::Kind::defence:
      return DefenceSpec{};
    case model::Kind::outcome:
      return OutcomeSpec{};
  }
  return OutcomeSpec{};
}

constexpr std::array<std::string_view, 3> distribution_names = {"exponential", "lognormal",
                                                                "fixed"};

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

template <class Target>
const Key<Target>* find_key(const std::vector<Key<Target>>& keys, std::string_view name) {
  for (const auto& key : keys)
    if (key.name == name) return &key;
  return nullptr;
}

// The distinct first segments of dotted key names, in table order.
template <class Target>
std::vector<std::string> first_segments(const std::vector<Key<Target>>& keys) {
  std::vector<std::string> names;
  for (const auto& key : keys) {
    std::string first(key.name.substr(0, key.name.find('.')));
    if (std::find(names.begin(), names.end(), first) == names.end()) names.push_back(first);
  }
  return names;
}

std::string_view group_expectation(std::string_view group) {
  if (group == "drift") return "a table such as { enabled = true, time_constant = \"90d\" }";
  return "a table such as { with = \"model\", beta = 0.1 }";
}

std::variant<Resolved, std::string> resolve_component(ComponentSpec& component,
                                                      const ScenarioSpec& spec,
                                                      const std::vector<std::string>& parts) {
  Resolved out;
  out.component = &component;
  const std::string& id = component.id;
  const model::Kind kind = component.kind;
  const std::string where = fmt::format("component '{}' (kind {})", id, model::to_string(kind));
  if (parts.size() == 1) {
    out.is_table = true;
    out.table_expectation = "a table of component settings with a kind";
    return out;
  }
  const std::string& key = parts[1];
  const auto& keys = component_keys(kind);
  if (key == "kind") {
    if (parts.size() > 2) return not_a_table(id + ".kind", join(parts, 2, parts.size()));
    out.rule = of_type(ValueType::kind);
    out.special = Special::kind;
    return out;
  }
  if (key == "next") {
    const auto ports = ports_of_kind(kind);
    if (ports.empty())
      return fmt::format(
          "component '{}' (kind outcome) has no ports; an outcome ends every task, so remove "
          "'next'",
          id);
    if (parts.size() == 2) {
      out.is_table = true;
      out.string_is_pass = true;
      out.table_expectation = "a component id or a table of ports such as { pass = \"review\" }";
      return out;
    }
    const std::string& port_name = parts[2];
    for (auto port : all_ports) {
      if (port_name != model::to_string(port)) continue;
      if (!model::ports_of(kind)[static_cast<std::size_t>(port)])
        return fmt::format("component '{}' (kind {}) has no port '{}'; expected {}", id,
                           model::to_string(kind), port_name, join_quoted(ports, "", "or"));
      if (parts.size() > 3) return not_a_table(join(parts, 0, 3), join(parts, 3, parts.size()));
      out.rule = of_type(ValueType::component_ref);
      out.special = Special::next_port;
      out.port = port;
      return out;
    }
    return unknown_key_message("port", port_name, fmt::format("'{}.next'", id), ports);
  }
  if (key == "reliability_by_context" && kind == model::Kind::ai) {
    if (parts.size() == 2) {
      out.is_table = true;
      out.table_expectation = "a table of probabilities by context, such as { routine = 0.95 }";
      return out;
    }
    std::vector<std::string> names;
    for (const auto& context : spec.contexts) names.push_back(context.name);
    const auto found = std::find(names.begin(), names.end(), parts[2]);
    if (found == names.end()) {
      const std::string suggestion = closest(parts[2], names);
      return fmt::format("'{}' refers to context '{}', which does not exist; {}", join(parts, 0, 3),
                         parts[2],
                         suggestion.empty() ? "expected " + one_of(names, "'")
                                            : "did you mean '" + suggestion + "'?");
    }
    if (parts.size() > 3) return not_a_table(join(parts, 0, 3), join(parts, 3, parts.size()));
    out.rule = probability();
    out.special = Special::by_context;
    out.context = parts[2];
    return out;
  }
  // Plain keys, and groups of dotted keys (drift.*, coupling.*).
  if (const auto* found = find_key(keys, key)) {
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
    if (kind != model::Kind::outcome) candidates.insert(candidates.begin() + 1, "next");
    if (kind == model::Kind::ai) candidates.emplace_back("reliability_by_context");
    return unknown_key_message("key", key, where, candidates);
  }
  if (parts.size() == 2) {
    out.is_table = true;
    out.table_expectation = group_expectation(key);
    return out;
  }
  const auto* member = find_key(keys, prefix + parts[2]);
  if (!member)
    return unknown_key_message("key", parts[2], fmt::format("'{}.{}'", id, key), members);
  if (parts.size() > 3) return not_a_table(join(parts, 0, 3), join(parts, 3, parts.size()));
  out.rule = member->rule;
  out.field = member->field(component);
  return out;
}

std::string format_number(double value) { return fmt::format("{}", value); }

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

std::string constraint(const Rule& rule, std::string_view noun) {
  const char* op = rule.min_inclusive ? ">=" : ">";
  std::string text = fmt::format("{} {} {}", noun, op, format_number(rule.min));
  if (rule.allow_infinity) text += " or \"inf\"";
  return text;
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
    case ValueType::distribution:
      return "\"exponential\", \"lognormal\" or \"fixed\"";
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
      return "a duration such as \"90d\", \"4h\", \"30s\" or a number of hours";
    case ValueType::rate:
      return "a rate such as \"12/h\", \"2/y\" or a number per hour";
    case ValueType::integer:
      return "an " + type_name(rule);
    case ValueType::boolean:
      return "true or false";
    case ValueType::text:
      return "a string";
    case ValueType::distribution:
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

std::vector<std::string> scenario_key_names() { return first_segments(scenario_keys()); }

const std::vector<std::string>& sweep_keys() {
  static const std::vector<std::string> keys = {
      "design", "points", "seed", "baseline", "common_random_numbers", "dimensions", "precision"};
  return keys;
}
const std::vector<std::string>& dimension_keys() {
  static const std::vector<std::string> keys = {"path", "values", "labels", "low", "high", "log"};
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

std::variant<Resolved, std::string> resolve(ScenarioSpec& spec, std::string_view path) {
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
    const auto* key = find_key(scenario_keys(), parts[1]);
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
    auto context = std::find_if(spec.contexts.begin(), spec.contexts.end(),
                                [&](const ContextSpec& c) { return c.name == parts[1]; });
    if (context == spec.contexts.end()) {
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
    const auto* key = find_key(context_keys(), parts[2]);
    if (!key)
      return unknown_key_message("key", parts[2], fmt::format("context '{}'", parts[1]),
                                 first_segments(context_keys()));
    if (parts.size() > 3) return not_a_table(join(parts, 0, 3), join(parts, 3, parts.size()));
    out.rule = key->rule;
    out.field = key->field(*context);
    return out;
  }
  if (head == "sweep")
    return fmt::format(
        "'{}' cannot be set by an assignment; expected a parameter of [scenario], a context or a "
        "component",
        path);
  auto component = std::find_if(spec.components.begin(), spec.components.end(),
                                [&](const ComponentSpec& c) { return c.id == head; });
  if (component == spec.components.end()) {
    std::vector<std::string> names;
    for (const auto& c : spec.components) names.push_back(c.id);
    const std::string suggestion = closest(head, names);
    return fmt::format("unknown parameter '{}': '{}' is not a component; {}", path, head,
                       suggestion.empty() ? "expected 'scenario', 'contexts' or a component id (" +
                                                join_quoted(names, "'", "or") + ")"
                                          : "did you mean '" + suggestion + "'?");
  }
  return resolve_component(*component, spec, parts);
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
      auto& ai = std::get<model::AiSpec>(target.component->parameters);
      ai.reliability_by_context[target.context] = x;
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
    switch (rule.type) {
      case ValueType::probability:
        if (!(x >= 0.0 && x <= 1.0)) return range_error("a probability in [0, 1]");
        break;
      case ValueType::threshold:
        if (std::isnan(x)) return range_error("a number, \"inf\" or \"-inf\"");
        break;
      default: {
        const bool above = rule.min_inclusive ? x >= rule.min : x > rule.min;
        const bool finite_or_allowed = std::isfinite(x) || (rule.allow_infinity && x > 0.0);
        if (!above || !finite_or_allowed) return range_error(constraint(rule, "a number"));
      }
    }
    return store_double(x);
  }

  bool with_units(bool is_rate) const {
    const Rule& rule = target.rule;
    double x = 0.0;
    if (value.type == Input::Type::integer) {
      x = static_cast<double>(value.integer);
    } else if (value.type == Input::Type::floating) {
      x = value.floating;
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
    const bool above = rule.min_inclusive ? x >= rule.min : x > rule.min;
    if (!above || !std::isfinite(x))
      return range_error(constraint(rule, is_rate ? "a rate" : "a duration"));
    *std::get<double*>(target.field) = x;
    return true;
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
    if (n < rule.int_min) return range_error(fmt::format("an integer >= {}", rule.int_min));
    if (n > rule.int_max) return range_error(fmt::format("an integer <= {}", rule.int_max));
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
      const auto& components = spec.components;
      auto found = std::find_if(components.begin(), components.end(),
                                [&](const ComponentSpec& c) { return c.id == id; });
      if (found == components.end()) {
        std::vector<std::string> names;
        for (const auto& c : components) names.push_back(c.id);
        const std::string suggestion = closest(id, names);
        return fail(fmt::format("'{}' refers to '{}', which is not a component; {}", path, id,
                                suggestion.empty() ? "expected " + one_of(names, "'")
                                                   : "did you mean '" + suggestion + "'?"));
      }
      if (target.special == Special::next_port) {
        if (found->kind == model::Kind::source)
          return fail(fmt::format(
              "'{}' refers to '{}', which is a source; tasks cannot be sent to a source", path,
              id));
      } else {
        if (found->id == self.id)
          return fail(
              fmt::format("'{}' refers to '{}' itself; expected another component", path, id));
        if (found->kind == model::Kind::source || found->kind == model::Kind::outcome)
          return fail(
              fmt::format("'{}' refers to '{}', which is {} {} and cannot fail; expected an ai, "
                          "safeguard, operators, audit or defence component",
                          path, id, found->kind == model::Kind::source ? "a" : "an",
                          model::to_string(found->kind)));
      }
    }
    if (target.special == Special::next_port) {
      self.next[static_cast<std::size_t>(target.port)] = id;
      self.next_where[static_cast<std::size_t>(target.port)] = where;
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
        ok = fail(fmt::format("'{}' expects a number >= 0; got {}", name, describe(item)), &at);
        return;
      }
      if (!(x >= 0.0 && std::isfinite(x))) {
        ok = fail(fmt::format("'{}' must be a number >= 0; got {}", name, as_written(item)), &at);
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
    if (!values.empty() &&
        std::all_of(values.begin(), values.end(), [](double x) { return x == 0.0; }))
      return fail(fmt::format("'{}' has only zeros; expected at least one multiplier > 0", path));
    *std::get<std::vector<double>*>(target.field) = std::move(values);
    return true;
  }

  bool named(bool is_kind) const {
    if (value.type != Input::Type::string) return type_error();
    std::vector<std::string> names;
    if (is_kind) {
      names = kind_names();
    } else {
      for (auto name : distribution_names) names.emplace_back(name);
    }
    const auto found = std::find(names.begin(), names.end(), value.string);
    if (found == names.end()) {
      const std::string suggestion = closest(value.string, names);
      return fail(fmt::format("'{}' has unknown value {}; {}", path, as_written(value),
                              suggestion.empty() ? "expected " + join_quoted(names, "\"", "or")
                                                 : "did you mean \"" + suggestion + "\"?"));
    }
    const auto index = static_cast<std::size_t>(found - names.begin());
    if (is_kind) {
      const auto kind = all_kinds[index];
      if (kind != target.component->kind) {
        target.component->kind = kind;
        target.component->parameters = defaults_of(kind);
      }
    } else {
      *std::get<model::ServiceDistribution*>(target.field) =
          static_cast<model::ServiceDistribution>(index);
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
      case ValueType::distribution:
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
  auto resolved = detail::resolve(spec, assignment.path);
  if (auto* message = std::get_if<std::string>(&resolved)) {
    diagnostics.push_back({Diagnostic::Severity::error, where, std::move(*message)});
    return false;
  }
  const Resolved& target = std::get<Resolved>(resolved);
  if (target.is_table) {
    if (target.string_is_pass) {
      return apply_assignment(spec, {assignment.path + ".pass", assignment.value}, where,
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
  auto has = [&](model::Kind kind) {
    return std::any_of(spec.components.begin(), spec.components.end(),
                       [kind](const model::ComponentSpec& c) { return c.kind == kind; });
  };
  if (!has(model::Kind::source))
    diagnostics.push_back(
        {Diagnostic::Severity::error, start,
         "the scenario has no source; expected at least one component with kind = \"source\""});
  if (!has(model::Kind::outcome))
    diagnostics.push_back(
        {Diagnostic::Severity::error, start,
         "the scenario has no outcome; expected at least one component with kind = \"outcome\""});
  for (const auto& component : spec.components) {
    // After a change of kind (by assignment), edges may leave by ports the new kind lacks.
    const auto valid = model::ports_of(component.kind);
    for (std::size_t p = 0; p < model::port_count; ++p) {
      if (component.next[p].empty() || valid[p]) continue;
      diagnostics.push_back(
          {Diagnostic::Severity::error,
           component.next_where[p].line > 0 ? component.next_where[p] : component.where,
           fmt::format("component '{}' (kind {}) has no port '{}'; remove 'next.{}'", component.id,
                       model::to_string(component.kind),
                       model::to_string(static_cast<model::Port>(p)),
                       model::to_string(static_cast<model::Port>(p)))});
    }
    if (const auto* safeguard = std::get_if<model::SafeguardSpec>(&component.parameters)) {
      const auto& coupling = safeguard->coupling;
      if (coupling.with.empty() && (coupling.beta > 0.0 || coupling.difficulty_correlation > 0.0))
        diagnostics.push_back(
            {Diagnostic::Severity::error, component.where,
             fmt::format("component '{}' sets coupling.beta or coupling.difficulty_correlation but "
                         "no coupling.with; expected with = \"<component id>\"",
                         component.id)});
    }
  }
}

std::optional<ParameterValue> get_parameter(const model::ScenarioSpec& spec,
                                            std::string_view path) {
  // resolve() hands out pointers into the spec; they are only read here.
  auto resolved = detail::resolve(const_cast<model::ScenarioSpec&>(spec), path);
  const auto* target = std::get_if<Resolved>(&resolved);
  if (!target || target->is_table) return std::nullopt;
  switch (target->special) {
    case detail::Special::kind:
      return std::string(model::to_string(target->component->kind));
    case detail::Special::next_port:
      return target->component->next[static_cast<std::size_t>(target->port)];
    case detail::Special::by_context: {
      const auto& map =
          std::get<model::AiSpec>(target->component->parameters).reliability_by_context;
      const auto found = map.find(target->context);
      if (found == map.end()) return std::nullopt;
      return found->second;
    }
    case detail::Special::none:
      break;
  }
  return std::visit(
      [](auto field) -> std::optional<ParameterValue> {
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
        } else {
          return ParameterValue(
              std::string(detail::distribution_names[static_cast<std::size_t>(*field)]));
        }
      },
      target->field);
}

std::vector<Assignment> resolved_parameters(const model::ScenarioSpec& spec) {
  std::vector<Assignment> out;
  auto add = [&](std::string path) {
    if (auto value = get_parameter(spec, path)) out.push_back({std::move(path), std::move(*value)});
  };
  for (const auto& key : detail::scenario_keys()) add("scenario." + std::string(key.name));
  for (const auto& context : spec.contexts)
    for (const auto& key : detail::context_keys())
      add(fmt::format("contexts.{}.{}", context.name, key.name));
  for (const auto& component : spec.components) {
    add(component.id + ".kind");
    for (const auto& port : detail::ports_of_kind(component.kind))
      add(fmt::format("{}.next.{}", component.id, port));
    for (const auto& key : detail::component_keys(component.kind))
      add(fmt::format("{}.{}", component.id, key.name));
    if (const auto* ai = std::get_if<model::AiSpec>(&component.parameters))
      for (const auto& [context, value] : ai->reliability_by_context)
        add(fmt::format("{}.reliability_by_context.{}", component.id, context));
  }
  return out;
}

}  // namespace stsim::scenario

namespace stsim::scenario {

const std::vector<KeyInfo>& known_keys() {
  static const std::vector<KeyInfo> keys = [] {
    using detail::type_name;
    std::vector<KeyInfo> out;
    for (const auto& key : detail::scenario_keys())
      out.push_back({"scenario." + std::string(key.name), type_name(key.rule),
                     std::string(key.default_text), std::string(key.meaning)});
    for (const auto& key : detail::context_keys())
      out.push_back({"contexts.<context>." + std::string(key.name), type_name(key.rule),
                     std::string(key.default_text), std::string(key.meaning)});
    out.push_back(
        {"<component>.kind", "component kind", "required",
         "What the component is: source, ai, safeguard, operators, audit, defence or outcome"});
    out.push_back({"<component>.next", "component id or table of ports", "no edges",
                   "A component id is short for next.pass; a table gives the target of each port"});
    out.push_back(
        {"<component>.next.<port>", "component id", "\"\" (no edge)",
         "Where tasks leaving by this port go; ports: source pass; ai pass, refuse, defer; "
         "safeguard, audit and defence pass, block; operators pass, block, overflow"});
    for (auto kind : detail::all_kinds) {
      const std::string prefix = fmt::format("<{}>.", model::to_string(kind));
      for (const auto& key : detail::component_keys(kind)) {
        out.push_back({prefix + std::string(key.name), type_name(key.rule),
                       std::string(key.default_text), std::string(key.meaning)});
        if (kind == model::Kind::ai && key.name == "reliability")
          out.push_back({"<ai>.reliability_by_context.<context>", "probability", "reliability",
                         "Reliability in this context, instead of reliability"});
      }
    }
    const std::vector<KeyInfo> sweep = {
        {"sweep.design", "\"grid\", \"zip\", \"latin_hypercube\" or \"sobol\"", "\"grid\"",
         "How the dimensions combine into sweep points"},
        {"sweep.points", "integer >= 1", "required by latin_hypercube and sobol",
         "Number of points sampled by latin_hypercube and sobol designs"},
        {"sweep.seed", "integer >= 0", "1", "Seed of the latin_hypercube design"},
        {"sweep.baseline", "array", "none",
         "One value or label per dimension (grid and zip designs): the point every other point is "
         "compared with"},
        {"sweep.common_random_numbers", "boolean", "true",
         "Whether every point uses the same random streams, for paired comparisons"},
        {"sweep.dimensions[].path", "parameter path", "required",
         "The parameter this dimension varies"},
        {"sweep.dimensions[].values", "array", "required by grid and zip",
         "The values the parameter takes"},
        {"sweep.dimensions[].labels", "array of strings", "the values",
         "Names of the values, one per value"},
        {"sweep.dimensions[].low", "number", "required by latin_hypercube and sobol",
         "Lowest value sampled"},
        {"sweep.dimensions[].high", "number", "required by latin_hypercube and sobol",
         "Highest value sampled"},
        {"sweep.dimensions[].log", "boolean", "false",
         "Whether to sample uniformly on a log scale"},
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
    };
    out.insert(out.end(), sweep.begin(), sweep.end());
    return out;
  }();
  return keys;
}

}  // namespace stsim::scenario
