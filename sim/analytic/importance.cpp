#include "sim/analytic/importance.h"

#include <stdexcept>

#include "sim/analytic/analytic.h"

namespace stsim::analytic {

namespace {

double exact_metric(const model::ScenarioSpec& spec, const std::string& metric) {
  const auto analysis = analyse(spec);
  const auto* m = analysis.find(metric);
  if (!m) throw std::invalid_argument("the analytic subset does not determine " + metric);
  return m->value;
}

}  // namespace

std::vector<ExactImportance> exact_importance(const model::ScenarioSpec& spec,
                                              const std::string& metric) {
  const double base = exact_metric(spec, metric);
  std::vector<ExactImportance> out;
  for (const auto component : model::importance_components(spec)) {
    ExactImportance e;
    e.id = spec.components[component].id;
    e.base = base;
    for (std::size_t c = 0; c < model::counterfactual_count; ++c) {
      const auto which = static_cast<model::Counterfactual>(c);
      e.values[c] = exact_metric(model::with_counterfactual(spec, component, which), metric);
    }
    e.measures = model::importance_values(base, e.values[0], e.values[1], e.values[2]);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace stsim::analytic
