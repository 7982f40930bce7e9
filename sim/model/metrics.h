#pragma once
// What one replication of a scenario yields. Sized once per scenario by the model and
// reused across replications, so a replication allocates nothing.

#include <cstdint>
#include <vector>

namespace stsim::model {

// Where a harm came from. A harm has exactly one origin; latent failures and common
// causes are counted separately because they can be involved in any origin.
enum class HarmOrigin : std::uint8_t {
  model_error,       // the model's unsafe output passed every layer
  misuse,            // a correct output served malicious intent
  operator_induced,  // an operator turned a correct output into a hazard (interaction)
  attack,            // an untrusted AI's successful attack was acted on
  omission,          // help a benign task needed was withheld (refused, stopped, no usable output)
  late,              // a benign task's output was acted on after its context's deadline
};
inline constexpr std::size_t harm_origin_count = 6;
inline constexpr const char* harm_origin_names[harm_origin_count] = {
    "model_error", "misuse", "operator_induced", "attack", "omission", "late"};

// Every task ends in exactly one of these (or is still in flight at the horizon).
enum class Terminal : std::uint8_t {
  harm,       // hazardous output acted on
  served,     // non-hazardous output acted on (benign utility, or a harmless error)
  near_miss,  // hazardous output stopped by a layer
  lost,       // non-hazardous output stopped (refusal, false alarm, overflow)
  paused,     // arrived while service was suspended after a harm
};
inline constexpr std::size_t terminal_count = 5;

// Under importance sampling (docs/rare-events.md), the per-task counts of the proportions
// and rates, each event counted by its task's likelihood ratio: their sum, the sum of
// squares and the largest, for the diagnostics.
enum class Weighed : std::uint8_t {
  harms,
  harm_severity,  // the weight times the severity
  model_errors,
  hazardous_outputs,
  near_misses,
  harms_with_correct_output,
  model_errors_no_harm,
  false_alarms,
  refused_benign,
  refused_malicious,
  benign_lost,
  served_correct,
  pool_fills,  // busy periods of a finite pool that filled it, by their cycle's ratio
};
inline constexpr std::size_t weighed_count = 13;

struct WeightedCount {
  double sum = 0.0;
  double squares = 0.0;
  double largest = 0.0;
  void add(double w) {
    sum += w;
    squares += w * w;
    largest = w > largest ? w : largest;
  }
};

// One reviewer of an individual pool (OperatorSpec::individual).
struct ReviewerMetrics {
  std::uint64_t reviews = 0;       // reviews started
  std::uint64_t hazards_seen = 0;  // hazardous outputs reviewed
  std::uint64_t caught = 0;        // of those, caught
  double trust = 0.0;              // after its last review (its initial trust before any)
};

struct OperatorPoolMetrics {
  double busy_time = 0.0;        // person-hours spent reviewing
  double capacity_time = 0.0;    // person-hours available (count * horizon)
  std::uint64_t reviews = 0;     // reviews started
  std::uint64_t waited = 0;      // reviews that had to wait in the queue
  double total_wait = 0.0;       // hours waited, over reviews started
  double total_in_system = 0.0;  // hours from arrival at the pool to the review's end
  std::uint64_t overflowed = 0;  // tasks turned away by a full queue
  // With a finite queue: busy periods (a task entering the empty pool until it is empty
  // again), and those that filled it to capacity (count + max_queue) before it emptied.
  std::uint64_t busy_periods = 0;
  std::uint64_t filled_periods = 0;
  std::uint64_t caught = 0;        // hazards caught
  std::uint64_t hazards_seen = 0;  // hazardous outputs reviewed
  // Individual pools: per reviewer, in index order, every reviewer the replication had
  // (a schedule may add some); empty otherwise.
  std::vector<ReviewerMetrics> reviewers;
};

struct ReplicationMetrics {
  std::uint64_t tasks = 0;      // born
  std::uint64_t in_flight = 0;  // unfinished at the horizon
  std::uint64_t terminal[terminal_count] = {};

  std::uint64_t benign_tasks = 0;
  std::uint64_t malicious_tasks = 0;
  std::uint64_t model_outputs = 0;  // outputs of AIs (every answer but a refusal)
  std::uint64_t model_errors = 0;   // outputs that were wrong (any mode)
  // Summed over outputs: the reliability of the AI that gave it, averaged over the contexts'
  // weights in the file (its reliability on the evaluation mix).
  double evaluation_reliability = 0.0;
  std::uint64_t commission_errors = 0;
  std::uint64_t omission_errors = 0;
  std::uint64_t hazardous_outputs = 0;  // outputs that would harm if acted on
  std::uint64_t refused_benign = 0;
  std::uint64_t refused_malicious = 0;
  std::uint64_t benign_served = 0;   // benign tasks whose correct output was acted on (utility)
  std::uint64_t served_correct = 0;  // tasks ending served with a correct output (usefulness)
  std::uint64_t benign_lost = 0;     // benign tasks stopped: refusal, false alarm, overflow, pause
  std::uint64_t deferred = 0;
  std::uint64_t false_alarms = 0;  // flags raised on non-hazardous outputs

  std::uint64_t harms = 0;     // == terminal[harm]
  double harm_severity = 0.0;  // sum of severities
  std::uint64_t harms_by_origin[harm_origin_count] = {};
  std::uint64_t harms_with_correct_output = 0;  // misuse + operator-induced
  std::uint64_t harms_latent_involved = 0;      // passed a safeguard that had failed silently
  std::uint64_t harms_common_cause = 0;         // a layer missed through a shared cause
  std::uint64_t model_errors_no_harm = 0;       // model errors that ended in no harm

  // Indexed by component (scenario order): near misses credited to the layer that
  // caught the hazard, and harms by the last layer that could have stopped them.
  std::vector<std::uint64_t> near_misses_by_layer;
  std::vector<std::uint64_t> harms_by_last_layer;
  // Indexed by context (file order): the harms, near misses and model errors of its tasks.
  std::vector<std::uint64_t> harms_by_context;
  std::vector<std::uint64_t> near_misses_by_context;
  std::vector<std::uint64_t> model_errors_by_context;
  std::vector<OperatorPoolMetrics> operators;  // one per operator component, in scenario order
  // Per pool, the reviews started by their time in system, in stats::LogBuckets (flat:
  // pool * LogBuckets::count() + bucket); empty without operators.
  std::vector<std::uint64_t> time_in_system_buckets;

  std::uint64_t latent_failures = 0;        // safeguard failures that occurred
  std::uint64_t latent_failures_found = 0;  // by proof tests or audits

  double time_to_first_harm = 0.0;  // hours; equals the horizon when censored
  bool first_harm_observed = false;
  std::vector<std::uint64_t> harm_series;  // harms per equal time bin over the horizon

  // Control evaluations: an untrusted AI's attack attempts, successful or not; the audits
  // spent; attempts caught (by an audit or reviewers); whether the deployment was shut down.
  std::uint64_t attacks_attempted = 0;
  std::uint64_t attacks_succeeded = 0;
  std::uint64_t audits = 0;
  std::uint64_t attacks_caught = 0;
  bool shut_down = false;

  std::uint64_t events = 0;
  double paused_time = 0.0;  // hours of suspended service

  bool weighted = false;  // importance sampling: `weights` below hold the estimates
  WeightedCount weights[weighed_count] = {};
  // Under the queue's change of measure (queue_measure.h) the number of tasks changes
  // too: the tasks counted by the weights they were born with, the exposures.
  bool queue_measure = false;
  // Under the latent change of measure (latent_measure.h) the latent failures counted are
  // those of the biased times, not an estimate.
  bool latent_measure = false;
  double weighted_tasks = 0.0, weighted_benign_tasks = 0.0, weighted_malicious_tasks = 0.0;
};

}  // namespace stsim::model
