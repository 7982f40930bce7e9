#include "sim/runner/metric_table.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stsim::runner {

namespace {

using K = MetricKind;
using I = IntervalKind;

constexpr std::array<MetricInfo, metric_count> table = {{
    {MetricId::harm_rate, "harm_rate", K::proportion, I::clopper_pearson, "per task",
     "hazardous outputs acted on, per task born"},
    {MetricId::model_error_rate, "model_error_rate", K::proportion, I::clopper_pearson, "per task",
     "wrong model outputs (any mode), per task born"},
    {MetricId::hazardous_output_rate, "hazardous_output_rate", K::proportion, I::clopper_pearson,
     "per task", "outputs that would harm if acted on, per task born"},
    {MetricId::near_miss_rate, "near_miss_rate", K::proportion, I::clopper_pearson, "per task",
     "hazardous outputs stopped by a layer, per task born"},
    {MetricId::harm_with_correct_output_rate, "harm_with_correct_output_rate", K::proportion,
     I::clopper_pearson, "per task",
     "harms whose model output was correct (misuse, operator-induced), per task born"},
    {MetricId::model_error_no_harm_rate, "model_error_no_harm_rate", K::proportion,
     I::clopper_pearson, "per task", "model errors that harmed no one, per task born"},
    // A task can raise several flags (one per layer), so this is a rate, not a proportion.
    {MetricId::false_alarm_rate, "false_alarm_rate", K::rate, I::garwood, "per task",
     "flags raised on non-hazardous outputs, per task born"},
    {MetricId::refused_benign_share, "refused_benign_share", K::proportion, I::clopper_pearson,
     "per benign task", "benign tasks refused by the model"},
    {MetricId::refused_malicious_share, "refused_malicious_share", K::proportion,
     I::clopper_pearson, "per malicious task", "malicious tasks refused by the model"},
    {MetricId::benign_lost_share, "benign_lost_share", K::proportion, I::clopper_pearson,
     "per benign task", "benign tasks stopped (refusal, false alarm, overflow, pause)"},
    {MetricId::harms_per_hour, "harms_per_hour", K::rate, I::garwood, "per hour",
     "harms per hour of operation (exposure: replications x horizon)"},
    {MetricId::first_harm_probability, "first_harm_probability", K::proportion, I::clopper_pearson,
     "per replication", "replications with at least one harm within the horizon"},
    {MetricId::time_to_first_harm, "time_to_first_harm", K::mean, I::log_student_t, "hours",
     "mean of min(time to first harm, horizon); dataset censored = replications without harm"},
    {MetricId::harm_severity_per_task, "harm_severity_per_task", K::mean, I::log_student_t,
     "per task", "summed harm severity over tasks born, averaged over replications"},
    {MetricId::tasks_per_replication, "tasks_per_replication", K::mean, I::log_student_t, "tasks",
     "tasks born per replication"},
    {MetricId::operator_utilisation, "operator_utilisation", K::mean, I::log_student_t, "fraction",
     "person-hours reviewing over person-hours available, all operator pools"},
    {MetricId::operator_mean_wait, "operator_mean_wait", K::mean, I::log_student_t, "hours",
     "mean queueing wait per review started, all operator pools"},
    {MetricId::operator_wait_probability, "operator_wait_probability", K::mean, I::log_student_t,
     "fraction", "share of reviews started that waited in a queue first, all operator pools"},
    {MetricId::operator_fill_before_empty, "operator_fill_before_empty", K::proportion,
     I::clopper_pearson, "per busy period",
     "busy periods of a pool with a finite queue that filled it before it emptied, all such "
     "pools"},
    {MetricId::latent_failures_per_replication, "latent_failures_per_replication", K::mean,
     I::log_student_t, "failures", "silent safeguard failures per replication"},
    {MetricId::safety, "safety", K::proportion, I::clopper_pearson, "per episode",
     "episodes (replications) in which no attack succeeded: no harm of origin attack"},
    {MetricId::usefulness, "usefulness", K::proportion, I::clopper_pearson, "per task",
     "tasks served with a correct output, per task born"},
    {MetricId::attacks_attempted, "attacks_attempted", K::mean, I::log_student_t, "per episode",
     "attack attempts by untrusted AIs, successful or not, per replication"},
    {MetricId::attacks_caught, "attacks_caught", K::mean, I::log_student_t, "per episode",
     "attack attempts found by an audit or a review, per replication"},
    {MetricId::shutdown_probability, "shutdown_probability", K::proportion, I::clopper_pearson,
     "per episode", "replications in which a caught attempt shut the deployment down"},
    {MetricId::model_reliability, "model_reliability", K::proportion, I::clopper_pearson,
     "per output", "share of the AIs' outputs (refusals aside) that were correct: in deployment"},
    {MetricId::model_reliability_evaluation_mix, "model_reliability_evaluation_mix", K::mean,
     I::log_student_t, "per output",
     "the answering AI's reliability averaged over the contexts' weights in the file, per "
     "output: on the evaluation mix"},
}};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (static_cast<std::size_t>(table[i].id) != i) return false;
  }
  return true;
}
static_assert(table_in_enum_order(), "metric table rows must follow MetricId order");

}  // namespace

const std::array<MetricInfo, metric_count>& metric_table() { return table; }

std::optional<MetricId> find_metric(std::string_view name) {
  for (const auto& m : table) {
    if (name == m.name) return m.id;
  }
  return std::nullopt;
}

const char* to_string(MetricKind kind) {
  switch (kind) {
    case MetricKind::proportion:
      return "proportion";
    case MetricKind::rate:
      return "rate";
    case MetricKind::mean:
      return "mean";
  }
  return "?";
}

const char* to_string(IntervalKind kind) {
  switch (kind) {
    case IntervalKind::clopper_pearson:
      return "clopper-pearson";
    case IntervalKind::wilson:
      return "wilson";
    case IntervalKind::garwood:
      return "garwood";
    case IntervalKind::student_t:
      return "student-t";
    case IntervalKind::log_student_t:
      return "log-student-t";
  }
  return "?";
}

std::optional<model::Weighed> weighed_of(MetricId id) {
  using model::Weighed;
  switch (id) {
    case MetricId::harm_rate:
    case MetricId::harms_per_hour:
      return Weighed::harms;
    case MetricId::model_error_rate:
      return Weighed::model_errors;
    case MetricId::hazardous_output_rate:
      return Weighed::hazardous_outputs;
    case MetricId::near_miss_rate:
      return Weighed::near_misses;
    case MetricId::harm_with_correct_output_rate:
      return Weighed::harms_with_correct_output;
    case MetricId::model_error_no_harm_rate:
      return Weighed::model_errors_no_harm;
    case MetricId::false_alarm_rate:
      return Weighed::false_alarms;
    case MetricId::refused_benign_share:
      return Weighed::refused_benign;
    case MetricId::refused_malicious_share:
      return Weighed::refused_malicious;
    case MetricId::benign_lost_share:
      return Weighed::benign_lost;
    case MetricId::usefulness:
      return Weighed::served_correct;
    case MetricId::operator_fill_before_empty:
      return Weighed::pool_fills;
    default:
      return std::nullopt;
  }
}

bool estimated_under_importance(MetricId id) {
  return weighed_of(id).has_value() || id == MetricId::harm_severity_per_task ||
         id == MetricId::tasks_per_replication || id == MetricId::latent_failures_per_replication;
}

void observe(const model::ReplicationMetrics& m, double horizon, Observations& out) {
  const auto tasks = static_cast<double>(m.tasks);
  // Under the queue's change of measure the tasks, the exposures, count by their weights.
  const double tasks_weighed = m.queue_measure ? m.weighted_tasks : tasks;
  const double benign =
      m.queue_measure ? m.weighted_benign_tasks : static_cast<double>(m.benign_tasks);
  const double malicious =
      m.queue_measure ? m.weighted_malicious_tasks : static_cast<double>(m.malicious_tasks);
  auto per = [&](MetricId id, std::uint64_t count, double exposure) {
    out[static_cast<std::size_t>(id)] = {count, exposure, 0.0, true};
  };
  auto value = [&](MetricId id, double v, bool defined = true) {
    out[static_cast<std::size_t>(id)] = {0, 0.0, v, defined};
  };
  const auto near_misses = m.terminal[static_cast<std::size_t>(model::Terminal::near_miss)];
  per(MetricId::harm_rate, m.harms, tasks_weighed);
  per(MetricId::model_error_rate, m.model_errors, tasks_weighed);
  per(MetricId::hazardous_output_rate, m.hazardous_outputs, tasks_weighed);
  per(MetricId::near_miss_rate, near_misses, tasks_weighed);
  per(MetricId::harm_with_correct_output_rate, m.harms_with_correct_output, tasks_weighed);
  per(MetricId::model_error_no_harm_rate, m.model_errors_no_harm, tasks_weighed);
  per(MetricId::false_alarm_rate, m.false_alarms, tasks_weighed);
  per(MetricId::refused_benign_share, m.refused_benign, benign);
  per(MetricId::refused_malicious_share, m.refused_malicious, malicious);
  per(MetricId::benign_lost_share, m.benign_lost, benign);
  // The regenerative estimator is per task: an hour's weight under the queue's change of
  // measure is not estimated, so no exposure (the rate per hour is NaN).
  per(MetricId::harms_per_hour, m.harms, m.queue_measure ? 0.0 : horizon);
  per(MetricId::first_harm_probability, m.first_harm_observed ? 1 : 0, 1.0);
  value(MetricId::time_to_first_harm,
        m.first_harm_observed ? std::min(m.time_to_first_harm, horizon) : horizon);
  value(MetricId::harm_severity_per_task, m.tasks > 0 ? m.harm_severity / tasks : 0.0);
  value(MetricId::tasks_per_replication, tasks);
  double busy = 0.0, capacity = 0.0, wait = 0.0;
  std::uint64_t reviews = 0, waited = 0, busy_periods = 0, filled_periods = 0;
  for (const auto& pool : m.operators) {
    busy += pool.busy_time;
    capacity += pool.capacity_time;
    wait += pool.total_wait;
    reviews += pool.reviews;
    waited += pool.waited;
    busy_periods += pool.busy_periods;
    filled_periods += pool.filled_periods;
  }
  value(MetricId::operator_utilisation, capacity > 0.0 ? busy / capacity : 0.0, capacity > 0.0);
  value(MetricId::operator_mean_wait, reviews > 0 ? wait / static_cast<double>(reviews) : 0.0,
        reviews > 0);
  value(MetricId::operator_wait_probability,
        reviews > 0 ? static_cast<double>(waited) / static_cast<double>(reviews) : 0.0,
        reviews > 0);
  // Under the queue's change of measure too the busy periods count plainly: each cycle
  // holds at most one, begun by draws made as written (Operators::count_entry).
  per(MetricId::operator_fill_before_empty, filled_periods, static_cast<double>(busy_periods));
  value(MetricId::latent_failures_per_replication, static_cast<double>(m.latent_failures));
  const auto attack = static_cast<std::size_t>(model::HarmOrigin::attack);
  per(MetricId::safety, m.harms_by_origin[attack] == 0 ? 1 : 0, 1.0);
  per(MetricId::usefulness, m.served_correct, tasks_weighed);
  value(MetricId::attacks_attempted, static_cast<double>(m.attacks_attempted));
  value(MetricId::attacks_caught, static_cast<double>(m.attacks_caught));
  per(MetricId::shutdown_probability, m.shut_down ? 1 : 0, 1.0);
  const auto outputs = static_cast<double>(m.model_outputs);
  per(MetricId::model_reliability, m.model_outputs - m.model_errors, outputs);
  value(MetricId::model_reliability_evaluation_mix,
        m.model_outputs > 0 ? m.evaluation_reliability / outputs : 0.0, m.model_outputs > 0);
  if (!m.weighted) return;
  for (std::size_t k = 0; k < metric_count; ++k) {
    const auto id = static_cast<MetricId>(k);
    out[k].by_weight = true;
    if (const auto w = weighed_of(id)) {
      const auto& c = m.weights[static_cast<std::size_t>(*w)];
      out[k].weighted = c.sum;
      out[k].weight_squares = c.squares;
      out[k].largest_weight = c.largest;
    } else if (!estimated_under_importance(id)) {
      out[k].defined = false;
    }
  }
  const auto& severity = m.weights[static_cast<std::size_t>(model::Weighed::harm_severity)];
  out[static_cast<std::size_t>(MetricId::harm_severity_per_task)].value =
      m.tasks > 0 ? severity.sum / tasks_weighed : 0.0;
  // The number of tasks over a horizon is not what the cycles' weights estimate.
  if (m.queue_measure)
    out[static_cast<std::size_t>(MetricId::tasks_per_replication)].defined = false;
  // The latent failures counted are those of the biased failure times.
  if (m.latent_measure)
    out[static_cast<std::size_t>(MetricId::latent_failures_per_replication)].defined = false;
}

double replication_value(MetricId id, const Observation& o) {
  if (!o.defined) return std::numeric_limits<double>::quiet_NaN();
  if (info(id).kind == MetricKind::mean) return o.value;
  if (!(o.exposure > 0.0) || (o.by_weight && !weighed_of(id)))
    return std::numeric_limits<double>::quiet_NaN();
  return (o.by_weight ? o.weighted : static_cast<double>(o.count)) / o.exposure;
}

}  // namespace stsim::runner
