#pragma once
// Exact answers for the scenarios that have one, to set beside the simulation's
// estimates. The analytic subset (everything else is refused with the component and
// parameter that puts the scenario outside it):
//  - sources: constant-rate Poisson (no profile), each feeding the one ai component;
//  - ai: any reliability, failure modes, refusal and deferral thresholds (Gaussian
//    scores give closed forms);
//  - safeguards and defences: constant probabilities (a safeguard's per context too);
//    common-cause coupling by beta with the ai or any other layer (chains of couplings
//    give the multiple Greek letter form), and by difficulty correlation with the ai;
//    latent failures with periodic proof tests (repair_time < test_interval) and
//    latent_beta-coupled latent failures, solved as a continuous-time Markov chain
//    between tests;
//  - votes (k-out-of-n groups) with any common-cause model, per demand (and context)
//    in closed form and for latent failures as members of the same chain, one per
//    channel, with simultaneous or staggered tests (at most max_latent_safeguards
//    safeguards and channels in the chain);
//  - operators with constant decision probabilities: no vigilance decay
//    (vigilance_floor = 1), trust that cannot move them (automation_bias = 0, or
//    trust_gain = trust_loss = 0), no workload effect (workload_scale infinite), no
//    drift, and no alarm from a non-blocking safeguard reaching them. Queue metrics:
//    exponential reviews as M/M/c (M/M/c/K with a finite max_queue); one reviewer with
//    fixed or lognormal reviews and an unbounded queue as M/G/1 (Pollaczek-Khinchine);
//    other non-exponential pools get the per-task values and utilisation only, and
//    must have an unbounded queue. A pool that feeds another must be M/M/c with an
//    unbounded queue (Burke's theorem keeps its departures Poisson); an unbounded
//    queue needs an offered load below count; no safeguard may fail latently when
//    there are operators (their arrival stream would not be Poisson);
//  - audits without drift, and only when no safeguard fails latently;
//  - routers after the ai, by context share and by score (the score's interval given
//    the ai's refusal is kept);
//  - no pause after harm; at most 64 components;
//  - control protocols (control.h): an untrusted ai with an attack policy over
//    episodes of N tasks, under upfront auditing or a trusted or untrusted monitor
//    with deferral and a by-score audit budget; their exact safety.
// Steady-state queue results are exact for an infinitely long run; everything else is
// exact for the scenario's finite horizon.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/model/spec.h"

namespace stsim::analytic {

inline constexpr std::size_t max_latent_safeguards = 4;

struct ExactMetric {
  std::string name;  // the runner's metric name (docs/output.md), e.g. "harm_rate"
  double value = 0.0;
  bool steady_state = false;  // exact in the long run only (queues started empty)
};

// Availability of one safeguard that fails latently.
struct SafeguardAvailability {
  std::string id;
  double pfd_avg = 0.0;  // time-averaged P(failed or under repair) over the horizon
};

struct PoolAnalysis {
  std::string id;
  double arrival_rate = 0.0;  // tasks per hour reaching the pool
  double service_rate = 0.0;  // reviews per hour per operator
  std::uint32_t servers = 1;
  double p_wait = 0.0;
  double mean_wait = 0.0;  // hours, admitted reviews
  double utilisation = 0.0;
  double p_overflow = 0.0;
  double p_fill_before_empty = 0.0;  // finite queue, exponential reviews; else NaN
  bool stable = true;
};

struct Analysis {
  std::vector<ExactMetric> metrics;
  std::vector<SafeguardAvailability> safeguards;
  std::vector<PoolAnalysis> pools;
  double task_rate = 0.0;  // tasks per hour, all sources

  const ExactMetric* find(const std::string& name) const;
};

// Why the scenario is outside the analytic subset ("component 'review' (operators):
// vigilance_floor = 0.6 < 1: vigilance decay has no closed form"), or nothing.
std::optional<std::string> outside_subset(const model::ScenarioSpec& spec);

// The exact values of every metric the subset determines. Throws std::invalid_argument
// with outside_subset()'s reason for a scenario outside the subset.
Analysis analyse(const model::ScenarioSpec& spec);

}  // namespace stsim::analytic
