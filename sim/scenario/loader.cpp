#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/model/schedule.h"
#include "sim/scenario/parameters.h"
#include "sim/scenario/prescan.h"
#include "sim/scenario/registry.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/suggest.h"
#include "sim/scenario/units.h"

namespace stsim::scenario {
namespace {

using detail::Input;
using detail::Resolved;
using detail::Rule;
using detail::ValueType;
using model::SourceLocation;

constexpr const char* command_line = "<command line>";

struct Entry {
  const toml::key* key;
  const toml::node* node;
};

toml::source_position position_of(const Entry& entry) {
  const auto& node = entry.node->source().begin;
  return node.line > 0 ? node : entry.key->source().begin;
}

// Tables are maps in TOML++: the file's order is recovered from source positions.
std::vector<Entry> in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (const auto& [key, node] : table) entries.push_back({&key, &node});
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const auto pa = position_of(a), pb = position_of(b);
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return entries;
}

// A kind any edge may lead to and any coupling may name.
const model::KindInfo& placeholder_kind() {
  for (std::size_t k = 0; k < model::kind_count; ++k) {
    const auto& kind = model::kind_info(k);
    if (kind.role == model::Role::stage && kind.can_fail) return kind;
  }
  return model::kind_info(0);
}

bool is_number(const Input& in) {
  return in.type == Input::Type::integer || in.type == Input::Type::floating;
}
double number_of(const Input& in) {
  return in.type == Input::Type::integer ? static_cast<double>(in.integer) : in.floating;
}

// A sampled bound: a number (hours, per hour), or for a duration or a rate a value in
// the parameter's own units ("2m", "12/h"); nothing when it is neither.
std::optional<double> bound_value(const Input& in, const Rule& rule) {
  if (is_number(in)) return number_of(in);
  if (in.type != Input::Type::string) return std::nullopt;
  if (rule.type == ValueType::duration) return parse_duration(in.string);
  if (rule.type == ValueType::rate) return parse_rate(in.string);
  return std::nullopt;
}

std::optional<ParameterValue> scalar_of(const Input& in) {
  switch (in.type) {
    case Input::Type::boolean:
      return in.boolean;
    case Input::Type::integer:
      return in.integer;
    case Input::Type::floating:
      return in.floating;
    case Input::Type::string:
      return in.string;
    default:
      return std::nullopt;
  }
}

bool numeric(const Rule& rule) {
  const auto type = rule.type;
  return type == ValueType::probability || type == ValueType::number ||
         type == ValueType::threshold || type == ValueType::duration || type == ValueType::rate ||
         type == ValueType::integer;
}

bool same_value(const ParameterValue& a, const ParameterValue& b) {
  auto number = [](const ParameterValue& v) -> std::optional<double> {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
  };
  const auto na = number(a), nb = number(b);
  if (na && nb) return *na == *nb;
  return a == b;
}

std::string text_of(const ParameterValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>)
          return fmt::format("\"{}\"", v);
        else
          return fmt::format("{}", v);
      },
      value);
}

class Loader {
 public:
  Loader(std::string file, std::vector<Diagnostic>& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  std::optional<Scenario> load(std::string_view text, const std::vector<Assignment>& overrides);

 private:
  SourceLocation at(const toml::node& node, const toml::key* key = nullptr) const {
    auto where = detail::location_of(node.source(), file_);
    if (where.line == 0 && key) where = detail::location_of(key->source(), file_);
    if (where.line == 0) where = {file_, 1, 1};
    return where;
  }
  SourceLocation at(const toml::key& key) const {
    auto where = detail::location_of(key.source(), file_);
    if (where.line == 0) where = {file_, 1, 1};
    return where;
  }
  void error(const SourceLocation& where, std::string message) {
    diagnostics_.push_back({Diagnostic::Severity::error, where, std::move(message)});
  }
  // A sequential acceptance test needs a red line to decide against, in the file or the
  // sweep; without one, stop_when_decided would silently do nothing.
  void check_acceptance_test() {
    const std::string stop = "scenario.stop_when_decided", target = "scenario.harm_rate_target";
    if (!spec_.stop_when_decided || spec_.harm_rate_target > 0.0) return;
    for (const auto& dimension : sweep_.dimensions)
      if (dimension.path == target) return;
    const auto at = locations_.find(stop);
    error(at != locations_.end() ? at->second : SourceLocation{file_, 1, 1},
          fmt::format("'{}' = true needs a red line to decide against; expected {} > 0 (in the "
                      "file, by --set or swept)",
                      stop, target));
  }
  void warning(const SourceLocation& where, std::string message) {
    diagnostics_.push_back({Diagnostic::Severity::warning, where, std::move(message)});
  }

  void declare(const toml::table& root);
  void walk(const std::string& path, const toml::key& key, const toml::node& node);
  void walk_table(const std::string& prefix, const toml::table& table, std::string_view skip = {});
  void read_sweep(const toml::table& table);
  std::optional<SweepDimension> read_dimension(const toml::node& node, std::size_t index);
  void check_dimensions();
  bool defer_legacy_beta(const std::string& path, const toml::key& key, const toml::node& node);
  void read_legacy_betas();
  void read_baseline(const toml::array& array);
  void read_precision(const toml::table& table);
  void read_worst_case(const toml::table& table);
  void read_schedule(const toml::node& node);
  void check_schedule();
  // Reads a sweep setting with the same rules (and messages) as a scenario parameter.
  template <class T>
  bool read_setting(const std::string& path, const toml::node& node, Rule rule, T& out) {
    locations_[path] = at(node);
    Resolved target;
    target.rule = rule;
    target.field = &out;
    return detail::apply(spec_, target, path, detail::input_of(node), at(node), diagnostics_);
  }
  bool check_value(const std::string& path, const ParameterValue& value,
                   const SourceLocation& where) {
    model::ScenarioSpec scratch = spec_;
    return apply_assignment(scratch, {path, value}, where, diagnostics_);
  }

  std::string file_;
  std::vector<Diagnostic>& diagnostics_;
  model::ScenarioSpec spec_;
  detail::SpecIndex index_;  // of spec_, as declare() fills it
  SweepSpec sweep_;
  std::map<std::string, SourceLocation> locations_;  // Scenario::locations
  // Components whose kind is missing or wrong: kept while the file is read, as a kind that
  // may be the target of any edge or coupling (placeholder_kind), so that references to them
  // add no errors of their own; removed afterwards.
  std::vector<std::string> placeholders_;
  std::vector<std::pair<std::string, const toml::table*>> tables_;  // component id -> table
  std::vector<std::pair<std::string, const toml::table*>> context_tables_;
  const toml::table* scenario_table_ = nullptr;
  const toml::table* sweep_table_ = nullptr;
  const toml::node* schedule_node_ = nullptr;
  // Where each sweep dimension's values/low/high are, for design-specific checks.
  struct DimensionNodes {
    const toml::node* values = nullptr;
    const toml::node* label = nullptr;
    const toml::node* labels = nullptr;
    const toml::node* low = nullptr;
    const toml::node* high = nullptr;
    const toml::node* log = nullptr;
    const toml::node* path = nullptr;
    // uncertainty designs: the distribution and its parameters
    const toml::node* distribution = nullptr;
    std::map<std::string, const toml::node*> shape;  // successes, trials, alpha, ...
    bool path_ok = false;
    Rule rule;
  };
  std::vector<DimensionNodes> dimension_nodes_;
  void check_distribution(SweepDimension& dimension, const DimensionNodes& nodes);
  // `<id>.coupling.beta` of files from before the key was split, read once every key of
  // the file is known (the partner decides what the old key meant).
  struct LegacyBeta {
    std::string id;
    const toml::key* key;
    const toml::node* node;
  };
  std::vector<LegacyBeta> legacy_betas_;
};

void Loader::declare(const toml::table& root) {
  for (const auto& entry : in_file_order(root)) {
    const std::string name(entry.key->str());
    const toml::node& node = *entry.node;
    const auto* table = node.as_table();
    if (name == "scenario" || name == "sweep") {
      if (!table) {
        error(at(node, entry.key),
              fmt::format("'{}' expects a table [{}] of {}; got {}", name, name,
                          name == "scenario" ? "run settings" : "sweep settings",
                          detail::describe(detail::input_of(node))));
        continue;
      }
      if (table->contains("kind"))
        error(
            at(*entry.key),
            fmt::format("'{}' is reserved for the {} and cannot be a component; choose another id",
                        name, name == "scenario" ? "run settings" : "sweep"));
      (name == "scenario" ? scenario_table_ : sweep_table_) = table;
      continue;
    }
    if (name == "schedule") {
      schedule_node_ = &node;
      continue;
    }
    if (name == "contexts") {
      if (!table) {
        error(
            at(node, entry.key),
            fmt::format("'contexts' expects a table of contexts such as [contexts.routine]; got {}",
                        detail::describe(detail::input_of(node))));
        continue;
      }
      for (const auto& context : in_file_order(*table)) {
        const std::string context_name(context.key->str());
        const auto* context_table = context.node->as_table();
        if (context_name == "kind") {
          error(at(*context.key),
                "'contexts' is reserved for the contexts and cannot be a component; choose another "
                "id");
        } else if (!context_table) {
          error(at(*context.node, context.key),
                fmt::format("'contexts.{}' expects a table of context settings; got {}",
                            context_name, detail::describe(detail::input_of(*context.node))));
        } else if (!detail::valid_id(context_name)) {
          error(at(*context.key),
                fmt::format("context name '{}' is not valid; expected letters, digits, '_' and '-'",
                            context_name));
        } else {
          model::ContextSpec spec;
          spec.name = context_name;
          index_.add_context(context_name, spec_.contexts.size());
          spec_.contexts.push_back(spec);
          context_tables_.emplace_back(context_name, context_table);
        }
      }
      continue;
    }
    if (!table) {
      const auto keys = detail::scenario_key_names();
      if (std::find(keys.begin(), keys.end(), name) != keys.end())
        error(at(*entry.key),
              fmt::format("'{}' is outside any table; expected it inside [scenario]", name));
      else
        error(at(*entry.key),
              fmt::format("'{}' is outside any table; expected a table: [scenario], "
                          "[contexts.NAME], [sweep] or a component [ID] with a kind",
                          name));
      continue;
    }
    if (!detail::valid_id(name)) {
      error(at(*entry.key),
            fmt::format("component id '{}' is not valid; expected letters, digits, '_' and '-'",
                        name));
      continue;
    }
    model::ComponentSpec component;
    component.id = name;
    placeholder_kind().set_defaults(component);
    component.where = at(node, entry.key);
    index_.add_component(name, spec_.components.size());
    spec_.components.push_back(component);
    const toml::node* kind = table->get("kind");
    bool ok = false;
    if (!kind) {
      std::vector<std::string> kinds;
      for (std::size_t k = 0; k < model::kind_count; ++k)
        kinds.emplace_back(model::kind_info(k).name);
      error(component.where, fmt::format("component '{}' has no 'kind'; expected kind = one of {}",
                                         name, detail::join_quoted(kinds, "\"", "or")));
    } else {
      auto resolved = detail::resolve(spec_, index_, name + ".kind");
      ok = detail::apply(spec_, std::get<Resolved>(resolved), name + ".kind",
                         detail::input_of(*kind), at(*kind), diagnostics_);
    }
    if (ok) {
      tables_.emplace_back(name, table);
    } else {
      placeholders_.push_back(name);
    }
  }
  if (spec_.contexts.empty()) {
    model::ContextSpec context;
    context.name = "default";
    index_.add_context(context.name, spec_.contexts.size());
    spec_.contexts.push_back(context);
  }
}

constexpr std::string_view legacy_beta_suffix = ".coupling.beta";

bool Loader::defer_legacy_beta(const std::string& path, const toml::key& key,
                               const toml::node& node) {
  if (!path.ends_with(legacy_beta_suffix)) return false;
  const std::string id = path.substr(0, path.size() - legacy_beta_suffix.size());
  for (const auto& c : spec_.components) {
    if (c.id == id && model::is<model::Safeguard>(c)) {
      legacy_betas_.push_back({id, &key, &node});
      return true;
    }
  }
  return false;
}

// One `coupling.beta` used to set both a per-demand shared miss and the common share of
// latent failures, and the common events came on top of the partner's own rate.
void Loader::read_legacy_betas() {
  for (const auto& legacy : legacy_betas_) {
    const SourceLocation where = at(*legacy.node, legacy.key);
    const std::string demand = legacy.id + ".coupling.demand_beta";
    const std::string latent = legacy.id + ".coupling.latent_beta";
    const auto target = detail::resolve(spec_, demand);
    const auto& resolved = std::get<Resolved>(target);
    const auto input = detail::input_of(*legacy.node);
    if (!detail::apply(spec_, resolved, legacy.id + ".coupling.beta", input, where, diagnostics_))
      continue;
    locations_[demand] = where;
    const model::ComponentSpec* self = nullptr;
    const model::ComponentSpec* partner = nullptr;
    for (const auto& c : spec_.components)
      if (c.id == legacy.id) self = &c;
    const auto& coupling = std::get<model::SafeguardSpec>(self->parameters).coupling;
    for (const auto& c : spec_.components)
      if (c.id == coupling.with) partner = &c;
    const std::string value = model::format_number(coupling.demand_beta);
    std::string reading = "coupling.demand_beta = " + value;
    if (partner != nullptr && model::is<model::Safeguard>(*partner)) {
      detail::apply(spec_, std::get<Resolved>(detail::resolve(spec_, latent)), latent, input, where,
                    diagnostics_);
      locations_[latent] = where;
      reading += " and coupling.latent_beta = " + value +
                 " (latent failures now follow IEC 61508-6: the common-cause events are part of "
                 "each safeguard's latent_failure_rate, no longer added to the partner's)";
    }
    warning(where, fmt::format("'{}.coupling.beta' is the key of before its split: it set both "
                               "the probability of missing with the partner on each demand and "
                               "the common share of latent failures; read as {}; set "
                               "coupling.demand_beta and coupling.latent_beta instead",
                               legacy.id, reading));
  }
}

void Loader::walk(const std::string& path, const toml::key& key, const toml::node& node) {
  if (defer_legacy_beta(path, key, node)) return;
  auto resolved = detail::resolve(spec_, index_, path);
  if (auto* message = std::get_if<std::string>(&resolved)) {
    error(at(key), std::move(*message));
    return;
  }
  const Resolved& target = std::get<Resolved>(resolved);
  if (target.special == detail::Special::next_port && node.is_table()) {
    walk_table(path + ".", *node.as_table());  // a bounded edge: to, at_most, fallback
    return;
  }
  if (!target.is_table) {
    locations_[path] = at(node, &key);
    detail::apply(spec_, target, path, detail::input_of(node), at(node, &key), diagnostics_);
    return;
  }
  if (const auto* table = node.as_table()) {
    walk_table(path + ".", *table);
  } else if (!target.string_is.empty() && node.is_string()) {
    detail::apply_assignment(spec_, index_,
                             {path + "." + target.string_is, node.as_string()->get()},
                             at(node, &key), diagnostics_);
  } else {
    error(at(node, &key), fmt::format("'{}' expects {}; got {}", path, target.table_expectation,
                                      detail::describe(detail::input_of(node))));
  }
}

void Loader::walk_table(const std::string& prefix, const toml::table& table,
                        std::string_view skip) {
  for (const auto& entry : in_file_order(table)) {
    if (entry.key->str() == skip) continue;
    walk(prefix + std::string(entry.key->str()), *entry.key, *entry.node);
  }
}

std::optional<Scenario> Loader::load(std::string_view text,
                                     const std::vector<Assignment>& overrides) {
  if (auto fault = prescan(text, file_)) {
    diagnostics_.push_back(std::move(*fault));
    return std::nullopt;
  }
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file_));
  } catch (const toml::parse_error& e) {
    std::string description(e.description());
    const std::string redefine = "cannot redefine existing ";
    const auto first_quote = description.find('\'');
    const auto last_quote = description.rfind('\'');
    const std::string name = first_quote != std::string::npos && last_quote > first_quote
                                 ? description.substr(first_quote + 1, last_quote - first_quote - 1)
                                 : std::string();
    std::string message;
    if (description.find(redefine + "table '") != std::string::npos) {
      message = fmt::format(
          "duplicate table [{}]; a table may be defined only once: merge the two definitions",
          name);
    } else if (description.find(redefine) != std::string::npos &&
               description.find("' as ") == std::string::npos) {
      message = fmt::format("duplicate key '{}'; a key may be set only once in a table", name);
    } else {
      const std::string prefix = "Error while parsing ";
      if (description.rfind(prefix, 0) == 0) description = description.substr(prefix.size());
      message = "TOML syntax error in " + description;
    }
    auto where = detail::location_of(e.source(), file_);
    if (where.line == 0) where = {file_, 1, 1};
    error(where, std::move(message));
    return std::nullopt;
  }

  spec_.name = std::filesystem::path(file_).stem().string();
  if (spec_.name.empty()) spec_.name = "scenario";
  declare(root);
  if (scenario_table_) walk_table("scenario.", *scenario_table_, "kind");
  for (const auto& [name, table] : context_tables_) walk_table("contexts." + name + ".", *table);
  for (const auto& [id, table] : tables_) walk_table(id + ".", *table, "kind");
  read_legacy_betas();
  for (const auto& assignment : overrides) {
    const SourceLocation where{command_line, 1,
                               static_cast<std::uint32_t>(assignment.path.size() + 2)};
    locations_[assignment.path] = where;
    detail::apply_assignment(spec_, index_, assignment, where, diagnostics_);
  }
  if (sweep_table_) read_sweep(*sweep_table_);
  if (schedule_node_) read_schedule(*schedule_node_);
  // The sweep sets its paths at every point, after --set: such an override would do nothing
  // in a run. (The only warning at the command line: cli/scenario_input drops it for
  // commands that ignore the sweep.)
  for (const auto& assignment : overrides) {
    for (const auto& dimension : sweep_.dimensions) {
      if (dimension.path == assignment.path) {
        warning(
            {command_line, 1, 1},
            fmt::format(
                "--set '{}' has no effect: the sweep sets it at every point ({}:{}:{}); change the "
                "sweep's values instead",
                assignment.path, dimension.where.file, dimension.where.line,
                dimension.where.column));
      }
    }
  }

  std::erase_if(spec_.components, [this](const model::ComponentSpec& c) {
    return std::find(placeholders_.begin(), placeholders_.end(), c.id) != placeholders_.end();
  });
  check_spec(spec_, file_, diagnostics_);
  check_acceptance_test();
  check_schedule();

  const bool failed =
      std::any_of(diagnostics_.begin(), diagnostics_.end(),
                  [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
  if (failed) return std::nullopt;
  Scenario scenario;
  scenario.file = file_;
  scenario.text = std::string(text);
  scenario.spec = std::move(spec_);
  scenario.sweep = std::move(sweep_);
  scenario.overrides = overrides;
  scenario.locations = std::move(locations_);
  return scenario;
}

void Loader::read_schedule(const toml::node& node) {
  const auto* array = node.as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    error(at(node), fmt::format("'schedule' expects an array of tables [[schedule]], each with "
                                "at, set and to; got {}",
                                detail::describe(detail::input_of(node))));
    return;
  }
  static const std::vector<std::string> keys = {"at", "set", "to"};
  for (const auto& element : *array) {
    model::ScheduledChange change;
    change.where = at(element);
    bool ok = true, has_at = false, has_set = false, has_to = false;
    for (const auto& entry : in_file_order(*element.as_table())) {
      const std::string name(entry.key->str());
      const toml::node& value = *entry.node;
      if (name == "at") {
        has_at = true;
        ok = read_setting("schedule.at", value, model::duration(false), change.at) && ok;
      } else if (name == "set") {
        has_set = true;
        if (const auto* text = value.as_string()) {
          change.path = text->get();
        } else {
          ok = false;
          error(at(value), fmt::format("'schedule.set' expects the path of a parameter such as "
                                       "\"model.reliability\"; got {}",
                                       detail::describe(detail::input_of(value))));
        }
      } else if (name == "to") {
        has_to = true;
        if (const auto x = value.value<double>();
            x && (value.is_integer() || value.is_floating_point())) {
          change.value = *x;
        } else {
          ok = false;
          error(at(value), fmt::format("'schedule.to' expects a number; got {}",
                                       detail::describe(detail::input_of(value))));
        }
      } else {
        ok = false;
        error(at(*entry.key), detail::unknown_key("key", name, "[[schedule]]", keys));
      }
    }
    for (const auto& [present, key] :
         {std::pair{has_at, "at"}, std::pair{has_set, "set"}, std::pair{has_to, "to"}}) {
      if (!present) {
        ok = false;
        error(
            change.where,
            fmt::format("[[schedule]] has no '{}'; expected at, set and to, such as at = \"90d\", "
                        "set = \"model.reliability\", to = 0.95",
                        key));
      }
    }
    if (ok) spec_.schedule.push_back(std::move(change));
  }
}

// Each change must name a parameter that may change during a replication, with a valid
// value, in the spec as the earlier changes leave it.
void Loader::check_schedule() {
  model::ScenarioSpec scratch = spec_;
  std::vector<const model::ScheduledChange*> order;
  for (const auto& change : spec_.schedule) order.push_back(&change);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->at < b->at; });
  for (const auto* change : order)
    if (const auto result = model::apply_change(scratch, *change);
        const auto* fault = std::get_if<std::string>(&result))
      error(change->where, *fault);
}

constexpr std::array<std::string_view, 7> design_names = {
    "grid", "zip", "latin_hypercube", "sobol", "saltelli", "morris", "uncertainty"};
constexpr const char* design_list =
    "\"grid\", \"zip\", \"latin_hypercube\", \"sobol\", \"saltelli\", \"morris\" or "
    "\"uncertainty\"";
constexpr const char* sampled_list = "latin_hypercube, sobol, saltelli, morris and uncertainty";
constexpr std::array<std::string_view, 4> distribution_names = {"beta", "lognormal", "uniform",
                                                                "triangular"};
// The parameters of each distribution, in distribution_names order.
const std::array<std::vector<std::string>, 4>& distribution_keys() {
  static const std::array<std::vector<std::string>, 4> keys = {
      std::vector<std::string>{"successes", "trials", "alpha", "beta"},
      {"median", "error_factor"},
      {"low", "high"},
      {"low", "mode", "high"}};
  return keys;
}

// Designs that sample a range [low, high] rather than list values.
bool sampled(SweepDesign design) {
  return design != SweepDesign::none && design != SweepDesign::grid && design != SweepDesign::zip;
}

void Loader::read_sweep(const toml::table& table) {
  const SourceLocation table_where = at(table);
  const toml::node* design_node = nullptr;
  const toml::node* points_node = nullptr;
  const toml::node* levels_node = nullptr;
  const toml::array* baseline = nullptr;
  const toml::table* precision = nullptr;
  const toml::table* worst_case = nullptr;
  for (const auto& entry : in_file_order(table)) {
    const std::string name(entry.key->str());
    const toml::node& node = *entry.node;
    const std::string path = "sweep." + name;
    if (name == "kind") continue;  // reported as a reserved id
    if (name == "design") {
      design_node = &node;
      const auto* text = node.as_string();
      if (!text) {
        error(at(node), fmt::format("'sweep.design' expects {}; got {}", design_list,
                                    detail::describe(detail::input_of(node))));
        continue;
      }
      const auto found = std::find(design_names.begin(), design_names.end(), text->get());
      if (found == design_names.end()) {
        const std::vector<std::string> names(design_names.begin(), design_names.end());
        const std::string suggestion = closest(text->get(), names);
        error(at(node), fmt::format("'sweep.design' has unknown value \"{}\"; {}", text->get(),
                                    suggestion.empty() ? std::string("expected ") + design_list
                                                       : "did you mean \"" + suggestion + "\"?"));
        continue;
      }
      sweep_.design = static_cast<SweepDesign>(1 + (found - design_names.begin()));
    } else if (name == "points") {
      points_node = &node;
      Rule count{ValueType::integer};
      count.int_min = 1;
      read_setting(path, node, count, sweep_.points);
    } else if (name == "levels") {
      levels_node = &node;
      Rule levels{ValueType::integer};
      levels.int_min = 2;
      levels.int_max = 1000;
      read_setting(path, node, levels, sweep_.levels);
    } else if (name == "seed") {
      Rule rule{ValueType::integer};
      rule.int_max = std::numeric_limits<std::int64_t>::max();
      read_setting(path, node, rule, sweep_.design_seed);
    } else if (name == "common_random_numbers") {
      read_setting(path, node, Rule{ValueType::boolean}, sweep_.common_random_numbers);
    } else if (name == "baseline") {
      baseline = node.as_array();
      if (!baseline)
        error(
            at(node),
            fmt::format(
                "'sweep.baseline' expects an array with one value (or label) per dimension; got {}",
                detail::describe(detail::input_of(node))));
    } else if (name == "dimensions") {
      const auto* array = node.as_array();
      if (!array) {
        error(at(node, entry.key),
              fmt::format(
                  "'sweep.dimensions' expects an array of tables [[sweep.dimensions]]; got {}",
                  detail::describe(detail::input_of(node))));
        continue;
      }
      std::size_t index = 0;
      for (const auto& element : *array)
        if (auto dimension = read_dimension(element, index++))
          sweep_.dimensions.push_back(std::move(*dimension));
    } else if (name == "worst_case") {
      worst_case = node.as_table();
      if (!worst_case)
        error(at(node, entry.key),
              fmt::format("'sweep.worst_case' expects a table [sweep.worst_case]; got {}",
                          detail::describe(detail::input_of(node))));
    } else if (name == "precision") {
      precision = node.as_table();
      if (!precision)
        error(at(node, entry.key),
              fmt::format("'sweep.precision' expects a table [sweep.precision]; got {}",
                          detail::describe(detail::input_of(node))));
    } else {
      error(at(*entry.key), detail::unknown_key("key", name, "[sweep]", detail::sweep_keys()));
    }
  }
  const bool explicit_design = sweep_.design != SweepDesign::none;
  if (!explicit_design && !dimension_nodes_.empty()) sweep_.design = SweepDesign::grid;
  if (design_node && explicit_design && dimension_nodes_.empty())
    error(at(*design_node), fmt::format("'sweep.design' is \"{}\" but there is no "
                                        "[[sweep.dimensions]]; expected at least one dimension",
                                        design_names[static_cast<std::size_t>(sweep_.design) - 1]));
  const std::string design_name =
      sweep_.design == SweepDesign::none
          ? "grid"
          : std::string(design_names[static_cast<std::size_t>(sweep_.design) - 1]);
  if (sampled(sweep_.design) && !points_node)
    error(design_node ? at(*design_node) : table_where,
          fmt::format("a {} sweep needs 'points'; expected points = <integer >= 1> in [sweep]",
                      design_name));
  if (!sampled(sweep_.design) && points_node)
    warning(at(*points_node),
            fmt::format("'sweep.points' is only used by {} designs; ignored by a {} design",
                        sampled_list, design_name));
  const bool indices =
      sweep_.design == SweepDesign::saltelli || sweep_.design == SweepDesign::morris;
  if (indices && points_node && sweep_.points == 1)
    error(at(*points_node),
          fmt::format("'sweep.points' is 1; a {} design needs at least 2 {} to estimate its "
                      "indices and their intervals",
                      design_name,
                      sweep_.design == SweepDesign::saltelli ? "base samples" : "trajectories"));
  if (levels_node && sweep_.design != SweepDesign::morris)
    warning(at(*levels_node),
            fmt::format("'sweep.levels' is only used by morris designs; ignored by a {} design",
                        design_name));
  if (levels_node && sweep_.design == SweepDesign::morris && sweep_.levels % 2 != 0)
    error(at(*levels_node), fmt::format("'sweep.levels' is {}; expected an even number of levels "
                                        "(a morris step of levels / (2 (levels - 1)) keeps "
                                        "every level equally likely)",
                                        sweep_.levels));
  check_dimensions();
  if (baseline) read_baseline(*baseline);
  if (precision) read_precision(*precision);
  if (worst_case) read_worst_case(*worst_case);
}

std::optional<SweepDimension> Loader::read_dimension(const toml::node& node, std::size_t index) {
  const auto* table = node.as_table();
  if (!table) {
    error(at(node),
          fmt::format("'sweep.dimensions[{}]' expects a table [[sweep.dimensions]]; got {}", index,
                      detail::describe(detail::input_of(node))));
    return std::nullopt;
  }
  DimensionNodes nodes;
  SweepDimension dimension;
  dimension.where = at(node);
  for (const auto& entry : in_file_order(*table)) {
    const std::string name(entry.key->str());
    if (name == "path")
      nodes.path = entry.node;
    else if (name == "values")
      nodes.values = entry.node;
    else if (name == "label")
      nodes.label = entry.node;
    else if (name == "labels")
      nodes.labels = entry.node;
    else if (name == "low")
      nodes.low = entry.node;
    else if (name == "high")
      nodes.high = entry.node;
    else if (name == "log")
      nodes.log = entry.node;
    else if (name == "distribution")
      nodes.distribution = entry.node;
    else if (name == "successes" || name == "trials" || name == "alpha" || name == "beta" ||
             name == "median" || name == "error_factor" || name == "mode")
      nodes.shape[name] = entry.node;
    else
      error(at(*entry.key),
            detail::unknown_key("key", name, "[[sweep.dimensions]]", detail::dimension_keys()));
  }
  if (!nodes.path) {
    error(dimension.where,
          "[[sweep.dimensions]] has no 'path'; expected path = \"<parameter>\", such as "
          "\"model.reliability\"");
  } else if (const auto* path = nodes.path->as_string()) {
    dimension.path = path->get();
    auto resolved = detail::resolve(spec_, index_, dimension.path);
    if (auto* message = std::get_if<std::string>(&resolved)) {
      error(at(*nodes.path), std::move(*message));
    } else if (const auto& target = std::get<Resolved>(resolved);
               target.is_table && target.string_is.empty()) {
      error(at(*nodes.path),
            fmt::format(
                "'{}' is a table, not a single parameter; expected the path of one of its keys",
                dimension.path));
    } else {
      nodes.path_ok = true;
      nodes.rule = target.is_table ? Rule{ValueType::component_ref} : target.rule;
    }
  } else {
    error(at(*nodes.path), fmt::format("'path' of a sweep dimension expects a parameter path such "
                                       "as \"model.reliability\"; got {}",
                                       detail::describe(detail::input_of(*nodes.path))));
  }
  if (nodes.label) {
    const auto* label = nodes.label->as_string();
    if (label && !label->get().empty()) {
      dimension.label = label->get();
    } else {
      error(at(*nodes.label),
            fmt::format("'label' of sweep dimension '{}' expects the dimension in words, a "
                        "non-empty string such as \"dose check interval\"; got {}",
                        dimension.path, detail::describe(detail::input_of(*nodes.label))));
    }
  }
  if (nodes.values) {
    if (const auto* values = nodes.values->as_array()) {
      for (const auto& value : *values) {
        const auto scalar = scalar_of(detail::input_of(value));
        if (!scalar) {
          error(at(value),
                fmt::format("values of sweep dimension '{}' must be single values; got {}",
                            dimension.path, detail::describe(detail::input_of(value))));
          continue;
        }
        if (nodes.path_ok) check_value(dimension.path, *scalar, at(value));
        dimension.values.push_back(*scalar);
      }
    } else {
      error(at(*nodes.values),
            fmt::format("'values' of sweep dimension '{}' expects an array; got {}", dimension.path,
                        detail::describe(detail::input_of(*nodes.values))));
    }
  }
  if (nodes.labels) {
    if (const auto* labels = nodes.labels->as_array()) {
      for (const auto& label : *labels) {
        if (const auto* text = label.as_string()) {
          if (std::find(dimension.labels.begin(), dimension.labels.end(), text->get()) !=
              dimension.labels.end())
            error(
                at(label),
                fmt::format(
                    "label \"{}\" appears twice in sweep dimension '{}'; expected distinct labels",
                    text->get(), dimension.path));
          dimension.labels.push_back(text->get());
        } else {
          error(at(label), fmt::format("labels of sweep dimension '{}' must be strings; got {}",
                                       dimension.path, detail::describe(detail::input_of(label))));
        }
      }
    } else {
      error(at(*nodes.labels),
            fmt::format("'labels' of sweep dimension '{}' expects an array of strings; got {}",
                        dimension.path, detail::describe(detail::input_of(*nodes.labels))));
    }
  }
  auto bound = [&](const toml::node* bound_node, const char* which, double& out) {
    if (!bound_node) return;
    const Input in = detail::input_of(*bound_node);
    const Rule rule = nodes.path_ok ? nodes.rule : Rule{};
    const auto value = bound_value(in, rule);
    if (!value) {
      const char* units = rule.type == ValueType::duration
                              ? " of hours or a duration such as \"2m\""
                          : rule.type == ValueType::rate ? " per hour or a rate such as \"12/h\""
                                                         : "";
      error(at(*bound_node), fmt::format("'{}' of sweep dimension '{}' expects a number{}; got {}",
                                         which, dimension.path, units, detail::describe(in)));
      return;
    }
    out = *value;
    // A parameter that cannot be sampled is reported once, by check_dimensions.
    if (nodes.path_ok && numeric(nodes.rule))
      check_value(dimension.path, *scalar_of(in), at(*bound_node));
  };
  bound(nodes.low, "low", dimension.low);
  bound(nodes.high, "high", dimension.high);
  if (nodes.log) {
    if (const auto* log = nodes.log->as_boolean())
      dimension.log_scale = log->get();
    else
      error(at(*nodes.log),
            fmt::format("'log' of sweep dimension '{}' expects true or false; got {}",
                        dimension.path, detail::describe(detail::input_of(*nodes.log))));
  }
  for (const auto& other : sweep_.dimensions)
    if (!dimension.path.empty() && other.path == dimension.path)
      error(at(*nodes.path),
            fmt::format(
                "sweep dimension '{}' appears twice; expected each parameter in one dimension only",
                dimension.path));
  dimension_nodes_.push_back(nodes);
  return dimension;
}

void Loader::check_dimensions() {
  const bool sample = sampled(sweep_.design);
  const std::string design_name =
      sweep_.design == SweepDesign::none
          ? "grid"
          : std::string(design_names[static_cast<std::size_t>(sweep_.design) - 1]);
  bool zip_length_known = false;
  std::size_t first_count = 0;
  std::string first_path;
  for (std::size_t i = 0; i < sweep_.dimensions.size(); ++i) {
    auto& dimension = sweep_.dimensions[i];
    const auto& nodes = dimension_nodes_[i];
    const SourceLocation where = dimension.where;
    // A saltelli design over uncertain parameters: Sobol' indices over their own
    // distributions rather than over uniform ranges.
    if (sweep_.design == SweepDesign::uncertainty ||
        (sweep_.design == SweepDesign::saltelli && nodes.distribution)) {
      check_distribution(dimension, nodes);
      continue;
    }
    if (nodes.distribution || !nodes.shape.empty())
      warning(nodes.distribution ? at(*nodes.distribution) : at(*nodes.shape.begin()->second),
              fmt::format("'distribution' and its parameters are only used by uncertainty and "
                          "saltelli designs; ignored by a {} design",
                          design_name));
    if (!sample) {
      if (!nodes.values) {
        error(where,
              fmt::format(
                  "sweep dimension '{}' has no 'values'; expected values = [...] for a {} design",
                  dimension.path, design_name));
        continue;
      }
      const auto* values = nodes.values->as_array();
      if (!values) continue;
      if (values->empty())
        error(at(*nodes.values),
              fmt::format("'values' of sweep dimension '{}' is empty; expected at least one value",
                          dimension.path));
      if (nodes.labels && nodes.labels->as_array() &&
          nodes.labels->as_array()->size() != values->size())
        error(at(*nodes.labels),
              fmt::format(
                  "sweep dimension '{}' has {} labels for {} values; expected one label per value",
                  dimension.path, nodes.labels->as_array()->size(), values->size()));
      if (nodes.low || nodes.high || nodes.log)
        warning(at(nodes.low    ? *nodes.low
                   : nodes.high ? *nodes.high
                                : *nodes.log),
                fmt::format("'low', 'high' and 'log' are only used by {} designs; ignored by a "
                            "{} design",
                            sampled_list, design_name));
      if (sweep_.design == SweepDesign::zip) {
        if (!zip_length_known) {
          zip_length_known = true;
          first_count = values->size();
          first_path = dimension.path;
        } else if (values->size() != first_count) {
          error(at(*nodes.values),
                fmt::format("a zip design needs dimensions of equal length; '{}' has {} values but "
                            "'{}' has {}",
                            first_path, first_count, dimension.path, values->size()));
        }
      }
      continue;
    }
    if (!nodes.low || !nodes.high) {
      error(where, fmt::format("sweep dimension '{}' needs 'low' and 'high' for a {} design",
                               dimension.path, design_name));
    } else if (bound_value(detail::input_of(*nodes.low), nodes.path_ok ? nodes.rule : Rule{}) &&
               bound_value(detail::input_of(*nodes.high), nodes.path_ok ? nodes.rule : Rule{})) {
      if (!(dimension.low < dimension.high))
        error(at(*nodes.low),
              fmt::format("sweep dimension '{}' has low = {} and high = {}; expected low < high",
                          dimension.path, dimension.low, dimension.high));
      else if (dimension.log_scale && !(dimension.low > 0.0))
        error(at(*nodes.low),
              fmt::format("sweep dimension '{}' is on a log scale with low = {}; expected low > 0",
                          dimension.path, dimension.low));
    }
    if (nodes.path_ok) {
      if (!numeric(nodes.rule))
        error(at(*nodes.path), fmt::format("sweep dimension '{}' cannot be sampled by a {} design; "
                                           "expected a numeric parameter",
                                           dimension.path, design_name));
    }
    if (nodes.values || nodes.labels)
      warning(
          at(nodes.values ? *nodes.values : *nodes.labels),
          fmt::format(
              "'values' and 'labels' are only used by grid and zip designs; ignored by a {} design",
              design_name));
  }
}

void Loader::check_distribution(SweepDimension& dimension, const DimensionNodes& nodes) {
  if (nodes.path_ok && !numeric(nodes.rule)) {
    error(at(*nodes.path), fmt::format("sweep dimension '{}' cannot be uncertain; expected a "
                                       "numeric parameter",
                                       dimension.path));
    return;
  }
  const auto* name = nodes.distribution ? nodes.distribution->as_string() : nullptr;
  if (!name) {
    error(nodes.distribution ? at(*nodes.distribution) : dimension.where,
          fmt::format("sweep dimension '{}' needs a 'distribution' for an uncertainty design; "
                      "expected distribution = \"beta\", \"lognormal\", \"uniform\" or "
                      "\"triangular\"",
                      dimension.path));
    return;
  }
  const auto found = std::find(distribution_names.begin(), distribution_names.end(), name->get());
  if (found == distribution_names.end()) {
    error(at(*nodes.distribution),
          fmt::format("'distribution' of sweep dimension '{}' has unknown value \"{}\"; expected "
                      "\"beta\", \"lognormal\", \"uniform\" or \"triangular\"",
                      dimension.path, name->get()));
    return;
  }
  const auto k = static_cast<std::size_t>(found - distribution_names.begin());
  dimension.distribution = static_cast<Distribution>(k + 1);
  const auto& allowed = distribution_keys()[k];
  std::map<std::string, const toml::node*> given = nodes.shape;
  if (nodes.low) given["low"] = nodes.low;
  if (nodes.high) given["high"] = nodes.high;
  bool ok = true;
  for (const auto& [key, node] : given) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(at(*node),
            fmt::format("'{}' is not a parameter of a {} distribution (sweep dimension "
                        "'{}'); expected {}",
                        key, name->get(), dimension.path, detail::join_quoted(allowed, "", "and")));
      ok = false;
    }
  }
  if (nodes.values || nodes.log)
    warning(at(nodes.values ? *nodes.values : *nodes.log),
            fmt::format("'values' and 'log' of sweep dimension '{}' are ignored: its "
                        "distribution says how it is sampled",
                        dimension.path));
  if (!ok) return;
  // A parameter of the distribution, a finite number (low and high as read, in units).
  const auto number = [&](const std::string& key) -> std::optional<double> {
    const auto it = given.find(key);
    if (it == given.end()) return std::nullopt;
    if (key == "low" || key == "high") return key == "low" ? dimension.low : dimension.high;
    const Input in = detail::input_of(*it->second);
    if (!is_number(in) || !std::isfinite(number_of(in))) {
      error(at(*it->second), fmt::format("'{}' of sweep dimension '{}' expects a number; got {}",
                                         key, dimension.path, detail::describe(in)));
      return std::nullopt;
    }
    return number_of(in);
  };
  const auto need = [&](std::initializer_list<const char*> keys) {
    std::vector<std::string> missing;
    for (const char* key : keys)
      if (!given.count(key)) missing.emplace_back(key);
    if (missing.empty()) return true;
    error(dimension.where,
          fmt::format("sweep dimension '{}' has a {} distribution without {}; expected {}",
                      dimension.path, name->get(), detail::join_quoted(missing, "", "and"),
                      detail::join_quoted(allowed, "", "and")));
    return false;
  };
  const auto where = [&](const char* key) { return at(*given.at(key)); };
  switch (dimension.distribution) {
    case Distribution::beta: {
      if (given.count("successes") || given.count("trials")) {
        if (given.count("alpha") || given.count("beta")) {
          error(where(given.count("alpha") ? "alpha" : "beta"),
                fmt::format("sweep dimension '{}' gives successes and trials and also alpha or "
                            "beta; expected one pair",
                            dimension.path));
          return;
        }
        if (!need({"successes", "trials"})) return;
        const auto successes = number("successes"), trials = number("trials");
        if (!successes || !trials) return;
        if (!(*successes >= 0.0 && *successes == std::floor(*successes) && *trials >= 1.0 &&
              *trials == std::floor(*trials) && *successes <= *trials)) {
          error(where("successes"),
                fmt::format("sweep dimension '{}' has {} successes in {} trials; expected whole "
                            "numbers with 0 <= successes <= trials and trials >= 1",
                            dimension.path, *successes, *trials));
          return;
        }
        // The posterior after k successes in n trials from a uniform prior.
        dimension.alpha = *successes + 1.0;
        dimension.beta = *trials - *successes + 1.0;
      } else {
        if (!need({"alpha", "beta"})) return;
        const auto a = number("alpha"), b = number("beta");
        if (!a || !b) return;
        if (!(*a > 0.0 && *b > 0.0)) {
          error(where("alpha"), fmt::format("sweep dimension '{}' has alpha = {} and beta = {}; "
                                            "expected both > 0",
                                            dimension.path, *a, *b));
          return;
        }
        dimension.alpha = *a;
        dimension.beta = *b;
      }
      return;
    }
    case Distribution::lognormal: {
      if (!need({"median", "error_factor"})) return;
      const auto median = number("median"), factor = number("error_factor");
      if (!median || !factor) return;
      if (!(*median > 0.0 && *factor > 1.0)) {
        error(where("median"),
              fmt::format("sweep dimension '{}' has median = {} and error_factor = {}; expected "
                          "median > 0 and error_factor > 1",
                          dimension.path, *median, *factor));
        return;
      }
      dimension.median = *median;
      dimension.error_factor = *factor;
      return;
    }
    case Distribution::uniform:
    case Distribution::triangular: {
      const bool triangle = dimension.distribution == Distribution::triangular;
      if (!(triangle ? need({"low", "mode", "high"}) : need({"low", "high"}))) return;
      const auto mode = triangle ? number("mode") : std::optional<double>(dimension.low);
      if (!mode) return;
      dimension.mode = *mode;
      if (!(dimension.low < dimension.high) ||
          (triangle && !(dimension.low <= *mode && *mode <= dimension.high)))
        error(where("low"),
              fmt::format(
                  "sweep dimension '{}' has low = {}{} and high = {}; expected {}", dimension.path,
                  dimension.low, triangle ? fmt::format(", mode = {}", *mode) : std::string(),
                  dimension.high, triangle ? "low <= mode <= high and low < high" : "low < high"));
      return;
    }
    case Distribution::none:
      return;
  }
}

void Loader::read_baseline(const toml::array& array) {
  if (sampled(sweep_.design)) {
    error(
        at(array),
        fmt::format("'sweep.baseline' needs a grid or zip design; a {} design has no named points",
                    design_names[static_cast<std::size_t>(sweep_.design) - 1]));
    return;
  }
  const std::size_t count = sweep_.dimensions.size();
  if (array.size() != count) {
    error(at(array), fmt::format("'sweep.baseline' has {} values for {} dimensions; expected one "
                                 "value (or label) per dimension",
                                 array.size(), count));
    return;
  }
  // matches[d][i]: the baseline's entry for dimension d names that dimension's value i.
  std::vector<std::vector<bool>> matches(count);
  bool all_found = true;
  for (std::size_t d = 0; d < count; ++d) {
    const toml::node& node = *array.get(d);
    const auto& dimension = sweep_.dimensions[d];
    const auto value = scalar_of(detail::input_of(node));
    if (!value) {
      error(at(node), fmt::format("'sweep.baseline' expects single values; got {}",
                                  detail::describe(detail::input_of(node))));
      all_found = false;
      continue;
    }
    sweep_.baseline.push_back(*value);
    const auto* label = std::get_if<std::string>(&*value);
    for (std::size_t i = 0; i < dimension.values.size(); ++i)
      matches[d].push_back(
          (label && i < dimension.labels.size() && dimension.labels[i] == *label) ||
          same_value(dimension.values[i], *value));
    if (std::find(matches[d].begin(), matches[d].end(), true) == matches[d].end()) {
      all_found = false;
      std::vector<std::string> options;
      for (const auto& v : dimension.values) options.push_back(text_of(v));
      for (const auto& l : dimension.labels) options.push_back(fmt::format("\"{}\"", l));
      error(at(node),
            fmt::format("'sweep.baseline' value {} is not a value or label of dimension '{}'; "
                        "expected one of {}",
                        text_of(*value), dimension.path, detail::join_quoted(options, "", "or")));
    }
  }
  // A zip point takes value i of every dimension: the entries must agree on i.
  if (!all_found || sweep_.design != SweepDesign::zip || count == 0) return;
  for (std::size_t i = 0; i < matches[0].size(); ++i) {
    if (std::all_of(matches.begin(), matches.end(),
                    [i](const std::vector<bool>& m) { return i < m.size() && m[i]; }))
      return;
  }
  error(at(array),
        "'sweep.baseline' matches no single point of the zip design; expected the values (or "
        "labels) that one point takes in every dimension");
}

void Loader::read_precision(const toml::table& table) {
  // Unset counts stay 0: the runner applies the one set of defaults (scenario.h).
  const toml::node* metric = nullptr;
  const toml::node* relative_error = nullptr;
  const toml::node* min_node = nullptr;
  const toml::node* max_node = nullptr;
  Rule count{ValueType::integer};
  count.int_min = 1;
  for (const auto& entry : in_file_order(table)) {
    const std::string name(entry.key->str());
    const toml::node& node = *entry.node;
    const std::string path = "sweep.precision." + name;
    if (name == "metric") {
      metric = &node;
      if (const auto* text = node.as_string()) {
        sweep_.metric = text->get();
        if (sweep_.metric.empty())
          error(at(node),
                "'sweep.precision.metric' is empty; expected a metric name such as \"harm_rate\"");
      } else {
        error(at(node),
              fmt::format(
                  "'sweep.precision.metric' expects a metric name such as \"harm_rate\"; got {}",
                  detail::describe(detail::input_of(node))));
      }
    } else if (name == "relative_error") {
      relative_error = &node;
      read_setting(path, node, Rule{ValueType::number, 0.0, false}, sweep_.relative_error);
    } else if (name == "min_replications") {
      min_node = &node;
      read_setting(path, node, count, sweep_.min_replications);
    } else if (name == "max_replications") {
      max_node = &node;
      read_setting(path, node, count, sweep_.max_replications);
    } else if (name == "block_size") {
      read_setting(path, node, count, sweep_.block_size);
    } else {
      error(at(*entry.key),
            detail::unknown_key("key", name, "[sweep.precision]", detail::precision_keys()));
    }
  }
  if (!metric)
    error(at(table),
          "[sweep.precision] has no 'metric'; expected metric = \"harm_rate\" or another metric "
          "name");
  if (!relative_error)
    error(at(table),
          "[sweep.precision] has no 'relative_error'; expected relative_error = 0.05 or another "
          "number > 0");
  const auto least = sweep_.min_replications ? sweep_.min_replications : default_min_replications;
  const auto most = sweep_.max_replications ? sweep_.max_replications : default_max_replications;
  if (least > most)
    error(max_node   ? at(*max_node)
          : min_node ? at(*min_node)
                     : at(table),
          fmt::format("'sweep.precision.min_replications' ({}) is greater than "
                      "'sweep.precision.max_replications' ({}); expected min_replications <= "
                      "max_replications",
                      least, most));
}

void Loader::read_worst_case(const toml::table& table) {
  WorstCaseSpec& w = sweep_.worst_case;
  w.where = at(table);
  const toml::node* parameter = nullptr;
  const toml::node* low = nullptr;
  const toml::node* high = nullptr;
  const auto text_of = [&](const toml::node& node, const std::string& path, std::string& out) {
    if (const auto* text = node.as_string(); text && !text->get().empty()) {
      out = text->get();
      return;
    }
    error(at(node), fmt::format("'{}' expects a non-empty string; got {}", path,
                                detail::describe(detail::input_of(node))));
  };
  for (const auto& entry : in_file_order(table)) {
    const std::string name(entry.key->str());
    const toml::node& node = *entry.node;
    const std::string path = "sweep.worst_case." + name;
    if (name == "parameter") {
      parameter = &node;
      text_of(node, path, w.parameter);
    } else if (name == "metric") {
      text_of(node, path, w.metric);
    } else if (name == "low") {
      low = &node;
      read_setting(path, node, Rule{ValueType::number}, w.low);
    } else if (name == "high") {
      high = &node;
      read_setting(path, node, Rule{ValueType::number}, w.high);
    } else if (name == "log") {
      read_setting(path, node, Rule{ValueType::boolean}, w.log_scale);
    } else if (name == "grid") {
      Rule grid{ValueType::integer};
      grid.int_min = 3;
      grid.int_max = 1000;
      read_setting(path, node, grid, w.grid);
    } else if (name == "tolerance") {
      read_setting(path, node, Rule{ValueType::number, 0.0, false, false, 1.0}, w.tolerance);
    } else if (name == "replications") {
      Rule count{ValueType::integer};
      count.int_min = 1;
      read_setting(path, node, count, w.replications);
    } else {
      error(at(*entry.key),
            detail::unknown_key("key", name, "[sweep.worst_case]", detail::worst_case_keys()));
    }
  }
  for (const auto& [node, key] :
       {std::pair{parameter, "parameter"}, std::pair{low, "low"}, std::pair{high, "high"}}) {
    if (!node)
      error(at(table), fmt::format("[sweep.worst_case] has no '{}'; expected {}", key,
                                   std::string(key) == "parameter"
                                       ? "parameter = \"<ai>.attack.probability\" or another "
                                         "number parameter"
                                       : std::string(key) + " = <number>, an end of the search"));
  }
  if (low && high && !(w.low < w.high))
    error(at(*high), fmt::format("'sweep.worst_case.high' ({}) is not above "
                                 "'sweep.worst_case.low' ({}); expected low < high",
                                 model::format_number(w.high), model::format_number(w.low)));
  else if (low && w.log_scale && !(w.low > 0.0))
    error(at(*low), fmt::format("'sweep.worst_case.low' ({}) must be > 0 for a search on a log "
                                "scale; expected low > 0, or log = false",
                                model::format_number(w.low)));
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(
      diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        const bool ca = a.where.file == command_line, cb = b.where.file == command_line;
        if (ca || cb) return cb && !ca;  // command-line faults last, in the order given
        if (a.where.line != b.where.line) return a.where.line < b.where.line;
        return a.where.column < b.where.column;
      });
}

}  // namespace

model::SourceLocation Scenario::location_of(const std::string& path) const {
  const auto found = locations.find(path);
  return found != locations.end() ? found->second : model::SourceLocation{file, 1, 1};
}

std::string format(const Diagnostic& diagnostic) {
  const char* severity = diagnostic.severity == Diagnostic::Severity::error ? "error" : "warning";
  const auto& where = diagnostic.where;
  if (where.line == 0) {
    return fmt::format("{}: {}: {}", printable(where.file), severity,
                       printable(diagnostic.message));
  }
  return fmt::format("{}:{}:{}: {}: {}", printable(where.file), where.line, where.column, severity,
                     printable(diagnostic.message));
}

LoadResult load_string(std::string_view text, const std::string& file_name,
                       const std::vector<Assignment>& overrides) {
  LoadResult result;
  Loader loader(file_name, result.diagnostics);
  result.scenario = loader.load(text, overrides);
  sort_diagnostics(result.diagnostics);
  limit_repeats(result.diagnostics);
  return result;
}

LoadResult load_file(const std::string& path, const std::vector<Assignment>& overrides) {
  // Only a regular file: a directory opens as a stream on Linux and reads as empty, and
  // opening a FIFO waits for a writer forever.
  std::error_code ignored;
  std::ifstream in;
  if (std::filesystem::is_regular_file(path, ignored)) in.open(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in.is_open() || in.bad()) {
    Diagnostic unreadable;
    unreadable.where.file = path;
    unreadable.message = "cannot read the file; expected a readable TOML scenario file";
    LoadResult result;
    result.diagnostics.push_back(std::move(unreadable));
    return result;
  }
  return load_string(text.str(), path, overrides);
}

LoadResult with_assignments(const Scenario& base, const std::vector<Assignment>& assignments) {
  LoadResult result;
  Scenario scenario = base;
  for (const auto& assignment : assignments) {
    // A faulty sweep value is reported at its dimension, the line a user would edit.
    SourceLocation where{base.file, 0, 0};
    for (const auto& dimension : base.sweep.dimensions)
      if (dimension.path == assignment.path) where = dimension.where;
    apply_assignment(scenario.spec, assignment, where, result.diagnostics);
  }
  check_spec(scenario.spec, base.file, result.diagnostics);
  sort_diagnostics(result.diagnostics);
  const bool failed =
      std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                  [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
  if (!failed) result.scenario = std::move(scenario);
  return result;
}

std::optional<Assignment> parse_assignment(std::string_view text, std::string& error) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos) {
    error = fmt::format(
        "'{}' is not an assignment; expected path=value, such as model.reliability=0.9", text);
    return std::nullopt;
  }
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  const std::string_view path = trim(text.substr(0, equals));
  const std::string_view value = trim(text.substr(equals + 1));
  const bool path_ok = !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
    return c == '.' || detail::valid_id(std::string_view(&c, 1));
  });
  if (!path_ok) {
    error = fmt::format(
        "'{}' is not a parameter path; expected names joined by dots, such as "
        "model.reliability=0.9",
        path);
    return std::nullopt;
  }
  Assignment assignment{std::string(path), std::string(value)};
  const std::string toml_text = "v = " + std::string(value);
  // The parser recurses per level of nesting: a value nested too deeply is refused first.
  if (auto fault = prescan(toml_text, "<command line>")) {
    error = fault->message;
    return std::nullopt;
  }
  try {
    const auto parsed = toml::parse(std::string_view(toml_text));
    const Input in = detail::input_of(*parsed.get("v"));
    if (auto scalar = scalar_of(in)) assignment.value = std::move(*scalar);
  } catch (const toml::parse_error&) {
    // Not a TOML value: the text itself (4h, review).
  }
  error.clear();
  return assignment;
}

}  // namespace stsim::scenario
