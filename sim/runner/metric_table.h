#pragma once
// The metrics a run reports per point. Names, kinds and intervals are part of the output
// format (docs/output.md): append only.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/model/metrics.h"

namespace stsim::runner {

enum class MetricId : std::uint8_t {
  harm_rate,
  model_error_rate,
  hazardous_output_rate,
  near_miss_rate,
  harm_with_correct_output_rate,
  model_error_no_harm_rate,
  false_alarm_rate,
  refused_benign_share,
  refused_malicious_share,
  benign_lost_share,
  harms_per_hour,
  first_harm_probability,
  time_to_first_harm,
  harm_severity_per_task,
  tasks_per_replication,
  operator_utilisation,
  operator_mean_wait,
  operator_wait_probability,
  operator_fill_before_empty,
  latent_failures_per_replication,
  safety,
  usefulness,
  attacks_attempted,
  attacks_caught,
  shutdown_probability,
  model_reliability,
  model_reliability_evaluation_mix,
};
inline constexpr std::size_t metric_count = 27;

// proportion: events over trials pooled across replications (Clopper-Pearson);
// rate: events over an exposure (Garwood); mean: of one value per replication, every
// one non-negative (Student t on the log scale, which never reaches below zero).
enum class MetricKind : std::uint8_t { proportion, rate, mean };
enum class IntervalKind : std::uint8_t {
  clopper_pearson,
  wilson,
  garwood,
  student_t,
  log_student_t
};

struct MetricInfo {
  MetricId id;
  const char* name;
  MetricKind kind;
  IntervalKind interval;
  const char* unit;
  const char* description;
};

const std::array<MetricInfo, metric_count>& metric_table();
inline const MetricInfo& info(MetricId id) { return metric_table()[static_cast<std::size_t>(id)]; }
std::optional<MetricId> find_metric(std::string_view name);
const char* to_string(MetricKind kind);
const char* to_string(IntervalKind kind);

// One replication's contribution to a metric. Proportions and rates: `count` events over
// `exposure` trials or hours. Means: `value`, or !defined when the replication has none
// (e.g. operator wait without operators), in which case it is left out.
// Under importance sampling (docs/rare-events.md) a proportion or rate also has its
// events counted by their likelihood ratios: `weighted` (the estimate's numerator), the
// sum of squares and the largest of the tasks' weights.
struct Observation {
  std::uint64_t count = 0;
  double exposure = 0.0;
  double value = 0.0;
  bool defined = true;
  double weighted = 0.0;
  double weight_squares = 0.0;
  double largest_weight = 0.0;
  bool by_weight = false;  // the replication sampled by importance
};
using Observations = std::array<Observation, metric_count>;

// The per-replication value of every metric, `horizon` in hours.
void observe(const model::ReplicationMetrics& metrics, double horizon, Observations& out);

// The per-task count behind a proportion or rate, which importance sampling weighs;
// nothing for those about whole replications (first_harm_probability, safety, ...).
std::optional<model::Weighed> weighed_of(MetricId id);
// Whether importance sampling estimates the metric: a weighed proportion or rate, or a
// mean that its biased draws leave alone (tasks, latent failures) or that it weighs
// (severity per task).
bool estimated_under_importance(MetricId id);

// A replication's own value of a metric (count / exposure, or the value), for paired
// differences; NaN when undefined.
double replication_value(MetricId id, const Observation& observation);

}  // namespace stsim::runner
