#include "sim/model/latent_measure.h"

#include <algorithm>

#include "sim/model/keys.h"
#include "sim/model/spec.h"

namespace stsim::model {

namespace {

struct LatentParameters {
  double rate = 0.0;
  Time test_interval = 0.0;
  Time repair_time = 0.0;
  bool staggered = false;
};

std::optional<LatentParameters> latent_parameters(const ComponentSpec& c) {
  if (const auto* g = std::get_if<SafeguardSpec>(&c.parameters))
    return LatentParameters{g->latent_failure_rate, g->test_interval, g->repair_time, false};
  if (const auto* v = std::get_if<VoteSpec>(&c.parameters))
    return LatentParameters{v->latent_failure_rate, v->test_interval, v->repair_time,
                            v->staggered_tests};
  return std::nullopt;
}

std::string named(const ComponentSpec& c, const std::string& what) {
  return "component '" + c.id + "' (" + std::string(kind_name(c)) + "): " + what;
}

}  // namespace

std::optional<double> common_test_interval(const ScenarioSpec& spec) {
  for (const auto& c : spec.components) {
    const auto p = latent_parameters(c);
    if (p && p->rate > 0.0) return p->test_interval;
  }
  return std::nullopt;
}

// The ratio restarts at each proof test only if every channel is renewed there, all at
// once: then nothing after a test depends on the latent path before it.
std::optional<std::string> latent_measure_refusal(const ScenarioSpec& spec) {
  const auto interval = common_test_interval(spec);
  if (!interval) return std::nullopt;
  if (!spec.schedule.empty())
    return std::string(
        "[[schedule]] with latent failures: a scheduled change rebuilds the components, "
        "which the latent change of measure's ratio would not follow");
  for (const auto& c : spec.components) {
    if (is<Operators>(c))
      return named(c,
                   "operators with latent failures: a review takes time, so a task meets the "
                   "latent components at different times, and the queue carries state across "
                   "proof-test intervals, which the latent change of measure does not follow");
    const auto p = latent_parameters(c);
    if (!p || !(p->rate > 0.0)) continue;
    const std::string rate = "latent failures (latent_failure_rate > 0) ";
    if (!(p->test_interval > 0.0))
      return named(c, rate +
                          "never proof-tested (test_interval = 0): the latent change of "
                          "measure needs a proof test to renew the channels");
    if (p->test_interval != *interval)
      return named(c, rate + "with test_interval = " + format_number(p->test_interval) +
                          " h, while another latent component has " + format_number(*interval) +
                          " h: the latent change of measure needs every channel renewed at "
                          "one proof test");
    if (p->staggered)
      return named(c, rate +
                          "with staggered_tests = true: a test renews one channel, not "
                          "all, so the latent path before it still matters");
    if (p->repair_time > 0.0)
      return named(c, rate + "with repair_time = " + format_number(p->repair_time) +
                          " h: a channel found down stays down past the proof test, so the "
                          "latent path before it still matters");
  }
  return std::nullopt;
}

}  // namespace stsim::model
