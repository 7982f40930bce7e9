#include "sim/analytic/mef.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "sim/analytic/analytic.h"
#include "sim/model/importance.h"
#include "sim/model/kinds.h"
#include "sim/structure/graph.h"

namespace stsim::analytic {

namespace {

double harm_rate(const model::ScenarioSpec& spec) {
  const auto analysis = analyse(spec);
  return analysis.find("harm_rate")->value;
}

// An id as an MEF name: letters, digits, '_' and '-' stay; anything else becomes '_'.
std::string mef_name(const std::string& id) {
  std::string out;
  for (char c : id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    out += plain ? c : '_';
  }
  if (out.empty() || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z')))
    out = "c_" + out;
  return out;
}

}  // namespace

std::string to_mef(const model::ScenarioSpec& spec) {
  if (const auto why = outside_subset(spec)) throw std::invalid_argument(*why);
  for (const auto& context : spec.contexts) {
    if (context.malicious_share > 0.0)
      throw std::invalid_argument("context '" + context.name + "' has malicious_share = " +
                                  model::format_number(context.malicious_share) +
                                  ": misuse meets other detection probabilities than model "
                                  "errors, which one basic event per layer cannot hold");
  }
  const auto analyses = structure::minimal_cut_sets(spec);
  if (analyses.size() != 1)
    throw std::invalid_argument(fmt::format(
        "{} ai components: the static fault tree has one origin of hazards", analyses.size()));
  const auto& cuts = analyses.front();
  if (cuts.minimal.size() != 1)
    throw std::invalid_argument(fmt::format(
        "{} minimal cut sets: hazards take more than one path through the layers, and a fault "
        "tree would treat the branches between them as independent failures",
        cuts.minimal.size()));

  // Every layer of the cut set removed: what the ai sends towards harm.
  const auto& layers = cuts.minimal.front().layers;
  const auto without = [&](std::size_t kept) {
    model::ScenarioSpec s = spec;
    for (const auto layer : layers) {
      if (layer == kept) continue;
      const auto& kind = model::kind_info(s.components[layer].parameters.index());
      kind.counterfactual(s.components[layer], model::Counterfactual::removed, 0.0);
    }
    return s;
  };
  const double p_ai = harm_rate(without(spec.components.size()));
  if (!(p_ai > 0.0))
    throw std::invalid_argument("the ai sends no hazard towards harm: the tree would be empty");

  std::vector<double> misses;
  double product = p_ai;
  for (const auto layer : layers) {
    misses.push_back(harm_rate(without(layer)) / p_ai);
    product *= misses.back();
  }
  // Independent basic events: the harm rate is their product exactly, unless a common
  // cause or a latent failure couples the layers.
  const double harm = harm_rate(spec);
  if (!(std::abs(harm - product) <= 1e-9 * harm))
    throw std::invalid_argument(
        fmt::format("the layers are not independent: harm per task {} is not P(ai) x their miss "
                    "probabilities = {} (a common cause or a latent failure couples them)",
                    harm, product));
  // Each miss probability moves the harm rate on its own: a layer whose misses depend on
  // another's (a beta factor on a layer before it) fits the product but not the tree.
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!(misses[i] > 0.0)) continue;  // a perfect layer: no harm to move
    const double step = std::min(model::importance_step, 1.0 - misses[i]);
    const double expected = product / misses[i] * (misses[i] + step);
    const double nudged = harm_rate(model::with_counterfactual(
        spec, static_cast<std::uint32_t>(layers[i]), model::Counterfactual::nudged));
    if (!(std::abs(nudged - expected) <= 1e-9 * expected))
      throw std::invalid_argument(fmt::format(
          "the layers are not independent: the misses of '{}' do not move the harm rate as an "
          "independent event's would (a common cause couples it to another component)",
          spec.components[layers[i]].id));
  }

  const std::string& ai = spec.components[cuts.origin].id;
  std::string events = fmt::format("        <basic-event name=\"{}\"/>\n", mef_name(ai));
  std::string data = fmt::format(
      "    <define-basic-event name=\"{}\">\n      <label>{} gives a hazardous output "
      "(per task)</label>\n      <float value=\"{:.17g}\"/>\n    </define-basic-event>\n",
      mef_name(ai), mef_name(ai), p_ai);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string& id = spec.components[layers[i]].id;
    const double miss = misses[i];
    events += fmt::format("        <basic-event name=\"{}\"/>\n", mef_name(id));
    data += fmt::format(
        "    <define-basic-event name=\"{}\">\n      <label>{} misses a hazard</label>\n"
        "      <float value=\"{:.17g}\"/>\n    </define-basic-event>\n",
        mef_name(id), mef_name(id), miss);
  }
  // A gate of one event is that event (MEF's null gate); of several, their conjunction.
  const std::string formula = layers.empty() ? events : "      <and>\n" + events + "      </and>\n";
  return fmt::format(
      "<?xml version=\"1.0\"?>\n"
      "<!-- The static fault tree of scenario '{}', exported by stsim graph in MEF:\n"
      "     harm per task is the probability of the top event. -->\n"
      "<opsa-mef>\n"
      "  <define-fault-tree name=\"{}\">\n"
      "    <define-gate name=\"harm\">\n"
      "      <label>a hazardous output is acted on (per task)</label>\n"
      "{}"
      "    </define-gate>\n"
      "  </define-fault-tree>\n"
      "  <model-data>\n"
      "{}"
      "  </model-data>\n"
      "</opsa-mef>\n",
      mef_name(spec.name), mef_name(spec.name), formula, data);
}

}  // namespace stsim::analytic
