#pragma once
// Internal to the scenario module: the catalogue of keys and the resolution of a dotted
// path to the field it names, shared by the TOML walk (loader.cpp) and assignments
// (parameters.cpp).

#include <toml++/toml.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/model/spec.h"
#include "sim/scenario/scenario.h"

namespace stsim::scenario::detail {

enum class ValueType : std::uint8_t {
  probability,  // number in [0, 1]
  number,       // number >= min (or > min); "inf" too when allow_infinity
  threshold,    // any number, "inf" or "-inf"
  duration,     // "4h" or a number of hours, >= min (or > min)
  rate,         // "12/h" or a number per hour, >= min (or > min)
  integer,      // int_min..int_max
  boolean,
  text,
  distribution,   // model::ServiceDistribution by name
  kind,           // model::Kind by name
  component_ref,  // a component id ("" = no edge)
  number_list,    // array of numbers >= 0 (source profile)
};

struct Rule {
  ValueType type = ValueType::number;
  double min = -std::numeric_limits<double>::infinity();
  bool min_inclusive = true;
  bool allow_infinity = false;
  std::int64_t int_min = 0;
  std::int64_t int_max = std::numeric_limits<std::uint32_t>::max();
};

// "probability", "duration > 0", ...: the type column of docs/scenarios.md.
std::string type_name(const Rule& rule);
// "a probability in [0, 1]", ...: what an error message says was expected.
std::string expectation(const Rule& rule);

using FieldRef = std::variant<std::monostate, double*, bool*, std::uint32_t*, std::uint64_t*,
                              std::string*, std::vector<double>*, model::ServiceDistribution*>;

enum class Special : std::uint8_t { none, kind, next_port, by_context };

struct Resolved {
  bool is_table = false;
  // For tables: what they should look like, and whether a string stands for the table's
  // `pass` key (next = "review").
  std::string_view table_expectation;
  bool string_is_pass = false;
  Rule rule;
  FieldRef field;
  Special special = Special::none;
  model::ComponentSpec* component = nullptr;
  model::Port port = model::Port::pass;
  std::string context;  // by_context: the context named
};

// What `path` names in `spec`, or the message saying why it names nothing.
std::variant<Resolved, std::string> resolve(model::ScenarioSpec& spec, std::string_view path);

// A value from a TOML file (with the node, for its location and, for arrays, its
// elements) or from an assignment.
struct Input {
  enum class Type : std::uint8_t {
    boolean,
    integer,
    floating,
    string,
    array,
    table,
    date,
    time,
    date_time
  };
  Type type = Type::string;
  bool boolean = false;
  std::int64_t integer = 0;
  double floating = 0.0;
  std::string string;
  const toml::array* array = nullptr;
};
Input input_of(const toml::node& node);
Input input_of(const ParameterValue& value);
// "a boolean", "the string \"x\"", "1.5": how an error message names a value it rejects.
std::string describe(const Input& input);

// Validates `value` against `target` and stores it; on a fault appends an error at
// `where` (array elements from a file at their own position) and changes nothing.
bool apply(model::ScenarioSpec& spec, const Resolved& target, std::string_view path,
           const Input& value, const model::SourceLocation& where,
           std::vector<Diagnostic>& diagnostics);

model::SourceLocation location_of(const toml::source_region& region, const std::string& file);

// Keys of the [sweep] section, [[sweep.dimensions]] and [sweep.precision]: names only,
// for unknown-key checks (their documentation is in known_keys()).
const std::vector<std::string>& sweep_keys();
const std::vector<std::string>& dimension_keys();
const std::vector<std::string>& precision_keys();
// Keys of [scenario] (for "this key belongs in [scenario]").
std::vector<std::string> scenario_key_names();

bool valid_id(std::string_view id);
// "unknown key 'x' in <where>; did you mean 'y'?" (or "...; expected one of a, b").
std::string unknown_key(std::string_view noun, std::string_view name, std::string_view where,
                        const std::vector<std::string>& candidates);
// "'a'" for one word, "one of 'a', 'b' or 'c'" for several.
std::string one_of(const std::vector<std::string>& words, std::string_view quote);
std::string join_quoted(const std::vector<std::string>& words, std::string_view quote,
                        std::string_view last_separator);

}  // namespace stsim::scenario::detail
