// The replication engine: blocks of replications over worker threads (and remote
// workers), folded per point in block order by whichever thread delivers the block that
// completes a prefix. All shared state is guarded by one mutex taken twice per block
// (hand-out and delivery), never per replication.

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "sim/engine/event_loop.h"
#include "sim/runner/block.h"
#include "sim/runner/runner.h"
#include "sim/stats/accumulator.h"
#include "sim/stats/intervals.h"
#include "sim/version.h"

namespace stsim::runner {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// Below these an importance sampling estimate is reported with a warning: with fewer
// effective events, or one event dominating, its standard error is itself unreliable.
constexpr double min_effective_sample_size = 30.0;
constexpr double max_largest_weight_share = 0.1;
constexpr double max_trusted_relative_error = 0.3;
using Clock = std::chrono::steady_clock;
using detail::BlockResult;
using detail::PointState;
using detail::queue_quantiles;

double relative_error(const BlockResult& total, MetricId id) {
  const auto i = static_cast<std::size_t>(id);
  if (info(id).kind == MetricKind::mean) return total.means[i].relative_error();
  const auto& p = total.pooled[i];
  const double m = total.weighted ? p.weighted_mean() : p.mean();
  if (!(m != 0.0) || std::isnan(m)) return std::numeric_limits<double>::infinity();
  return (total.weighted ? p.weighted_standard_error() : p.standard_error()) / std::abs(m);
}

std::string iso_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) {
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string fingerprint(const Plan& plan) {
  std::uint64_t h = 14695981039346656037ull;
  const auto& r = plan.replications;
  h = fnv1a(
      h, fmt::format("seed={} precision={} metric={} rel={} min={} max={} block={} crn={}\n",
                     r.seed, r.precision, info(r.metric).name, r.relative_error, r.min_replications,
                     r.max_replications, r.block_size, r.common_random_numbers));
  for (const auto& text : plan.resolved) h = fnv1a(fnv1a(h, text), "\x1e");
  return fmt::format("{:016x}", h);
}

// A proportion or rate estimated by importance sampling: the weighted counts over the
// exposures, the standard error over replications, and an interval on the log scale
// (the estimate of a rare probability is skewed to the right, as a rare mean is).
Statistic finish_weighted(const BlockResult& total, MetricId id) {
  const auto& p = total.pooled[static_cast<std::size_t>(id)];
  Statistic s;
  s.n = total.replications;
  s.count = p.count;
  s.exposure = p.exposure;
  s.upper_bound = nan;
  s.mean = p.weighted_mean();
  s.standard_error = p.weighted_standard_error();
  s.ci_low = s.ci_high = nan;
  if (!weighed_of(id)) {
    s.mean = s.standard_error = nan;  // about whole replications: not estimated
  } else if (p.count == 0) {
    s.ci_low = 0.0;  // no event under the biased draws: nothing bounds it from above
  } else if (!std::isnan(s.standard_error)) {
    const auto ci = stats::positive_mean(s.mean, s.standard_error, total.replications);
    s.ci_low = ci.low;
    s.ci_high = ci.high;
  }
  return s;
}

WeightDiagnostics diagnose(const BlockResult& total, MetricId id) {
  WeightDiagnostics d{nan, nan, nan, nan};
  const auto& p = total.pooled[static_cast<std::size_t>(id)];
  if (!total.weighted || !weighed_of(id) || !(p.weighted > 0.0)) return d;
  const double mean = p.weighted_mean();
  const double se = p.weighted_standard_error();
  d.relative_error = se / mean;
  d.effective_sample_size = p.weighted * p.weighted / p.weight_squares;
  d.largest_weight_share = p.largest_weight / p.weighted;
  const bool binomial = info(id).kind == MetricKind::proportion && mean < 1.0;
  // The work is the tasks simulated. The queue's change of measure simulates more tasks
  // than the exposures' weights count (exactly as many under per-task biasing: 1).
  const double tasks_exposure =
      total.pooled[static_cast<std::size_t>(MetricId::harm_rate)].exposure;
  const double work = id == MetricId::harms_per_hour || !(tasks_exposure > 0.0)
                          ? p.exposure
                          : p.exposure * (static_cast<double>(total.tasks) / tasks_exposure);
  const double plain = (binomial ? mean * (1.0 - mean) : mean) / work;
  d.variance_ratio = plain / (se * se);
  return d;
}

Statistic finish(const BlockResult& total, MetricId id) {
  const auto i = static_cast<std::size_t>(id);
  const auto& m = info(id);
  if (total.weighted && m.kind != MetricKind::mean) return finish_weighted(total, id);
  Statistic s;
  s.n = total.replications;
  if (m.kind == MetricKind::mean) {
    const auto& acc = total.means[i];
    s.n = acc.count();
    s.mean = acc.count() > 0 ? acc.mean() : nan;
    s.standard_error = acc.count() > 1 ? acc.standard_error() : nan;
    if (acc.count() > 1) {
      const auto ci = stats::positive_mean(acc.mean(), acc.standard_error(), acc.count());
      s.ci_low = ci.low;
      s.ci_high = ci.high;
    } else {
      s.ci_low = s.ci_high = nan;
    }
    s.upper_bound = nan;
    s.exposure = nan;
    return s;
  }
  const auto& p = total.pooled[i];
  s.count = p.count;
  s.exposure = p.exposure;
  s.mean = p.mean();
  s.standard_error = p.standard_error();
  if (!(p.exposure > 0.0)) {
    s.ci_low = s.ci_high = s.upper_bound = nan;
    return s;
  }
  const auto trials = static_cast<std::uint64_t>(std::llround(p.exposure));
  const bool binomial = m.kind == MetricKind::proportion && p.count <= trials;
  // Harms cluster within replications (drift, latent failures, pauses): the exact
  // interval is taken on the effective sample that the between-replication variance shows.
  const double design_effect = p.design_effect(binomial);
  const auto ci = binomial ? stats::clopper_pearson_clustered(p.count, trials, design_effect)
                           : stats::garwood_clustered(p.count, p.exposure, design_effect);
  s.ci_low = ci.low;
  s.ci_high = ci.high;
  if (p.count > 0) {
    s.upper_bound = nan;
  } else {
    s.upper_bound = binomial ? stats::zero_event_upper(trials) : -std::log(0.05) / p.exposure;
  }
  return s;
}

// A mean over replications with its Student-t interval.
Statistic mean_statistic(const stats::MeanAccumulator& acc) {
  Statistic s;
  s.n = acc.count();
  s.mean = acc.count() > 0 ? acc.mean() : nan;
  s.standard_error = acc.count() > 1 ? acc.standard_error() : nan;
  s.ci_low = s.ci_high = nan;
  if (acc.count() > 1) {
    const auto ci = stats::student_t(acc.mean(), acc.standard_error(), acc.count());
    s.ci_low = ci.low;
    s.ci_high = ci.high;
  }
  s.exposure = nan;
  s.upper_bound = nan;
  return s;
}

}  // namespace

std::string untrustworthy(const WeightDiagnostics& d) {
  std::vector<std::string> why;
  if (std::isnan(d.relative_error)) return "no event was seen under the biased draws";
  if (!(d.effective_sample_size >= min_effective_sample_size))
    why.push_back(fmt::format("an effective sample of {:.3g} events (< {})",
                              d.effective_sample_size, min_effective_sample_size));
  if (!(d.largest_weight_share <= max_largest_weight_share))
    why.push_back(fmt::format("one event carries {:.3g} of the estimate (> {})",
                              d.largest_weight_share, max_largest_weight_share));
  if (!(d.relative_error <= max_trusted_relative_error))
    why.push_back(fmt::format("a relative error of {:.3g} (> {})", d.relative_error,
                              max_trusted_relative_error));
  return fmt::format("{}", fmt::join(why, ", "));
}

namespace {

std::string code_version() { return fmt::format("{} ({})", version, git_revision); }

// In 64 bits: in 32, a block size or maximum near 2^32 wrapped the count to 0 blocks,
// and the run waited forever for blocks it would never hand out.
std::uint32_t block_count(const ReplicationPlan& rp) {
  return static_cast<std::uint32_t>((std::uint64_t{rp.max_replications} + rp.block_size - 1) /
                                    rp.block_size);
}

// The operator pools of a scenario: its operators components, in scenario order.
std::vector<std::string> pool_ids(const model::ScenarioSpec& spec) {
  std::vector<std::string> ids;
  for (const auto& c : spec.components) {
    if (model::kind_name(c) == "operators") ids.push_back(c.id);
  }
  return ids;
}
std::size_t pools_of(const model::ScenarioSpec& spec) {
  return static_cast<std::size_t>(
      std::count_if(spec.components.begin(), spec.components.end(),
                    [](const auto& c) { return model::kind_name(c) == "operators"; }));
}

Statistic ratio_statistic(const stats::RatioAccumulator& a, bool proportion) {
  Statistic s;
  s.n = a.count();
  s.mean = a.ratio();
  s.standard_error = a.standard_error();
  s.count = 0;
  s.exposure = nan;
  s.upper_bound = nan;
  s.ci_low = s.ci_high = nan;
  if (!(a.state().y > 0.0) || a.count() < 2) return s;
  if (proportion) {
    // Reviews that waited over reviews: exact on the effective sample, as for /results.
    const auto k = static_cast<std::uint64_t>(std::llround(a.state().x));
    const auto trials = static_cast<std::uint64_t>(std::llround(a.state().y));
    const double independent = s.mean * (1.0 - s.mean) / a.state().y;
    const double design_effect =
        independent > 0.0 ? s.standard_error * s.standard_error / independent : 1.0;
    const auto ci = stats::clopper_pearson_clustered(k, trials, design_effect);
    s.ci_low = ci.low;
    s.ci_high = ci.high;
  } else {
    const auto ci = stats::positive_mean(s.mean, s.standard_error, s.n);
    s.ci_low = ci.low;
    s.ci_high = ci.high;
  }
  return s;
}

QueueResult finish_queue(const detail::PoolBlock& pool) {
  QueueResult q;
  q.wait_probability = ratio_statistic(pool.waited, true);
  q.mean_wait = ratio_statistic(pool.wait, false);
  q.mean_time_in_system = ratio_statistic(pool.in_system, false);
  q.utilisation = ratio_statistic(pool.busy, false);
  for (std::size_t k = 0; k < queue_quantiles.size(); ++k) {
    // Sectioning (Asmussen & Glynn 2007, III.5a): the quantile of every replication's
    // reviews pooled, with the standard error of the replications' own quantiles.
    const auto& sections = pool.replication_quantiles[k];
    Statistic& s = q.time_in_system_quantiles[k];
    s.n = sections.count();
    s.mean = pool.sketch.quantile(queue_quantiles[k]);
    s.standard_error = sections.count() > 1 ? sections.standard_error() : nan;
    s.exposure = nan;
    s.upper_bound = nan;
    s.ci_low = s.ci_high = nan;
    if (sections.count() > 1) {
      const auto ci = stats::positive_mean(s.mean, s.standard_error, s.n);
      s.ci_low = ci.low;
      s.ci_high = ci.high;
    }
  }
  for (const auto& reviewer : pool.reviewers) {
    ReviewerResult& own = q.reviewers.emplace_back();
    own.reviews = mean_statistic(reviewer.reviews);
    own.share = ratio_statistic(reviewer.share, true);
    own.catch_rate = ratio_statistic(reviewer.catches, true);
    own.missed = mean_statistic(reviewer.missed);
    own.trust = mean_statistic(reviewer.trust);
  }
  return q;
}

// Runs blocks for one worker: one model per point, built on first use and released when
// the point is done.
class BlockRunner {
 public:
  BlockRunner(const Plan& plan, ModelFactory factory)
      : plan_(plan),
        factory_(std::move(factory)),
        models_(plan.specs.size()),
        pools_(pools_of(plan.specs.front())) {}

  // False when stopped part-way.
  bool run(const BlockTask& task, const std::atomic<bool>* stop, BlockResult& out) {
    const auto started = Clock::now();
    const auto& rp = plan_.replications;
    const auto& spec = plan_.specs[task.point];
    const double horizon = spec.horizon;
    const std::size_t components = spec.components.size();
    const std::size_t contexts = spec.contexts.size();
    const std::uint32_t bins = spec.time_bins;
    const bool baseline = plan_.design.baseline.has_value();
    auto& model = models_[task.point];
    if (!model) model = factory_(spec);
    auto& m = metrics_;
    out.point = task.point;
    out.block = task.block;
    out.replications = std::min(rp.block_size, rp.max_replications - task.block * rp.block_size);
    out.size_for(components, contexts, bins, pools_);
    in_system_.assign(out.pools.size() * stats::LogBuckets::count(), 0);
    if (baseline) out.values.resize(out.replications);
    const std::uint32_t stream_point = rp.common_random_numbers ? 0 : task.point;
    const std::uint32_t first = task.block * rp.block_size;
    // A stop inside a long replication abandons it (and so the block) within a few
    // thousand events, instead of at the replication's end.
    const engine::StopWatch watch(stop);
    for (std::uint32_t i = 0; i < out.replications; ++i) {
      if (stop && stop->load(std::memory_order_relaxed)) return false;
      try {
        model->run(rp.seed, stream_point, first + i, m);
      } catch (const engine::StopRequested&) {
        return false;
      }
      out.weighted = m.weighted;
      observe(m, horizon, observations_);
      for (std::size_t k = 0; k < metric_count; ++k) {
        const auto id = static_cast<MetricId>(k);
        if (info(id).kind == MetricKind::mean) {
          if (observations_[k].defined) out.means[k].add(observations_[k].value);
        } else {
          out.pooled[k].add(observations_[k]);
        }
        if (baseline) out.values[i][k] = replication_value(id, observations_[k]);
      }
      for (std::size_t o = 0; o < model::harm_origin_count; ++o)
        out.harms_by_origin[o] += m.harms_by_origin[o];
      out.latent += m.harms_latent_involved;
      out.common_cause += m.harms_common_cause;
      out.errors_no_harm += m.model_errors_no_harm;
      for (std::size_t c = 0; c < components && c < m.near_misses_by_layer.size(); ++c) {
        out.near_misses[c] += m.near_misses_by_layer[c];
      }
      for (std::size_t c = 0; c < components && c < m.harms_by_last_layer.size(); ++c) {
        out.harms_last[c] += m.harms_by_last_layer[c];
      }
      for (std::size_t x = 0; x < contexts && x < m.harms_by_context.size(); ++x) {
        out.harms_by_context[x] += m.harms_by_context[x];
        out.near_misses_by_context[x] += m.near_misses_by_context[x];
        out.model_errors_by_context[x] += m.model_errors_by_context[x];
      }
      for (std::size_t b = 0; b < bins && b < m.harm_series.size(); ++b) {
        out.bin_sum[b] += m.harm_series[b];
        const auto x = static_cast<double>(m.harm_series[b]);
        out.bin_squares[b] += x * x;
      }
      if (m.first_harm_observed && bins > 0) {
        auto bin =
            static_cast<std::size_t>(m.time_to_first_harm / horizon * static_cast<double>(bins));
        out.first_harm[std::min<std::size_t>(bin, bins - 1)] += 1;
      } else {
        out.first_harm_censored += 1;
      }
      // Under importance sampling the queue statistics would need weights (and under the
      // queue's change of measure the queue runs twisted): none are kept.
      if (!m.weighted && !m.queue_measure) add_pools(m, out);
      out.events += m.events;
      out.tasks += m.tasks;
    }
    const auto buckets = stats::LogBuckets::count();
    for (std::size_t q = 0; q < out.pools.size(); ++q)
      out.pools[q].sketch.add(std::span(in_system_).subspan(q * buckets, buckets));
    out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return true;
  }

  void release(std::uint32_t point) { models_[point].reset(); }

 private:
  void add_pools(const model::ReplicationMetrics& m, BlockResult& out) {
    const auto buckets = stats::LogBuckets::count();
    for (std::size_t q = 0; q < out.pools.size() && q < m.operators.size(); ++q) {
      const auto& pm = m.operators[q];
      auto& pool = out.pools[q];
      const auto reviews = static_cast<double>(pm.reviews);
      pool.waited.add(static_cast<double>(pm.waited), reviews);
      pool.wait.add(pm.total_wait, reviews);
      pool.in_system.add(pm.total_in_system, reviews);
      pool.busy.add(pm.busy_time, pm.capacity_time);
      const std::span replication(m.time_in_system_buckets.data() + q * buckets, buckets);
      if (pm.reviews > 0) {
        for (std::size_t k = 0; k < queue_quantiles.size(); ++k)
          pool.replication_quantiles[k].add(
              stats::bucket_quantile(replication, queue_quantiles[k]));
      }
      for (std::size_t b = 0; b < buckets; ++b) in_system_[q * buckets + b] += replication[b];
      if (pool.reviewers.size() < pm.reviewers.size()) pool.reviewers.resize(pm.reviewers.size());
      for (std::size_t i = 0; i < pm.reviewers.size(); ++i) {
        const auto& own = pm.reviewers[i];
        auto& reviewer = pool.reviewers[i];
        reviewer.reviews.add(static_cast<double>(own.reviews));
        reviewer.share.add(static_cast<double>(own.reviews), reviews);
        reviewer.catches.add(static_cast<double>(own.caught),
                             static_cast<double>(own.hazards_seen));
        reviewer.missed.add(static_cast<double>(own.hazards_seen - own.caught));
        reviewer.trust.add(own.trust);
      }
    }
  }

  const Plan& plan_;
  ModelFactory factory_;
  std::vector<std::unique_ptr<ReplicationModel>> models_;
  model::ReplicationMetrics metrics_;
  Observations observations_;
  std::size_t pools_;                     // operator pools, the same at every point
  std::vector<std::uint64_t> in_system_;  // the block's time-in-system buckets, per pool
};

// Statistics per point from folded states: the part of a RunResult that is results. Each
// state is released once read, so that the states and the results of a large sweep are
// never both whole in memory.
void assemble(const Plan& plan, std::vector<PointState>&& states, RunResult& result) {
  const auto baseline = plan.design.baseline;
  const auto& spec = plan.specs.front();
  const std::uint32_t bins = spec.time_bins;
  result.plan = plan;
  result.seed = plan.replications.seed;
  result.fingerprint = fingerprint(plan);
  for (const auto& c : spec.components) {
    result.components.push_back(c.id);
    result.component_kinds.emplace_back(model::kind_name(c));
    result.component_labels.push_back(c.label.empty() ? words(c.id) : c.label);
  }
  for (const auto& c : spec.contexts) result.contexts.push_back(c.name);
  result.pools = pool_ids(spec);
  for (std::uint32_t b = 0; b <= bins; ++b) {
    result.bin_edges_hours.push_back(spec.horizon * static_cast<double>(b) /
                                     static_cast<double>(bins));
  }
  result.points.reserve(states.size());
  for (std::uint32_t p = 0; p < states.size(); ++p) {
    const auto& s = states[p];
    const auto& t = s.total;
    PointResult r;
    r.label = plan.design.point_labels[p];
    r.importance_sampled = t.weighted;
    for (std::size_t k = 0; k < metric_count; ++k) {
      r.metrics[k] = finish(t, static_cast<MetricId>(k));
      r.diagnostics[k] = diagnose(t, static_cast<MetricId>(k));
      if (baseline) {
        if (p == *baseline) {
          r.paired[k] = Statistic{t.replications, 0.0, 0.0, 0.0, 0.0, 0, nan, nan};
        } else {
          r.paired[k] = mean_statistic(s.differences[k]);
        }
      }
    }
    r.time_to_first_harm_censored = t.first_harm_censored;
    r.harms_by_origin = t.harms_by_origin;
    r.harms_latent_involved = t.latent;
    r.harms_common_cause = t.common_cause;
    r.model_errors_no_harm = t.errors_no_harm;
    r.near_misses_by_layer = t.near_misses;
    r.harms_by_last_layer = t.harms_last;
    r.harms_by_context = t.harms_by_context;
    r.near_misses_by_context = t.near_misses_by_context;
    r.model_errors_by_context = t.model_errors_by_context;
    for (const auto& pool : t.pools) r.queues.push_back(finish_queue(pool));
    const auto n = static_cast<double>(t.replications);
    for (std::uint32_t b = 0; b < bins; ++b) {
      const double mean = n > 0 ? static_cast<double>(t.bin_sum[b]) / n : nan;
      double se = nan;
      if (n > 1) {
        const double var = std::max(0.0, (t.bin_squares[b] - n * mean * mean) / (n - 1.0));
        se = std::sqrt(var / n);
      }
      r.harms_mean.push_back(mean);
      r.harms_stderr.push_back(se);
    }
    r.first_harm_counts = t.first_harm;
    r.first_harm_censored = t.first_harm_censored;
    r.evidence = evidence_of(t, plan.specs[p], block_count(plan.replications));
    r.replications = t.replications;
    r.events = t.events;
    r.tasks = t.tasks;
    r.wall_seconds = t.seconds;
    const auto& rp = plan.replications;
    r.precision_target_met = rp.precision && t.replications >= rp.min_replications &&
                             relative_error(t, rp.metric) <= rp.relative_error;
    result.points.push_back(std::move(r));
    states[p] = PointState{};
  }
  result.sensitivity = sensitivity_indices(plan, result.points);
  result.uncertainty = uncertainty_summaries(plan, result.points);
}

// A checkpoint's or shard's points must have the plan's shape; anything else is a file
// from another plan that slipped past the fingerprint, or corruption.
void check_shape(const Plan& plan, const std::vector<PointState>& states) {
  const std::size_t components = plan.specs.front().components.size();
  const std::size_t contexts = plan.specs.front().contexts.size();
  const std::size_t bins = plan.specs.front().time_bins;
  const std::size_t pools = pools_of(plan.specs.front());
  const auto max_blocks = block_count(plan.replications);
  bool fits = states.size() == plan.design.size();
  for (const auto& s : states) {
    const auto& t = s.total;
    fits = fits && t.near_misses.size() == components && t.harms_last.size() == components &&
           t.harms_by_context.size() == contexts && t.near_misses_by_context.size() == contexts &&
           t.model_errors_by_context.size() == contexts && t.pools.size() == pools &&
           t.bin_sum.size() == bins && t.bin_squares.size() == bins &&
           t.first_harm.size() == bins && s.merged <= max_blocks && s.paired <= s.merged &&
           (!s.done || s.stop_blocks == s.merged);
  }
  if (!fits)
    throw std::invalid_argument("the saved statistics do not fit the plan (corrupt file?)");
}

class Engine final : public WorkQueue {
 public:
  Engine(const Plan& plan, const RunOptions& options, const ModelFactory& factory)
      : plan_(plan), options_(options), factory_(factory), rp_(plan.replications) {
    points_ = plan.design.size();
    baseline_ = plan.design.baseline;
    components_ = plan.specs.front().components.size();
    contexts_ = plan.specs.front().contexts.size();
    pools_ = pools_of(plan.specs.front());
    bins_ = plan.specs.front().time_bins;
    max_blocks_ = block_count(rp_);
    threads_ =
        options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    window_ = std::max<std::uint32_t>(4, 2 * threads_);
    slots_.resize(points_);
    for (std::uint32_t p = 0; p < points_; ++p) {
      auto& s = slots_[p].state;
      s.total.size_for(components_, contexts_, bins_, pools_);
      slots_[p].active = options.shard.owns(p) || (baseline_ && *baseline_ == p);
      // A point of another slice is finished before it starts: it never runs here, and
      // the baseline's stopping and pairing rules see it as stopped at block 0.
      if (!slots_[p].active) s.done = true;
    }
    if (options.resume) {
      auto states = detail::decode_points(options.resume->points);
      check_shape(plan, states);
      for (std::uint32_t p = 0; p < points_; ++p) {
        slots_[p].state = std::move(states[p]);
        slots_[p].issued = slots_[p].state.merged;
        resumed_replications_ += slots_[p].state.total.replications;
      }
    }
    for (std::uint32_t p = 0; p < points_; ++p) track(p);
    if (options.resume) {
      // Decisions the saved state leaves pending (a point whose rule is met but not yet
      // applied, a baseline waiting at a boundary every other point has passed) are taken
      // now, as the next fold would take them: with every block already in, no fold
      // comes, and the run would wait forever.
      for (std::uint32_t p = 0; p < points_; ++p) {
        auto& slot = slots_[p];
        const bool is_baseline = baseline_ && *baseline_ == p;
        if (!slot.state.done && !is_baseline && slot.state.merged > 0 && own_rule(p, slot.state))
          finish_point(p);
      }
      settle_all();
      for (std::uint32_t p = 0; p < points_; ++p) {
        const auto& slot = slots_[p];
        if (!slot.state.done && slot.state.merged >= max_blocks_ && !slot.state.awaiting_decision)
          throw std::invalid_argument(
              "the saved statistics do not fit the plan (corrupt file?): a point is neither "
              "finished nor has blocks left to run");
      }
    }
    finished_ = all_finished();
  }

  RunResult run() {
    RunResult result;
    result.started = iso_now();
    const auto start = Clock::now();
    std::vector<std::thread> workers;
    workers.reserve(threads_ + 1);
    for (unsigned t = 0; t < threads_; ++t) workers.emplace_back([this] { work(); });
    if (options_.remote) workers.emplace_back([this] { serve_remote(); });
    {
      std::unique_lock lock(mutex_);
      const auto interval = std::chrono::duration<double>(
          std::max(0.01, std::min(options_.progress_interval_seconds, 0.1)));
      auto next_report = start;
      const auto checkpoint_every = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(std::max(0.0, options_.checkpoint_interval_seconds)));
      auto next_checkpoint = start + checkpoint_every;
      while (!finished_ && !failed_) {
        changed_.wait_for(lock, interval);
        if (stopped()) break;
        if (options_.on_progress && Clock::now() >= next_report) {
          const auto progress = progress_locked(start);
          lock.unlock();
          options_.on_progress(progress);
          lock.lock();
          next_report =
              Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(options_.progress_interval_seconds));
        }
        if (options_.on_checkpoint && !finished_ && Clock::now() >= next_checkpoint) {
          auto points = snapshot_locked();
          lock.unlock();
          options_.on_checkpoint(state_from(points, false));
          lock.lock();
          next_checkpoint = Clock::now() + checkpoint_every;
        }
      }
      abort_ = true;
      work_available_.notify_all();
      changed_.notify_all();
    }
    for (auto& w : workers) w.join();
    if (failure_) std::rethrow_exception(failure_);
    const auto end = Clock::now();
    result.finished = iso_now();
    result.total_wall_seconds = std::chrono::duration<double>(end - start).count();
    result.complete = finished_;
    if (options_.on_progress) options_.on_progress(progress_locked(start));
    // The workers are done: the states are moved out, not copied, and the encoded state
    // and the results are the only copies of the point x bin statistics left at the end.
    std::vector<PointState> points;
    points.reserve(points_);
    for (auto& slot : slots_) points.push_back(std::move(slot.state));
    result.state = state_from(points, finished_);
    // Stopped before the end: the folded work is saved so that a resume loses none of it.
    if (!finished_ && options_.on_checkpoint) options_.on_checkpoint(state_from(points, false));
    assemble(plan_, std::move(points), result);
    result.threads = threads_;
    result.command_line = options_.command_line;
    result.shard = options_.shard;
    return result;
  }

  // WorkQueue, for remote workers.
  std::optional<BlockTask> take() override {
    std::lock_guard lock(mutex_);
    if (abort_ || finished_ || failed_) return std::nullopt;
    return next_task();
  }

  void deliver(std::span<const std::uint8_t> bytes) override {
    auto block = detail::decode_block(bytes);
    if (block.point >= points_ || block.block >= max_blocks_ ||
        block.near_misses.size() != components_ || block.bin_sum.size() != bins_ ||
        block.harms_by_context.size() != contexts_ || block.pools.size() != pools_ ||
        block.values.size() != (baseline_ ? block.replications : 0)) {
      throw std::runtime_error("a remote worker delivered a block that does not fit the plan");
    }
    {
      std::lock_guard lock(mutex_);
      deliver_locked(std::move(block));
    }
    work_available_.notify_all();
    changed_.notify_all();
  }

  void fail(const std::string& message) override {
    {
      std::lock_guard lock(mutex_);
      if (!failure_) failure_ = std::make_exception_ptr(std::runtime_error(message));
      failed_ = true;
    }
    work_available_.notify_all();
    changed_.notify_all();
  }

  bool over() const override {
    std::lock_guard lock(mutex_);
    return abort_ || finished_ || failed_;
  }

  void wait(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout);
  }

 private:
  struct Slot {
    PointState state;
    bool active = true;                            // this run's slice holds the point
    std::uint32_t issued = 0;                      // blocks handed out
    std::map<std::uint32_t, BlockResult> pending;  // finished, waiting for earlier blocks
  };

  bool stopped() const { return options_.stop && options_.stop->load(std::memory_order_relaxed); }

  std::vector<PointState> snapshot_locked() const {
    std::vector<PointState> points;
    points.reserve(points_);
    for (const auto& slot : slots_) points.push_back(slot.state);
    return points;
  }

  RunState state_from(const std::vector<PointState>& points, bool complete) const {
    RunState state = run_identity(plan_, options_);
    state.complete = complete;
    state.points = detail::encode_points(points);
    return state;
  }

  // The unissued block with the lowest index over points still running (ties: lowest
  // point), within a window past the slowest point so that finished blocks waiting for
  // an earlier one stay few. O(log P): both orders are kept as sets.
  std::optional<BlockTask> next_task() {
    if (by_issued_.empty()) return std::nullopt;
    const auto [issued, p] = *by_issued_.begin();
    const std::uint64_t slowest = by_merged_.begin()->first;  // p runs, so there is one
    if (issued >= slowest + window_) return std::nullopt;
    by_issued_.erase(by_issued_.begin());
    if (++slots_[p].issued < max_blocks_) by_issued_.emplace(slots_[p].issued, p);
    return BlockTask{p, issued};
  }

  // Enters point p, as loaded, in the scheduling sets and the counts of finished points.
  void track(std::uint32_t p) {
    const auto& slot = slots_[p];
    const auto& s = slot.state;
    if (s.done) {
      count_done(p);
    } else {
      by_merged_.emplace(s.merged, p);
      if (slot.issued < max_blocks_) by_issued_.emplace(slot.issued, p);
    }
    if (baseline_ && p != *baseline_ && pairing_open(s)) by_paired_.emplace(s.paired, p);
  }

  void count_done(std::uint32_t p) {
    ++done_count_;
    if (baseline_ && p != *baseline_) {
      ++others_done_;
      others_max_stop_ = std::max(others_max_stop_, slots_[p].state.stop_blocks);
    }
  }

  // A point other than the baseline still has blocks to pair.
  static bool pairing_open(const PointState& s) { return !s.done || s.paired < s.stop_blocks; }

  void work() {
    BlockRunner runner(plan_, factory_);
    std::size_t released = 0;  // points of done_order_ whose models this worker let go
    std::vector<std::uint32_t> finished;
    try {
      for (;;) {
        BlockTask task;
        {
          std::unique_lock lock(mutex_);
          std::optional<BlockTask> next;
          work_available_.wait(lock, [&] {
            if (abort_ || finished_ || failed_) return true;
            next = next_task();
            return next.has_value();
          });
          if (!next) return;
          task = *next;
          finished.assign(done_order_.begin() + static_cast<std::ptrdiff_t>(released),
                          done_order_.end());
          released = done_order_.size();
        }
        for (const std::uint32_t p : finished) runner.release(p);
        BlockResult block;
        if (!runner.run(task, options_.stop, block)) return;
        {
          std::lock_guard lock(mutex_);
          deliver_locked(std::move(block));
        }
        work_available_.notify_all();
        changed_.notify_all();
      }
    } catch (...) {
      fail_with(std::current_exception());
    }
  }

  void serve_remote() {
    try {
      options_.remote->serve(*this);
    } catch (...) {
      fail_with(std::current_exception());
    }
  }

  void fail_with(std::exception_ptr failure) {
    {
      std::lock_guard lock(mutex_);
      if (!failure_) failure_ = std::move(failure);
      failed_ = true;
    }
    work_available_.notify_all();
    changed_.notify_all();
  }

  bool own_rule(std::uint32_t point, const PointState& s) const {
    const auto n = s.total.replications;
    if (n >= rp_.max_replications) return true;
    if (const auto& spec = plan_.specs[point];
        spec.stop_when_decided && n > 0 &&
        acceptance_of(s.total, spec, max_blocks_).verdict != stats::Verdict::undecided)
      return true;
    if (!rp_.precision) return false;
    return n >= rp_.min_replications && relative_error(s.total, rp_.metric) <= rp_.relative_error;
  }

  void finish_point(std::uint32_t p) {
    auto& slot = slots_[p];
    auto& s = slot.state;
    by_merged_.erase({s.merged, p});
    if (slot.issued < max_blocks_) by_issued_.erase({slot.issued, p});
    s.done = true;
    s.stop_blocks = s.merged;
    slot.pending.clear();
    count_done(p);
    done_order_.push_back(p);
    if (baseline_ && p != *baseline_ && !pairing_open(s)) by_paired_.erase({s.paired, p});
  }

  bool all_finished() const { return done_count_ == points_ && (!baseline_ || by_paired_.empty()); }

  // Called with the lock held.
  void deliver_locked(BlockResult&& block) {
    auto& slot = slots_[block.point];
    if (slot.state.done || block.block < slot.state.merged) return;  // beyond the stopping boundary
    const std::uint32_t p = block.point;
    slot.pending.emplace(block.block, std::move(block));
    settle(p);
    finished_ = all_finished();
  }

  // Folds, decides and pairs until nothing more can be done with what is in.
  void settle_all() {
    bool progress = true;
    while (progress) {
      progress = false;
      for (std::uint32_t p = 0; p < points_; ++p) progress = advance(p) || progress;
      progress = pair_all() || progress;
    }
  }

  // The same after a block of point p came in, in O(log P) unless the baseline moved:
  // only p and the baseline can fold (a point folds only its own blocks; the baseline
  // also waits for the others), and only p pairs, unless the baseline folded a block,
  // which every point may pair.
  void settle(std::uint32_t p) {
    bool progress = true;
    while (progress) {
      progress = advance(p);
      bool baseline_moved = false;
      if (baseline_ && *baseline_ != p) baseline_moved = advance(*baseline_);
      if (baseline_moved || (baseline_ && *baseline_ == p && progress)) {
        progress = pair_all() || baseline_moved || progress;
      } else if (baseline_ && *baseline_ != p) {
        progress = pair(p) || progress;
        drop_paired_baseline();
      }
    }
  }

  // Folds what can be folded at point p, in block order.
  bool advance(std::uint32_t p) {
    auto& slot = slots_[p];
    auto& s = slot.state;
    bool any = false;
    const bool is_baseline = baseline_ && *baseline_ == p;
    while (!s.done) {
      if (is_baseline && s.awaiting_decision) {
        // Decide at boundary `merged` once every other point has reached or stopped before
        // it: the slowest running point (the baseline itself among them) is at `merged`.
        const bool all_reached = by_merged_.begin()->first >= s.merged;
        const bool all_stopped = others_done_ == points_ - 1 && others_max_stop_ <= s.merged;
        if (!all_reached) break;
        s.awaiting_decision = false;
        any = true;
        if (s.own_rule_met && all_stopped) {
          finish_point(p);
          break;
        }
      }
      auto it = slot.pending.find(s.merged);
      if (it == slot.pending.end()) break;
      BlockResult block = std::move(it->second);
      slot.pending.erase(it);
      if (baseline_) s.unpaired.emplace(block.block, std::move(block.values));
      s.total.merge(block);
      by_merged_.erase({s.merged, p});
      ++s.merged;
      by_merged_.emplace(s.merged, p);
      any = true;
      if (is_baseline) {
        s.own_rule_met = own_rule(p, s);
        s.awaiting_decision = true;
      } else if (own_rule(p, s)) {
        finish_point(p);
      }
    }
    return any;
  }

  // Paired differences, block by block in order, while the baseline's block is there.
  bool pair_all() {
    if (!baseline_) return false;
    bool any = false;
    for (std::uint32_t p = 0; p < points_; ++p) {
      if (p != *baseline_) any = pair(p) || any;
    }
    drop_paired_baseline();
    return any;
  }

  bool pair(std::uint32_t p) {
    auto& base = slots_[*baseline_].state;
    auto& s = slots_[p].state;
    bool any = false;
    const bool was_open = pairing_open(s);
    const std::uint32_t before = s.paired;
    while (true) {
      auto mine = s.unpaired.find(s.paired);
      auto theirs = base.unpaired.find(s.paired);
      if (mine == s.unpaired.end() || theirs == base.unpaired.end()) break;
      for (std::size_t r = 0; r < mine->second.size(); ++r) {
        for (std::size_t k = 0; k < metric_count; ++k) {
          const double d = mine->second[r][k] - theirs->second[r][k];
          if (!std::isnan(d)) s.differences[k].add(d);
        }
      }
      s.unpaired.erase(mine);
      ++s.paired;
      any = true;
    }
    if (was_open && any) {
      by_paired_.erase({before, p});
      if (pairing_open(s)) by_paired_.emplace(s.paired, p);
    }
    return any;
  }

  // The baseline's blocks are dropped once every point still pairing has paired them.
  void drop_paired_baseline() {
    auto& base = slots_[*baseline_].state;
    const std::uint32_t lowest_needed =
        by_paired_.empty() ? std::numeric_limits<std::uint32_t>::max() : by_paired_.begin()->first;
    while (!base.unpaired.empty() && base.unpaired.begin()->first < lowest_needed)
      base.unpaired.erase(base.unpaired.begin());
  }

  Progress progress_locked(Clock::time_point start) const {
    Progress progress;
    progress.replications_resumed = resumed_replications_;
    for (const auto& slot : slots_) {
      if (!slot.active) continue;
      const auto& s = slot.state;
      ++progress.points_total;
      progress.points_done += s.done ? 1 : 0;
      progress.replications_done += s.total.replications;
      progress.replications_planned += s.done ? s.total.replications : rp_.max_replications;
    }
    progress.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return progress;
  }

  const Plan& plan_;
  const RunOptions& options_;
  const ModelFactory& factory_;
  const ReplicationPlan rp_;
  std::uint32_t points_ = 0;
  std::optional<std::uint32_t> baseline_;
  std::size_t components_ = 0;
  std::size_t contexts_ = 0;
  std::size_t pools_ = 0;
  std::uint32_t bins_ = 0;
  std::uint32_t max_blocks_ = 0;
  unsigned threads_ = 1;
  std::uint32_t window_ = 4;
  std::uint64_t resumed_replications_ = 0;
  // Scheduling state, so that a block costs O(log P) whatever the number of points P:
  // running points by blocks folded, points with blocks to hand out by blocks handed out,
  // points other than the baseline still pairing by blocks paired (each (count, point)).
  std::set<std::pair<std::uint32_t, std::uint32_t>> by_merged_, by_issued_, by_paired_;
  std::uint32_t done_count_ = 0;
  std::uint32_t others_done_ = 0;          // finished points other than the baseline
  std::uint32_t others_max_stop_ = 0;      // the most blocks any of them stopped at
  std::vector<std::uint32_t> done_order_;  // points as they finish, for workers' models

  mutable std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable changed_;
  std::vector<Slot> slots_;
  bool finished_ = false;
  bool abort_ = false;
  bool failed_ = false;
  std::exception_ptr failure_;
};

void check_plan(const Plan& plan) {
  if (plan.specs.empty() || plan.specs.size() != plan.design.size()) {
    throw std::invalid_argument("run_plan: the plan needs one spec per design point");
  }
  if (plan.replications.block_size == 0 || plan.replications.max_replications == 0) {
    throw std::invalid_argument("run_plan: block size and replications must be >= 1");
  }
}

std::string slice_name(const Shard& s) { return fmt::format("{}/{}", s.index + 1, s.count); }

}  // namespace

std::uint64_t replications_in(const RunState& state) {
  std::uint64_t total = 0;
  for (const auto& point : detail::decode_points(state.points)) total += point.total.replications;
  return total;
}

RunState run_identity(const Plan& plan, const RunOptions& options) {
  RunState state;
  state.stsim_version = code_version();
  state.fingerprint = fingerprint(plan);
  state.seed = plan.replications.seed;
  state.shard = options.shard;
  state.replications = options.replications;
  state.until_relative_error = options.until_relative_error;
  return state;
}

std::string identity_mismatch(const RunState& saved, const RunState& expected) {
  if (saved.stsim_version != expected.stsim_version) {
    return fmt::format("it was made by stsim {}, this is stsim {}", saved.stsim_version,
                       expected.stsim_version);
  }
  if (saved.seed != expected.seed) {
    return fmt::format("it was run with seed {}, this run has seed {}", saved.seed, expected.seed);
  }
  if (saved.fingerprint != expected.fingerprint) {
    return fmt::format(
        "its resolved configuration differs (fingerprint {}, this run has {}): the scenario, "
        "--set, "
        "--reps or --until-rel-error changed",
        saved.fingerprint, expected.fingerprint);
  }
  if (saved.shard.index != expected.shard.index || saved.shard.count != expected.shard.count) {
    const auto name = [](const Shard& s) {
      return s.count == 1 ? std::string("the whole sweep") : "slice " + slice_name(s);
    };
    return fmt::format("it holds {}, this run is {}", name(saved.shard), name(expected.shard));
  }
  return "";
}

RunResult run_plan(const Plan& plan, const RunOptions& options, const ModelFactory& factory) {
  check_plan(plan);
  const auto& shard = options.shard;
  if (shard.count == 0 || shard.index >= shard.count || shard.count > plan.design.size()) {
    throw std::invalid_argument(fmt::format("run_plan: slice {} of a sweep of {} point(s)",
                                            slice_name(shard), plan.design.size()));
  }
  if (options.resume) {
    if (const auto why = identity_mismatch(*options.resume, run_identity(plan, options));
        !why.empty()) {
      throw std::invalid_argument("cannot resume: " + why);
    }
  }
  Engine engine(plan, options, factory);
  return engine.run();
}

RunResult merge_shards(const Plan& plan, const std::vector<NamedState>& shards) {
  check_plan(plan);
  if (shards.empty()) throw std::invalid_argument("no shard files to merge");
  const auto& first = shards.front();
  const std::uint32_t count = first.state.shard.count;
  for (const auto& [name, state] : shards) {
    if (!state.complete) throw std::invalid_argument(name + " is from a run that did not finish");
    auto expected = state;
    expected.stsim_version = first.state.stsim_version;
    expected.seed = first.state.seed;
    expected.fingerprint = first.state.fingerprint;
    if (auto why = identity_mismatch(state, expected); !why.empty()) {
      throw std::invalid_argument(
          fmt::format("{} belongs to another run than {}: {}", name, first.name, why));
    }
    if (state.shard.count != count) {
      throw std::invalid_argument(
          fmt::format("{} is slice {}, but {} is slice {}: the files come from "
                      "runs split differently",
                      name, slice_name(state.shard), first.name, slice_name(first.state.shard)));
    }
  }
  RunOptions options;
  options.replications = first.state.replications;
  options.until_relative_error = first.state.until_relative_error;
  if (const auto why = identity_mismatch(first.state,
                                         [&] {
                                           auto identity = run_identity(plan, options);
                                           identity.shard = first.state.shard;
                                           return identity;
                                         }());
      !why.empty()) {
    throw std::invalid_argument(
        fmt::format("{} does not match the scenario it records: {}", first.name, why));
  }
  std::vector<const NamedState*> by_slice(count, nullptr);
  for (const auto& shard : shards) {
    auto& seat = by_slice[shard.state.shard.index];
    if (seat) {
      throw std::invalid_argument(fmt::format("slice {} is given twice: {} and {}",
                                              slice_name(shard.state.shard), seat->name,
                                              shard.name));
    }
    seat = &shard;
  }
  std::vector<std::string> missing;
  for (std::uint32_t k = 0; k < count; ++k) {
    if (!by_slice[k]) missing.push_back(slice_name(Shard{k, count}));
  }
  if (!missing.empty()) {
    throw std::invalid_argument(fmt::format("{} of {} slice(s) missing: {}", missing.size(), count,
                                            fmt::join(missing, ", ")));
  }

  std::vector<std::vector<PointState>> decoded;
  for (const auto* shard : by_slice) {
    try {
      decoded.push_back(detail::decode_points(shard->state.points));
      check_shape(plan, decoded.back());
    } catch (const std::exception& e) {
      throw std::invalid_argument(
          fmt::format("{}: its statistics are unreadable: {}", shard->name, e.what()));
    }
  }
  std::vector<PointState> points(plan.design.size());
  for (std::uint32_t p = 0; p < points.size(); ++p) {
    if (plan.design.baseline && *plan.design.baseline == p) {
      // Every slice ran the baseline as far as its own points needed; the longest is the
      // baseline of the whole sweep (each is a prefix of the same block sequence).
      const auto longest =
          std::max_element(decoded.begin(), decoded.end(),
                           [p](const auto& a, const auto& b) { return a[p].merged < b[p].merged; });
      points[p] = (*longest)[p];
    } else {
      points[p] = decoded[p % count][p];
    }
  }
  RunResult result;
  result.state = run_identity(plan, options);
  result.state.complete = true;
  result.state.points = detail::encode_points(points);
  assemble(plan, std::move(points), result);
  result.complete = true;
  return result;
}

struct BlockWorker::Impl {
  Impl(const Plan& plan, ModelFactory factory) : runner(plan, std::move(factory)) {}
  BlockRunner runner;
};

BlockWorker::BlockWorker(const Plan& plan, const ModelFactory& factory)
    : impl_(std::make_unique<Impl>(plan, factory)) {}
BlockWorker::~BlockWorker() = default;

std::optional<std::vector<std::uint8_t>> BlockWorker::run(const BlockTask& task,
                                                          const std::atomic<bool>* stop) {
  BlockResult block;
  if (!impl_->runner.run(task, stop, block)) return std::nullopt;
  return detail::encode_block(block);
}

}  // namespace stsim::runner
