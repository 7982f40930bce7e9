#pragma once
// A scenario as plain data: the control structure (components and the edges leaving
// their ports) with every parameter resolved. The scenario loader builds it from TOML;
// the model runs it; the structure module analyses it. Time is in hours throughout.

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace stsim::model {

using Time = double;  // hours
inline constexpr double infinity = std::numeric_limits<double>::infinity();

enum class Kind : std::uint8_t { source, ai, safeguard, operators, audit, defence, outcome };

// The ways a task can leave a component. Which ports a kind uses is listed in
// ports_of(); an edge is "component id, port -> component id".
enum class Port : std::uint8_t { pass, block, refuse, defer, overflow };
inline constexpr std::size_t port_count = 5;

// One kind of demand: whether a wrong output here is hazardous and how severe a harm
// is, how many requests carry malicious intent, and how visible that intent is.
struct ContextSpec {
  std::string name;
  double weight = 1.0;           // share of tasks (normalised over contexts)
  bool hazardous = true;         // is an unsafe output here a hazard?
  double severity = 1.0;         // weight of a harm in this context
  double malicious_share = 0.0;  // probability a task here has malicious intent
  // Separation (d') between the observable scores of malicious and benign tasks:
  // benign ~ N(0, 1), malicious ~ N(observability, 1). 0 = intent invisible.
  double observability = 1.0;
};

// Organisational drift: a protocol's strength erodes while no harm occurs and is reset
// (or tightened) by one. multiplier(t) = max(floor, after_harm * exp(-(t - t_harm) /
// time_constant)), with t_harm the last harm (0 before any); the effective probability is capped
// at 1.
struct DriftSpec {
  bool enabled = false;
  Time time_constant = 90.0 * 24.0;
  double floor = 0.2;
  double after_harm = 1.0;
};

struct SourceSpec {
  double rate = 10.0;  // tasks per hour
  // Optional time-varying profile: multipliers of the rate over equal slices of
  // profile_period (e.g. 24 hourly values). Empty = constant rate.
  std::vector<double> profile;
  Time profile_period = 24.0;
};

struct AiSpec {
  double reliability = 0.99;                             // probability the output is correct
  std::map<std::string, double> reliability_by_context;  // overrides by context name
  double commission_share = 1.0;  // share of failures that are unsafe commissions (rest: omissions)
  // Refusal policy on the observable score: refuse when score > refusal_threshold.
  double refusal_threshold = infinity;
  // Deferral to humans on the model's own confidence: correct outputs have confidence
  // ~ N(confidence_separation, 1), wrong ones ~ N(0, 1); defer when below defer_threshold.
  double defer_threshold = -infinity;
  double confidence_separation = 2.0;
};

// Shared causes with another component ("with"), two ways:
//  - beta: on a task where "with" failed (the AI erred, or a safeguard missed), this
//    component fails too with probability beta (beta-factor). For latent failures:
//    common-cause events at rate beta * latent_failure_rate fail both at once, and this
//    component's independent failures occur at (1 - beta) * latent_failure_rate.
//  - difficulty_correlation: with this probability the component judges the task by the
//    same difficulty the AI's correctness was drawn from, so it misses most exactly
//    where the model errs.
struct CouplingSpec {
  std::string with;
  double beta = 0.0;
  double difficulty_correlation = 0.0;
};

struct SafeguardSpec {
  double detect_error = 0.9;   // P(flag | hazardous output from a model error)
  double detect_misuse = 0.0;  // P(flag | hazardous output serving malicious intent)
  double false_alarm = 0.01;   // P(flag | non-hazardous output)
  // true: flagged tasks leave by "block"; false: they continue by "pass" carrying an
  // alarm that operators downstream may heed.
  bool blocks = true;
  double latent_failure_rate = 0.0;  // per hour; a failed safeguard flags nothing, silently
  Time test_interval = 0.0;          // proof test period (0 = never tested)
  Time repair_time = 0.0;
  CouplingSpec coupling;
};

enum class ServiceDistribution : std::uint8_t { exponential, lognormal, fixed };

struct OperatorSpec {
  std::uint32_t count = 1;
  Time review_time = 0.05;  // mean hours per review
  ServiceDistribution review_distribution = ServiceDistribution::exponential;
  double review_cv = 1.0;  // coefficient of variation (lognormal)
  std::uint32_t max_queue = std::numeric_limits<std::uint32_t>::max();  // else "overflow"
  Time shift_length = 8.0;  // vigilance recovers at each shift change
  double detect = 0.9;      // P(catch a hazard) when fresh, checking and unloaded
  // Vigilance: 1 at shift start, decays towards vigilance_floor with this time constant.
  double vigilance_floor = 1.0;
  Time vigilance_time_constant = 2.0;
  // Trust in the AI: rises by trust_gain * (1 - trust) per output seen correct, falls
  // by trust_loss * trust per error caught. The chance of checking an unflagged output
  // is 1 - automation_bias * trust.
  double trust_initial = 0.5;
  double trust_gain = 0.0;
  double trust_loss = 0.0;
  double automation_bias = 0.0;
  // Alarm fatigue: the chance of heeding a flag is the credibility of past flags, an
  // exponentially weighted share of true alarms with this memory (in alarms).
  double alarm_memory = 20.0;
  double alarm_credibility_initial = 1.0;
  // Workload: thoroughness (review time and detection) scales by 1 / (1 + queue / workload_scale).
  double workload_scale = infinity;
  double false_reject = 0.0;  // P(reject a non-hazardous output)
  double slip = 0.0;          // P(turn a correct output into a hazardous one)
  DriftSpec drift;
};

// Sampling audit before release: catches hazards in the sample, and reveals latent
// failures of safeguards that the sampled task passed.
struct AuditSpec {
  double sample = 0.05;
  double detect = 0.95;
  DriftSpec drift;
};

// At the attack surface, independent of the model, acting on the use of outputs.
struct DefenceSpec {
  double detect_misuse = 0.5;
  double detect_error = 0.0;
  double false_alarm = 0.0;
};

struct OutcomeSpec {
  bool acted = true;  // outputs reaching it are acted on (harm or utility); else stopped
};

using Parameters = std::variant<SourceSpec, AiSpec, SafeguardSpec, OperatorSpec, AuditSpec,
                                DefenceSpec, OutcomeSpec>;

struct SourceLocation {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct ComponentSpec {
  std::string id;
  Kind kind = Kind::outcome;
  std::array<std::string, port_count> next;           // target id per port ("" = no edge)
  Parameters parameters;                              // alternative matching kind
  SourceLocation where;                               // the component's table
  std::array<SourceLocation, port_count> next_where;  // each edge's value
};

struct ScenarioSpec {
  std::string name;
  std::string description;
  Time horizon = 365.0 * 24.0;
  std::uint64_t seed = 1;
  std::uint32_t replications = 100;
  std::uint32_t time_bins = 52;
  Time pause_after_harm = 0.0;    // service suspended for this long after each harm
  std::uint64_t event_limit = 0;  // 0 = derived from the expected load
  std::vector<ContextSpec> contexts;
  std::vector<ComponentSpec> components;
};

// The ports a component of this kind can send tasks out of.
constexpr std::array<bool, port_count> ports_of(Kind kind) {
  switch (kind) {
    case Kind::source:
      return {true, false, false, false, false};
    case Kind::ai:
      return {true, false, true, true, false};
    case Kind::safeguard:
    case Kind::audit:
    case Kind::defence:
      return {true, true, false, false, false};
    case Kind::operators:
      return {true, true, false, false, true};
    case Kind::outcome:
      return {false, false, false, false, false};
  }
  return {};
}

constexpr const char* to_string(Kind kind) {
  switch (kind) {
    case Kind::source:
      return "source";
    case Kind::ai:
      return "ai";
    case Kind::safeguard:
      return "safeguard";
    case Kind::operators:
      return "operators";
    case Kind::audit:
      return "audit";
    case Kind::defence:
      return "defence";
    case Kind::outcome:
      return "outcome";
  }
  return "?";
}

constexpr const char* to_string(Port port) {
  switch (port) {
    case Port::pass:
      return "pass";
    case Port::block:
      return "block";
    case Port::refuse:
      return "refuse";
    case Port::defer:
      return "defer";
    case Port::overflow:
      return "overflow";
  }
  return "?";
}

}  // namespace stsim::model
