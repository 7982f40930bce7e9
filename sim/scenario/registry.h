#pragma once
// Internal to the scenario module: the resolution of a dotted path to the field it names
// (the keys and their rules are the model's: sim/model/keys.h and each kind's table),
// shared by the TOML walk (loader.cpp) and assignments (parameters.cpp).

#include <toml++/toml.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "sim/model/spec.h"
#include "sim/scenario/scenario.h"

namespace stsim::scenario::detail {

using model::FieldRef;
using model::Rule;
using model::ValueType;

// "probability", "duration > 0", ...: the type column of docs/scenarios.md.
std::string type_name(const Rule& rule);
// "a probability in [0, 1]", ...: what an error message says was expected.
std::string expectation(const Rule& rule);

enum class Special : std::uint8_t { none, kind, next_port, by_context, edge_fallback };

struct Resolved {
  bool is_table = false;
  // For tables: what they should look like, and whether a string stands for one of its
  // keys: `next = "review"` is next.<the kind's main port>.
  std::string table_expectation;
  std::string string_is;
  Rule rule;
  FieldRef field;
  Special special = Special::none;
  model::ComponentSpec* component = nullptr;
  std::string port;     // next_port: the port named
  std::string context;  // by_context: the context named
};

// Each context and component of a spec by name (the first of a name), so that resolving
// every path of a file with many contexts or components is not quadratic.
struct SpecIndex {
  SpecIndex() = default;
  explicit SpecIndex(const model::ScenarioSpec& spec);
  void add_context(const std::string& name, std::size_t position) {
    contexts.emplace(name, position);
  }
  void add_component(const std::string& id, std::size_t position) {
    components.emplace(id, position);
  }
  std::unordered_map<std::string, std::size_t> contexts;
  std::unordered_map<std::string, std::size_t> components;
};

// What `path` names in `spec`, or the message saying why it names nothing. `index` must
// describe `spec`; the overload without one builds it, for a caller resolving a few paths.
std::variant<Resolved, std::string> resolve(model::ScenarioSpec& spec, const SpecIndex& index,
                                            std::string_view path);
std::variant<Resolved, std::string> resolve(model::ScenarioSpec& spec, std::string_view path);
// apply_assignment (sim/scenario/parameters.h) with the index of `spec`.
bool apply_assignment(model::ScenarioSpec& spec, const SpecIndex& index,
                      const Assignment& assignment, const model::SourceLocation& where,
                      std::vector<Diagnostic>& diagnostics);

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
const std::vector<std::string>& worst_case_keys();
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
