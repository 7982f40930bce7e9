#include "sim/model/replication.h"

#include <algorithm>
#include <utility>

#include "sim/stats/quantile_sketch.h"

namespace stsim::model {

void Replication::begin(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
                        ReplicationMetrics& out) {
  // Keep the vectors' storage: a warm replication allocates nothing.
  auto near = std::move(out.near_misses_by_layer);
  auto last = std::move(out.harms_by_last_layer);
  auto harms_in = std::move(out.harms_by_context);
  auto near_in = std::move(out.near_misses_by_context);
  auto errors_in = std::move(out.model_errors_by_context);
  auto pools = std::move(out.operators);
  auto in_system = std::move(out.time_in_system_buckets);
  auto series = std::move(out.harm_series);
  out = ReplicationMetrics{};
  near.assign(nodes_.size(), 0);
  last.assign(nodes_.size(), 0);
  harms_in.assign(context_hazardous_.size(), 0);
  near_in.assign(context_hazardous_.size(), 0);
  errors_in.assign(context_hazardous_.size(), 0);
  pools.resize(pools_);
  for (auto& pool : pools) {
    auto reviewers = std::move(pool.reviewers);
    reviewers.clear();
    pool = OperatorPoolMetrics{};
    pool.reviewers = std::move(reviewers);
  }
  in_system.assign(pools_ * stats::LogBuckets::count(), 0);
  series.assign(time_bins_, 0);
  out.near_misses_by_layer = std::move(near);
  out.harms_by_last_layer = std::move(last);
  out.harms_by_context = std::move(harms_in);
  out.near_misses_by_context = std::move(near_in);
  out.model_errors_by_context = std::move(errors_in);
  out.operators = std::move(pools);
  out.time_in_system_buckets = std::move(in_system);
  out.harm_series = std::move(series);
  out.weighted = !biasing_.empty();
  out.queue_measure = queue_measure_.active();
  out.latent_measure = latent_measure_.active();
  queue_measure_.begin();
  latent_measure_.begin();
  metrics_ = &out;

  seed_ = seed;
  point_ = point;
  replication_ = replication;
  draw_space_ = random::DrawSpace(seed, point, replication);
  last_harm_ = 0.0;
  paused_until_ = 0.0;
  live_ = 0;
  free_tasks_.clear();
  for (std::size_t i = tasks_.size(); i-- > 0;)
    free_tasks_.push_back(static_cast<std::uint32_t>(i));
  queue_.reset(event_limit_);
}

void Replication::retune(const Replication& from) {
  context_table_ = from.context_table_;
  context_hazardous_ = from.context_hazardous_;
  context_severity_ = from.context_severity_;
  context_malicious_ = from.context_malicious_;
  context_omission_hazardous_ = from.context_omission_hazardous_;
  context_omission_severity_ = from.context_omission_severity_;
  context_deadline_ = from.context_deadline_;
  context_late_severity_ = from.context_late_severity_;
  coverage_ = from.coverage_;
}

std::uint32_t Replication::grow_tasks() {
  tasks_.emplace_back();
  return static_cast<std::uint32_t>(tasks_.size() - 1);
}

void Replication::finish(std::uint32_t id, Terminal terminal, std::uint32_t credit) {
  const Task& t = tasks_[id];
  ReplicationMetrics& m = *metrics_;
  if (!t.malicious && (terminal == Terminal::lost || terminal == Terminal::served)) {
    const std::uint32_t c = t.context;
    if (context_omission_hazardous_[c] != 0 && withholds_help(terminal, t.output)) {
      // Credited to what withheld the help: the component that stopped the task (an AI's
      // refusal included), else the AI whose output had nothing usable.
      harm(t, HarmOrigin::omission, context_omission_severity_[c],
           t.stopped_by != none ? t.stopped_by : t.author);
      terminal = Terminal::harm;
    } else if (terminal == Terminal::served && now() - t.born > context_deadline_[c]) {
      // Only reviews take time, so a late task was delayed by a pool's queue and review.
      harm(t, HarmOrigin::late, context_late_severity_[c], t.reviewed_by);
      terminal = Terminal::harm;
    }
  }
  ++m.terminal[static_cast<std::size_t>(terminal)];
  if (terminal == Terminal::near_miss) {
    ++m.near_misses_by_layer[credit];
    ++m.near_misses_by_context[t.context];
    weigh(Weighed::near_misses, t);
  }
  if (!t.malicious) {
    if (terminal == Terminal::served && t.output == Output::correct) ++m.benign_served;
    if (terminal == Terminal::lost || terminal == Terminal::paused) {
      ++m.benign_lost;
      weigh(Weighed::benign_lost, t);
    }
  }
  if (terminal == Terminal::served && t.output == Output::correct) {
    ++m.served_correct;
    weigh(Weighed::served_correct, t);
  }
  if (t.erred && terminal != Terminal::harm) {
    ++m.model_errors_no_harm;
    weigh(Weighed::model_errors_no_harm, t);
  }
  --live_;
  free_tasks_.push_back(id);
}

void Replication::harm(const Task& t, HarmOrigin origin, double severity, std::uint32_t last) {
  const Time now = queue_.now();
  ReplicationMetrics& m = *metrics_;
  ++m.harms;
  m.harm_severity += severity;
  weigh(Weighed::harms, t);
  weigh(Weighed::harm_severity, t, severity);
  ++m.harms_by_origin[static_cast<std::size_t>(origin)];
  ++m.harms_by_context[t.context];
  if (origin == HarmOrigin::misuse || origin == HarmOrigin::operator_induced) {
    ++m.harms_with_correct_output;
    weigh(Weighed::harms_with_correct_output, t);
  }
  if (t.down_passed != 0) ++m.harms_latent_involved;
  if (t.common_cause) ++m.harms_common_cause;
  if (last != none) ++m.harms_by_last_layer[last];
  if (!m.first_harm_observed) {
    m.first_harm_observed = true;
    m.time_to_first_harm = now;
  }
  auto bin = static_cast<std::size_t>(now / horizon_ * static_cast<double>(time_bins_));
  ++m.harm_series[std::min(bin, m.harm_series.size() - 1)];
  last_harm_ = now;
  if (pause_after_harm_ > 0.0) {
    const Time until = now + pause_after_harm_;
    m.paused_time += std::max(0.0, std::min(until, horizon_) - std::max(now, paused_until_));
    paused_until_ = std::max(paused_until_, until);
  }
}

}  // namespace stsim::model
