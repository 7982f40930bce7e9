#pragma once
// Importance sampling of per-task decisions by balanced failure biasing
// (docs/rare-events.md): every failure-side decision of a task whose failure probability
// q is below one half is drawn with probability one half instead, and the task carries
// the likelihood ratio of what it drew (q / (1/2) for a failure, (1 - q) / (1/2) for a
// success). What a kind's decisions mean (which outcome is the failure) is said here,
// per kind and purpose; the draws themselves stay in the kinds (TaskDraws::chance).

#include <cstdint>
#include <optional>
#include <string>

#include "sim/random/stream.h"

namespace stsim::model {

struct ComponentSpec;
struct ScenarioSpec;

// The biased probability of a rare failure-side outcome. One half: a task's path to a
// harm needs a few failures in a row (an error and two misses, say), each then drawn as
// often as its success, so a harm is seen in about 2^-m of the biased tasks while the
// weights of the others stay below 2 per decision (balanced failure biasing, Shahabuddin
// 1994). It needs no pilot run and no parameter.
inline constexpr double biased_failure = 0.5;

// Which outcomes of a component's decisions are failures, one bit per purpose
// (purposes below 64).
struct FailureSides {
  std::uint64_t when_true = 0;   // chance(purpose, p) true is the failure (a miss, a slip)
  std::uint64_t when_false = 0;  // chance(purpose, p) false is the failure (no detection)
  std::uint64_t above = 0;       // uniform_beyond(purpose, threshold): above it (an error)
  bool any() const { return (when_true | when_false | above) != 0; }
};

inline constexpr std::uint64_t purpose_bit(random::Purpose purpose) {
  const auto p = static_cast<std::uint32_t>(purpose);
  return p < 64 ? std::uint64_t{1} << p : 0;
}

FailureSides failure_sides(const ComponentSpec& component);

// Why importance sampling does not apply: the first feature through which one task's draws
// change what later tasks meet, or whose rare failures it does not bias (latent failures),
// named as the file names it; nothing when importance sampling applies.
std::optional<std::string> importance_sampling_refusal(const ScenarioSpec& spec);

// Whether a replication of `spec` samples by importance: scenario.rare_event is
// "importance", or "auto" where nothing refuses it. Throws std::invalid_argument when
// "importance" is refused.
bool uses_importance_sampling(const ScenarioSpec& spec);

}  // namespace stsim::model
