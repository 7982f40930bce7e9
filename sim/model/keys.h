#pragma once
// Parameter keys: what each key of a scenario is called, its type and valid range (its
// rule), its default and what it means. Each component kind declares its own keys
// (sim/model/kinds/); the scenario-level and context keys are here. The rules are
// written once and used twice: by the scenario loader, which reports a fault at its
// file:line:col, and by the model, which refuses a spec built in code that breaks them.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace stsim::model {

struct ComponentSpec;
struct ContextSpec;
struct ScenarioSpec;

enum class ValueType : std::uint8_t {
  probability,    // number in [0, 1]
  number,         // number >= min (or > min); "inf" too when allow_infinity
  threshold,      // any number, "inf" or "-inf"
  duration,       // "4h" or a number of hours, >= min (or > min); "inf" when allow_infinity
  rate,           // "12/h" or a number per hour, >= min (or > min)
  integer,        // int_min..int_max
  boolean,        //
  text,           // a string at least `min` characters long
  choice,         // one of `choices`, by name
  kind,           // a component kind, by name
  component_ref,  // a component id ("" = none)
  number_list,    // array of numbers in [0, max_multiplier], not all zero (a source's profile)
};

// Upper bounds that no sensible scenario reaches: beyond them a value can only be a slip
// (1e308/h) or an overflow of the sums and event counts built from it. Every rate and
// every finite duration has them; numbers name theirs in their kind's key table.
constexpr double max_rate_per_hour = 1e12;    // about 3e8 a second
constexpr double max_duration_hours = 1e7;    // about 1,140 years
constexpr double max_multiplier = 1e9;        // an element of a source's profile
constexpr double max_expected_events = 1e11;  // per replication, with a derived event limit

struct Rule {
  ValueType type = ValueType::number;
  double min = -std::numeric_limits<double>::infinity();
  bool min_inclusive = true;
  bool allow_infinity = false;
  double max = std::numeric_limits<double>::infinity();  // inclusive; finite or none
  std::int64_t int_min = 0;
  std::int64_t int_max = std::numeric_limits<std::uint32_t>::max();
  std::span<const std::string_view> choices = {};
};

constexpr Rule probability() { return {ValueType::probability}; }
constexpr Rule number_at_least(double min, double max = std::numeric_limits<double>::infinity()) {
  return {ValueType::number, min, true, false, max};
}
constexpr Rule number_above(double min, bool allow_infinity = false,
                            double max = std::numeric_limits<double>::infinity()) {
  return {ValueType::number, min, false, allow_infinity, max};
}
constexpr Rule threshold() { return {ValueType::threshold}; }
constexpr Rule duration(bool positive, bool allow_infinity = false) {
  return {ValueType::duration, 0.0, !positive, allow_infinity, max_duration_hours};
}
constexpr Rule rate(bool positive) {
  return {ValueType::rate, 0.0, !positive, false, max_rate_per_hour};
}
constexpr Rule integer(std::int64_t min, std::int64_t max) {
  Rule rule{ValueType::integer};
  rule.int_min = min;
  rule.int_max = max;
  return rule;
}
constexpr Rule boolean() { return {ValueType::boolean}; }
constexpr Rule text(double min_length) { return {ValueType::text, min_length}; }
constexpr Rule choice(std::span<const std::string_view> names) {
  Rule rule{ValueType::choice};
  rule.choices = names;
  return rule;
}
constexpr Rule of_type(ValueType type) { return {type}; }
// An element of a number_list.
constexpr Rule list_element() { return number_at_least(0.0, max_multiplier); }

// A choice field: an enumeration with std::uint8_t underneath, by index into the rule's
// choices.
struct ChoiceField {
  std::uint8_t* index = nullptr;
};
// Values by context name (ai reliability_by_context): the key is "<name>.<context>".
using ByContext = std::map<std::string, double>;
// The value of `values` in `context`, or `otherwise` when it names none there.
inline double in_context(const ByContext& values, std::string_view context, double otherwise) {
  const auto found = values.find(std::string(context));
  return found == values.end() ? otherwise : found->second;
}

// Where a key's value lives in a spec.
using FieldRef = std::variant<std::monostate, double*, bool*, std::uint32_t*, std::uint64_t*,
                              std::string*, std::vector<double>*, ChoiceField, ByContext*>;

template <class Target>
struct Key {
  std::string_view name;  // relative to the target, possibly dotted ("drift.enabled")
  Rule rule;
  std::string_view default_text;
  std::string_view meaning;
  FieldRef (*field)(Target&);
  bool by_context = false;  // a table of values by context: <name>.<context>
  // A table of values by reviewer index (operators): <name>.<index>, stored as a ByContext
  // keyed by the index's decimal digits.
  bool by_reviewer = false;
};
using ComponentKey = Key<ComponentSpec>;
using ContextKey = Key<ContextSpec>;
using ScenarioKey = Key<ScenarioSpec>;

// A table of dotted keys (drift.enabled, drift.floor, ...) and what one looks like, for
// "'x.drift' expects a table such as { ... }".
struct KeyGroup {
  std::string_view name;
  std::string_view example;
};

// The field of a component's parameter, from member pointers into its kind's spec:
// field<&AiSpec::reliability>, field<&SafeguardSpec::coupling, &CouplingSpec::beta>.
// Defined in sim/model/key_fields.h, which the kinds' key tables include.
template <auto first, auto... rest>
FieldRef field(ComponentSpec& component);

const std::vector<ScenarioKey>& scenario_keys();
const std::vector<ContextKey>& context_keys();

// The shortest text that reads back as x ("0.5", "2", "1e-09").
std::string format_number(double x);
// As format_number, but 1e12 rather than 1000000000000 from a million up.
std::string format_bound(double x);
// "a duration > 0 or \"inf\"": a bound in words, for `noun` ("a number", "a duration").
// A number's upper bound is part of it ("a number >= 0 and <= 100"); the bounds every
// rate and duration share are not (out_of_range names them).
std::string constraint(const Rule& rule, std::string_view noun);
// What x must be under `rule`, when it is not: "a probability in [0, 1]".
std::optional<std::string> out_of_range(const Rule& rule, double x);
std::optional<std::string> out_of_range(const Rule& rule, std::int64_t n);
// "'path' must be <what>; got <got>".
std::string must_be(std::string_view path, std::string_view what, std::string_view got);
// "'path' has only zeros; expected at least one multiplier > 0", when every value is 0.
std::optional<std::string> all_zero(std::string_view path, const std::vector<double>& values);

// The faults of a value as stored in a spec, worded as the loader words them ("'x.y'
// must be ...; got ..."). References to components and contexts are checked by the
// model's validation, which knows the whole spec.
void value_faults(std::string_view path, const Rule& rule, const FieldRef& field,
                  std::vector<std::string>& faults);

}  // namespace stsim::model
