// Every parameter of a spec as "path = value" lines (the scenario loader knows the keys),
// with TOML-style values, so a result file shows exactly what each point ran.

#include <fmt/core.h>

#include <type_traits>

#include "sim/runner/runner.h"
#include "sim/scenario/parameters.h"

namespace stsim::runner {

namespace {

std::string toml_value(const scenario::ParameterValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    // The source profile comes back as an array already written out.
    if (!s->empty() && s->front() == '[') return *s;
    std::string out = "\"";
    for (char c : *s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  return to_text(value);
}

}  // namespace

std::string resolved_parameters(const model::ScenarioSpec& spec) {
  std::string text;
  for (const auto& a : scenario::resolved_parameters(spec)) {
    text += fmt::format("{} = {}\n", a.path, toml_value(a.value));
  }
  return text;
}

}  // namespace stsim::runner
