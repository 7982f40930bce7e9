#include "sim/model/keys.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sim/model/key_fields.h"
#include "sim/model/spec.h"

namespace stsim::model {

namespace {

constexpr std::int64_t u32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();
// A context's weight and a harm's severity: relative sizes, whose sums over contexts and
// over a run's harms (and their squares) stay finite below this.
constexpr double max_weight = 1e12;

template <auto member>
FieldRef scenario_field(ScenarioSpec& spec) {
  return field_ref(spec.*member);
}
template <auto member>
FieldRef context_field(ContextSpec& context) {
  return &(context.*member);
}

}  // namespace

const std::vector<ScenarioKey>& scenario_keys() {
  static const std::vector<ScenarioKey> keys = {
      {"name", text(1), "file name without extension",
       "Name of the scenario in reports and result files", scenario_field<&ScenarioSpec::name>},
      {"description", text(0), "\"\"", "Free text describing the scenario",
       scenario_field<&ScenarioSpec::description>},
      {"horizon", duration(true), "365d", "Simulated time of one replication",
       scenario_field<&ScenarioSpec::horizon>},
      {"seed", integer(0, i64_max), "1", "Master seed of every random stream",
       scenario_field<&ScenarioSpec::seed>},
      {"replications", integer(1, u32_max), "100",
       "Replications per sweep point when no precision target is set",
       scenario_field<&ScenarioSpec::replications>},
      {"time_bins", integer(1, u32_max), "52",
       "Number of equal time bins of the harm time series over the horizon",
       scenario_field<&ScenarioSpec::time_bins>},
      {"pause_after_harm", duration(false), "0h",
       "Service is suspended for this long after each harm",
       scenario_field<&ScenarioSpec::pause_after_harm>},
      {"episode_tasks", integer(0, i64_max), "0 (the horizon only)",
       "An episode (one replication) ends once this many tasks are born, or at the horizon",
       scenario_field<&ScenarioSpec::episode_tasks>},
      {"shutdown_on_catch", boolean(), "false",
       "An audit or review that finds an attack attempt shuts the deployment down",
       scenario_field<&ScenarioSpec::shutdown_on_catch>},
      {"event_limit", integer(0, i64_max), "0",
       "Maximum number of events in one replication; 0 = derived from the expected load",
       scenario_field<&ScenarioSpec::event_limit>},
      {"harm_rate_target", probability(), "0",
       "Red line for the acceptance test: is harm_rate below this with 95% confidence? 0 = no "
       "test",
       scenario_field<&ScenarioSpec::harm_rate_target>},
      {"stop_when_decided", boolean(), "false",
       "Stop a point's replications once the acceptance test of harm_rate_target is decided "
       "(sequential: the 5% error shared over every block boundary); needs harm_rate_target",
       scenario_field<&ScenarioSpec::stop_when_decided>},
      {"rare_event", choice(rare_event_names), "\"none\"",
       "Estimator of the results: \"none\" (plain Monte Carlo), \"importance\" (importance "
       "sampling of per-task failures and of a finite queue's overflow, refused where it does "
       "not apply) or \"auto\" (importance where it applies, else none)",
       scenario_field<&ScenarioSpec::rare_event>},
  };
  return keys;
}

const std::vector<ContextKey>& context_keys() {
  static const std::vector<ContextKey> keys = {
      {"weight", number_above(0.0, false, max_weight), "1",
       "Share of tasks in this context (normalised over all contexts)",
       context_field<&ContextSpec::weight>},
      {"hazardous", boolean(), "true", "Whether an unsafe output in this context is a hazard",
       context_field<&ContextSpec::hazardous>},
      {"severity", number_at_least(0.0, max_weight), "1", "Weight of one harm in this context",
       context_field<&ContextSpec::severity>},
      {"malicious_share", probability(), "0",
       "Probability that a task in this context has malicious intent",
       context_field<&ContextSpec::malicious_share>},
      {"observability", number_at_least(0.0), "1",
       "Separation d' between the observable scores of malicious and benign tasks; 0 = intent "
       "invisible",
       context_field<&ContextSpec::observability>},
      {"omission_hazardous", boolean(), "false",
       "Whether withholding help from a benign task here (a refusal, a stop, an output with "
       "nothing usable) is a harm, of origin omission",
       context_field<&ContextSpec::omission_hazardous>},
      {"omission_severity", number_at_least(0.0, max_weight), "1",
       "Weight of one harm of omission in this context",
       context_field<&ContextSpec::omission_severity>},
      {"deadline", duration(true, true), "inf",
       "Acting on a benign task's output later than this after its birth is a harm, of origin "
       "late",
       context_field<&ContextSpec::deadline>},
      {"late_severity", number_at_least(0.0, max_weight), "1",
       "Weight of one late harm in this context", context_field<&ContextSpec::late_severity>},
  };
  return keys;
}

std::string format_number(double x) {
  // As fmt's "{}" writes a double, without fmt: the shortest digits that read back as x,
  // in fixed notation for decimal exponents from -4 to 15, else in scientific.
  char buffer[400];
  auto written = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific);
  const std::string_view scientific(buffer, static_cast<std::size_t>(written.ptr - buffer));
  const auto e = scientific.find('e');
  if (e == std::string_view::npos) return std::string(scientific);  // inf, nan
  int exponent = 0;
  std::from_chars(scientific.data() + e + (scientific[e + 1] == '+' ? 2 : 1),
                  scientific.data() + scientific.size(), exponent);
  if (exponent < -4 || exponent >= 16) return std::string(scientific);
  written = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::fixed);
  return std::string(buffer, written.ptr);
}

std::string format_bound(double x) {
  if (!std::isfinite(x) || std::fabs(x) < 1e6) return format_number(x);
  std::string text = format_number(x);
  const auto e = text.find('e');
  if (e == std::string::npos) {
    char buffer[64];
    const auto written =
        std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific);
    text.assign(buffer, written.ptr);
  }
  // "1e+12" -> "1e12"
  std::string out = text.substr(0, text.find('e') + 1);
  std::string exponent = text.substr(text.find('e') + 1);
  if (!exponent.empty() && exponent.front() == '+') exponent.erase(0, 1);
  while (exponent.size() > 1 && exponent.front() == '0') exponent.erase(0, 1);
  return out + exponent;
}

namespace {

std::string upper_bound(const Rule& rule) {
  std::string out = " and <= " + format_bound(rule.max);
  if (rule.type == ValueType::rate) out += "/h";
  if (rule.type == ValueType::duration) out += "h";
  return out;
}

}  // namespace

std::string constraint(const Rule& rule, std::string_view noun) {
  std::string out(noun);
  out += rule.min_inclusive ? " >= " : " > ";
  out += format_number(rule.min);
  if (rule.type == ValueType::number && std::isfinite(rule.max)) out += upper_bound(rule);
  if (rule.allow_infinity) out += " or \"inf\"";
  return out;
}

std::optional<std::string> out_of_range(const Rule& rule, double x) {
  switch (rule.type) {
    case ValueType::probability:
      if (!(x >= 0.0 && x <= 1.0)) return std::string("a probability in [0, 1]");
      return std::nullopt;
    case ValueType::threshold:
      if (std::isnan(x)) return std::string("a number, \"inf\" or \"-inf\"");
      return std::nullopt;
    case ValueType::number:
    case ValueType::duration:
    case ValueType::rate: {
      const bool above = rule.min_inclusive ? x >= rule.min : x > rule.min;
      const bool below = std::isfinite(x) ? x <= rule.max : rule.allow_infinity && x > 0.0;
      if (above && below) return std::nullopt;
      std::string what = constraint(rule, rule.type == ValueType::duration ? "a duration"
                                          : rule.type == ValueType::rate   ? "a rate"
                                                                           : "a number");
      if (rule.type != ValueType::number && std::isfinite(rule.max)) {
        // The shared bound goes before "or \"inf\"", where it applies.
        const auto alternative = what.find(" or \"inf\"");
        what.insert(alternative == std::string::npos ? what.size() : alternative,
                    upper_bound(rule));
      }
      return what;
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::string> out_of_range(const Rule& rule, std::int64_t n) {
  if (n < rule.int_min) return "an integer >= " + std::to_string(rule.int_min);
  if (n > rule.int_max) return "an integer <= " + std::to_string(rule.int_max);
  return std::nullopt;
}

namespace {

// "'path'" followed by `rest`. (Appending, rather than "'" + path + ..., keeps g++ 12's
// -Wrestrict quiet.)
std::string quoted(std::string_view path, std::string_view rest) {
  std::string out = "'";
  out.append(path).append("'").append(rest);
  return out;
}

}  // namespace

std::string must_be(std::string_view path, std::string_view what, std::string_view got) {
  std::string rest = " must be ";
  rest.append(what).append("; got ").append(got);
  return quoted(path, rest);
}

std::optional<std::string> all_zero(std::string_view path, const std::vector<double>& values) {
  if (values.empty() ||
      !std::all_of(values.begin(), values.end(), [](double v) { return v == 0.0; }))
    return std::nullopt;
  return quoted(path, " has only zeros; expected at least one multiplier > 0");
}

void value_faults(std::string_view path, const Rule& rule, const FieldRef& field,
                  std::vector<std::string>& faults) {
  auto integer_fault = [&](std::int64_t n, bool too_big) {
    const auto what =
        too_big ? std::optional<std::string>("an integer <= " + std::to_string(rule.int_max))
                : out_of_range(rule, n);
    if (what) faults.push_back(must_be(path, *what, std::to_string(n)));
  };
  if (const auto* x = std::get_if<double*>(&field)) {
    if (auto what = out_of_range(rule, **x))
      faults.push_back(must_be(path, *what, format_number(**x)));
  } else if (const auto* n32 = std::get_if<std::uint32_t*>(&field)) {
    integer_fault(static_cast<std::int64_t>(**n32), false);
  } else if (const auto* n64 = std::get_if<std::uint64_t*>(&field)) {
    const bool too_big = **n64 > static_cast<std::uint64_t>(i64_max);
    integer_fault(too_big ? 0 : static_cast<std::int64_t>(**n64), too_big);
  } else if (const auto* text = std::get_if<std::string*>(&field)) {
    if (rule.type == ValueType::text && static_cast<double>((*text)->size()) < rule.min)
      faults.push_back(quoted(path, " is empty; expected a non-empty string"));
  } else if (const auto* list = std::get_if<std::vector<double>*>(&field)) {
    const Rule element = list_element();
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      const double value = (**list)[i];
      if (auto what = out_of_range(element, value))
        faults.push_back(
            must_be(std::string(path).append("[").append(std::to_string(i)).append("]"), *what,
                    format_number(value)));
    }
    if (auto zeros = all_zero(path, **list)) faults.push_back(*zeros);
  } else if (const auto* by_context = std::get_if<ByContext*>(&field)) {
    for (const auto& [context, value] : **by_context)
      if (auto what = out_of_range(rule, value))
        faults.push_back(
            must_be(std::string(path).append(".").append(context), *what, format_number(value)));
  } else if (const auto* chosen = std::get_if<ChoiceField>(&field)) {
    if (*chosen->index >= rule.choices.size())
      faults.push_back(quoted(path, " has no value number " + std::to_string(*chosen->index)));
  }
}

}  // namespace stsim::model
