#include "sim/model/importance.h"

#include <limits>

#include "sim/model/kinds.h"

namespace stsim::model {

std::vector<std::uint32_t> importance_components(const ScenarioSpec& spec) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < spec.components.size(); ++i) {
    const auto& c = spec.components[i];
    const KindInfo& kind = kind_info(c.parameters.index());
    if (kind.counterfactual && (kind.is_layer(c) || kind.originates_hazards || kind.steers_layers))
      out.push_back(i);
  }
  return out;
}

ScenarioSpec with_counterfactual(const ScenarioSpec& spec, std::uint32_t component,
                                 Counterfactual c, double step) {
  ScenarioSpec out = spec;
  auto& target = out.components.at(component);
  kind_info(target.parameters.index()).counterfactual(target, c, step);
  return out;
}

std::string_view to_string(Counterfactual c) {
  switch (c) {
    case Counterfactual::perfect:
      return "perfect";
    case Counterfactual::removed:
      return "removed";
    case Counterfactual::nudged:
      return "nudged";
  }
  return "?";
}

ImportanceValues importance_values(double base, double perfect, double removed, double nudged,
                                   double step) {
  // A ratio over zero is infinite (or undefined at 0 / 0), as IEEE division gives it.
  ImportanceValues v;
  v.birnbaum = (nudged - base) / step;
  v.fussell_vesely = (base - perfect) / base;
  v.raw = removed / base;
  v.rrw = base / perfect;
  return v;
}

std::string_view to_string(ImportanceMeasure m) {
  switch (m) {
    case ImportanceMeasure::birnbaum:
      return "birnbaum";
    case ImportanceMeasure::fussell_vesely:
      return "fussell_vesely";
    case ImportanceMeasure::raw:
      return "raw";
    case ImportanceMeasure::rrw:
      return "rrw";
  }
  return "?";
}

double value_of(const ImportanceValues& values, ImportanceMeasure m) {
  switch (m) {
    case ImportanceMeasure::birnbaum:
      return values.birnbaum;
    case ImportanceMeasure::fussell_vesely:
      return values.fussell_vesely;
    case ImportanceMeasure::raw:
      return values.raw;
    case ImportanceMeasure::rrw:
      return values.rrw;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace stsim::model
