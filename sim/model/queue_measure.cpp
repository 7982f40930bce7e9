#include "sim/model/queue_measure.h"

#include <algorithm>
#include <limits>

#include "sim/model/keys.h"
#include "sim/model/spec.h"

namespace stsim::model {

const ComponentSpec* finite_queue_pool(const ScenarioSpec& spec) {
  for (const auto& c : spec.components) {
    const auto* o = std::get_if<OperatorSpec>(&c.parameters);
    if (o != nullptr && o->max_queue != std::numeric_limits<std::uint32_t>::max()) return &c;
  }
  return nullptr;
}

// Latent failures, whose state would carry across cycles, are refused with operators
// (latent_measure.cpp).
std::optional<std::string> queue_measure_refusal(const ScenarioSpec& spec) {
  const auto& components = spec.components;
  const auto sources = std::count_if(components.begin(), components.end(),
                                     [](const ComponentSpec& c) { return is<Source>(c); });
  const auto pools = std::count_if(components.begin(), components.end(),
                                   [](const ComponentSpec& c) { return is<Operators>(c); });
  if (sources != 1)
    return std::string("more than one source: the change of measure twists one arrival process");
  if (pools != 1)
    return std::string(
        "more than one operator pool: a cycle regenerates only when every pool is empty");
  double arrival_rate = 0.0;
  for (const auto& c : components) {
    if (const auto* s = std::get_if<SourceSpec>(&c.parameters)) {
      if (!s->profile.empty())
        return "component '" + c.id + "' (source): profile: a time-varying arrival rate";
      arrival_rate = s->rate;
    }
  }
  if (!spec.schedule.empty())
    return std::string(
        "[[schedule]]: a scheduled change may move the rates the change of measure twists");
  if (spec.episode_tasks > 0)
    return std::string(
        "scenario.episode_tasks: an episode's end counts tasks, which the change of measure "
        "makes more of");
  for (const auto& c : components) {
    const auto* o = std::get_if<OperatorSpec>(&c.parameters);
    if (o == nullptr) continue;
    if (o->review_distribution != ServiceDistribution::exponential)
      return "component '" + c.id +
             "' (operators): review_distribution is not exponential: the change of measure "
             "twists exponential reviews";
    if (arrival_rate * o->review_time >= static_cast<double>(o->count))
      return "component '" + c.id +
             "' (operators): arrivals at least as fast as reviews (rho >= 1): the queue is "
             "full often, not rarely";
  }
  return std::nullopt;
}

}  // namespace stsim::model
