#pragma once
// Importance sampling of latent failure times (docs/rare-events.md): each latent failure
// process (a safeguard's own failures, common-cause latent events, a vote's channel-set
// shocks) draws its times at lambda' = max(lambda, ln 2 / T), T the proof-test interval,
// from its own stream as written, so a failure within an interval is likely. Every proof
// test renews every channel at once (a regeneration), so the replication carries the
// likelihood ratio of the current interval's latent path only: (lambda / lambda') per
// failure event, and exp(-(lambda - lambda') t) for the time t since the test. It is a
// martingale in t: a task that meets a latent-capable component at time t multiplies it
// into its weight there (Replication::weigh_latent), so the events decided before (the
// model's error) count without it.

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

namespace stsim::model {

struct ScenarioSpec;

// The proof-test interval of the scenario's latent components (that of the first, which
// latent_measure_refusal requires of all), or nothing when none can fail latently.
std::optional<double> common_test_interval(const ScenarioSpec& spec);

// Why the latent change of measure does not apply to `spec`, which has latent failures:
// the first feature that breaks the regeneration at a proof test, named as the file names
// it; nothing when it applies.
std::optional<std::string> latent_measure_refusal(const ScenarioSpec& spec);

class LatentMeasure {
 public:
  // Every latent component is proof-tested every `test_interval`, all at once.
  void configure(double test_interval) {
    active_ = true;
    floor_rate_ = std::log(2.0) / test_interval;
  }
  bool active() const { return active_; }
  // A process of rate `rate` is sampled at this rate (as written when inactive).
  double biased(double rate) const { return active_ ? std::max(rate, floor_rate_) : rate; }
  // A process of `rate` that the replication will sample (once per replication, at its
  // start): its survival term of the ratio.
  void add_process(double rate) {
    if (active_ && rate > 0.0) rate_excess_ += biased(rate) - rate;
  }
  // A replication starts just renewed.
  void begin() {
    events_ratio_ = 1.0;
    since_ = 0.0;
  }
  // An event of a process of `rate`, drawn at biased(rate).
  void event(double rate) {
    if (active_) events_ratio_ *= rate / biased(rate);
  }
  // A proof test renewed every channel at `now`: the interval's ratio restarts.
  void renewed(double now) {
    events_ratio_ = 1.0;
    since_ = now;
  }
  // The likelihood ratio of the current interval's latent path up to `now`.
  double ratio(double now) const {
    return active_ ? events_ratio_ * std::exp(rate_excess_ * (now - since_)) : 1.0;
  }

 private:
  bool active_ = false;
  double floor_rate_ = 0.0;
  double rate_excess_ = 0.0;  // sum over processes of (lambda' - lambda)
  // Per replication.
  double events_ratio_ = 1.0;
  double since_ = 0.0;
};

}  // namespace stsim::model
