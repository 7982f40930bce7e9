// The replication engine: blocks of replications over worker threads, folded per point
// in block order by whichever thread delivers the block that completes a prefix. All
// shared state is guarded by one mutex taken twice per block (hand-out and delivery),
// never per replication.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/core.h>

#include "sim/runner/runner.h"
#include "sim/stats/accumulator.h"
#include "sim/stats/intervals.h"
#include "sim/version.h"

namespace stsim::runner {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using Clock = std::chrono::steady_clock;
using Values = std::array<double, metric_count>;  // one replication's metric values

// Pooled events over exposures, with the sums a cluster-robust (ratio estimator)
// standard error needs: replications are the independent units, not tasks.
struct Pooled {
  std::uint64_t n = 0;
  std::uint64_t count = 0;
  double exposure = 0.0;
  double skk = 0.0, skt = 0.0, stt = 0.0;

  void add(const Observation& o) {
    const auto k = static_cast<double>(o.count);
    ++n;
    count += o.count;
    exposure += o.exposure;
    skk += k * k;
    skt += k * o.exposure;
    stt += o.exposure * o.exposure;
  }
  void merge(const Pooled& b) {
    n += b.n;
    count += b.count;
    exposure += b.exposure;
    skk += b.skk;
    skt += b.skt;
    stt += b.stt;
  }
  double mean() const { return exposure > 0.0 ? static_cast<double>(count) / exposure : nan; }
  double standard_error() const {
    if (!(exposure > 0.0)) return nan;
    const double r = mean();
    if (n < 2) {
      // One replication: no between-replication spread to estimate; binomial/Poisson form.
      return std::sqrt(r * std::max(0.0, 1.0 - r) / exposure);
    }
    const double residual = std::max(0.0, skk - 2.0 * r * skt + r * r * stt);
    const auto dn = static_cast<double>(n);
    return std::sqrt(dn / (dn - 1.0) * residual) / exposure;
  }
};

// Everything a block of consecutive replications of one point contributes.
struct BlockResult {
  std::uint32_t point = 0;
  std::uint32_t block = 0;
  std::uint32_t replications = 0;
  std::array<Pooled, metric_count> pooled;
  std::array<stats::MeanAccumulator, metric_count> means;
  std::vector<Values> values;  // per replication, kept only when there is a baseline
  std::uint64_t censored = 0;
  std::array<std::uint64_t, model::harm_origin_count> harms_by_origin = {};
  std::uint64_t latent = 0, common_cause = 0, errors_no_harm = 0;
  std::vector<std::uint64_t> near_misses, harms_last;
  std::vector<std::uint64_t> bin_sum;
  std::vector<double> bin_squares;
  std::vector<std::uint64_t> first_harm;
  std::uint64_t first_harm_censored = 0;
  std::uint64_t events = 0, tasks = 0;
  double seconds = 0.0;

  void size_for(std::size_t components, std::size_t bins) {
    near_misses.assign(components, 0);
    harms_last.assign(components, 0);
    bin_sum.assign(bins, 0);
    bin_squares.assign(bins, 0.0);
    first_harm.assign(bins, 0);
  }

  void merge(const BlockResult& b) {
    replications += b.replications;
    for (std::size_t i = 0; i < metric_count; ++i) {
      pooled[i].merge(b.pooled[i]);
      means[i].merge(b.means[i]);
    }
    censored += b.censored;
    for (std::size_t i = 0; i < harms_by_origin.size(); ++i) harms_by_origin[i] += b.harms_by_origin[i];
    latent += b.latent;
    common_cause += b.common_cause;
    errors_no_harm += b.errors_no_harm;
    for (std::size_t c = 0; c < near_misses.size(); ++c) {
      near_misses[c] += b.near_misses[c];
      harms_last[c] += b.harms_last[c];
    }
    for (std::size_t i = 0; i < bin_sum.size(); ++i) {
      bin_sum[i] += b.bin_sum[i];
      bin_squares[i] += b.bin_squares[i];
      first_harm[i] += b.first_harm[i];
    }
    first_harm_censored += b.first_harm_censored;
    events += b.events;
    tasks += b.tasks;
    seconds += b.seconds;
  }
};

double relative_error(const BlockResult& total, MetricId id) {
  const auto i = static_cast<std::size_t>(id);
  if (info(id).kind == MetricKind::mean) return total.means[i].relative_error();
  const double m = total.pooled[i].mean();
  if (!(m != 0.0) || std::isnan(m)) return std::numeric_limits<double>::infinity();
  return total.pooled[i].standard_error() / std::abs(m);
}

struct PointState {
  std::uint32_t issued = 0;       // blocks handed out
  std::uint32_t merged = 0;       // blocks folded into `total`
  bool done = false;
  std::uint32_t stop_blocks = 0;  // blocks folded when done
  std::map<std::uint32_t, BlockResult> pending;  // finished, waiting for earlier blocks
  BlockResult total;
  // Baseline only: its stop decision at a boundary waits for every other point to reach it.
  bool awaiting_decision = false;
  bool own_rule_met = false;
  // Pairing with the baseline.
  std::uint32_t paired = 0;                          // blocks paired
  std::map<std::uint32_t, std::vector<Values>> unpaired;
  std::array<stats::MeanAccumulator, metric_count> differences;
};

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
  h = fnv1a(h, fmt::format("seed={} precision={} metric={} rel={} min={} max={} block={} crn={}\n",
                           r.seed, r.precision, info(r.metric).name, r.relative_error,
                           r.min_replications, r.max_replications, r.block_size,
                           r.common_random_numbers));
  for (const auto& text : plan.resolved) h = fnv1a(fnv1a(h, text), "\x1e");
  return fmt::format("{:016x}", h);
}

Statistic finish(const BlockResult& total, MetricId id) {
  const auto i = static_cast<std::size_t>(id);
  const auto& m = info(id);
  Statistic s;
  s.n = total.replications;
  if (m.kind == MetricKind::mean) {
    const auto& acc = total.means[i];
    s.n = acc.count();
    s.mean = acc.count() > 0 ? acc.mean() : nan;
    s.standard_error = acc.count() > 1 ? acc.standard_error() : nan;
    if (acc.count() > 1) {
      const auto ci = stats::student_t(acc.mean(), acc.standard_error(), acc.count());
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
  const double independent_variance =
      binomial ? s.mean * (1.0 - s.mean) / p.exposure : s.mean / p.exposure;
  const double design_effect = independent_variance > 0.0 && p.n > 1
                                   ? s.standard_error * s.standard_error / independent_variance
                                   : 1.0;
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

Statistic finish_paired(const stats::MeanAccumulator& acc) {
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

class Engine {
 public:
  Engine(const Plan& plan, const RunOptions& options, const ModelFactory& factory)
      : plan_(plan), options_(options), factory_(factory), rp_(plan.replications) {
    points_ = plan.design.size();
    baseline_ = plan.design.baseline;
    components_ = plan.specs.front().components.size();
    bins_ = plan.specs.front().time_bins;
    max_blocks_ = (rp_.max_replications + rp_.block_size - 1) / rp_.block_size;
    threads_ = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    window_ = std::max<std::uint32_t>(4, 2 * threads_);
    state_.resize(points_);
    for (auto& s : state_) s.total.size_for(components_, bins_);
  }

  RunResult run() {
    RunResult result;
    result.started = iso_now();
    const auto start = Clock::now();
    std::vector<std::thread> workers;
    workers.reserve(threads_);
    for (unsigned t = 0; t < threads_; ++t) workers.emplace_back([this] { work(); });
    {
      std::unique_lock lock(mutex_);
      const auto interval = std::chrono::duration<double>(
          std::max(0.01, std::min(options_.progress_interval_seconds, 0.1)));
      auto next_report = start;
      while (!finished_ && !failed_) {
        changed_.wait_for(lock, interval);
        if (stopped()) break;
        if (options_.on_progress && Clock::now() >= next_report) {
          const auto progress = progress_locked(start);
          lock.unlock();
          options_.on_progress(progress);
          lock.lock();
          next_report = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(options_.progress_interval_seconds));
        }
      }
      abort_ = true;
      work_available_.notify_all();
    }
    for (auto& w : workers) w.join();
    if (failure_) std::rethrow_exception(failure_);
    const auto end = Clock::now();
    result.finished = iso_now();
    result.total_wall_seconds = std::chrono::duration<double>(end - start).count();
    result.complete = finished_;
    if (options_.on_progress) options_.on_progress(progress_locked(start));
    assemble(result);
    return result;
  }

 private:
  struct Task {
    std::uint32_t point = 0;
    std::uint32_t block = 0;
  };

  bool stopped() const { return options_.stop && options_.stop->load(std::memory_order_relaxed); }

  std::uint32_t block_reps(std::uint32_t block) const {
    return std::min(rp_.block_size, rp_.max_replications - block * rp_.block_size);
  }

  // The unissued block with the lowest index over points still running (ties: lowest
  // point), within a window past the slowest point so that finished blocks waiting for
  // an earlier one stay few.
  std::optional<Task> next_task() {
    std::uint32_t slowest = std::numeric_limits<std::uint32_t>::max();
    for (const auto& s : state_) {
      if (!s.done) slowest = std::min(slowest, s.merged);
    }
    std::optional<Task> best;
    for (std::uint32_t p = 0; p < points_; ++p) {
      const auto& s = state_[p];
      if (s.done || s.issued >= max_blocks_ || s.issued >= slowest + window_) continue;
      if (!best || s.issued < best->block) best = Task{p, s.issued};
    }
    if (best) ++state_[best->point].issued;
    return best;
  }

  void work() {
    std::vector<std::unique_ptr<ReplicationModel>> models(points_);
    model::ReplicationMetrics metrics;
    Observations observations;
    try {
      for (;;) {
        Task task;
        {
          std::unique_lock lock(mutex_);
          std::optional<Task> next;
          work_available_.wait(lock, [&] {
            if (abort_ || finished_ || failed_) return true;
            next = next_task();
            return next.has_value();
          });
          if (!next) return;
          task = *next;
        }
        auto& model = models[task.point];
        if (!model) model = factory_(plan_.specs[task.point]);
        BlockResult block;
        if (!run_block(*model, task, metrics, observations, block)) return;
        {
          std::lock_guard lock(mutex_);
          deliver(std::move(block));
        }
        work_available_.notify_all();
        changed_.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
      failed_ = true;
      work_available_.notify_all();
      changed_.notify_all();
    }
  }

  // False when stopped part-way.
  bool run_block(ReplicationModel& model, const Task& task, model::ReplicationMetrics& m,
                 Observations& obs, BlockResult& out) {
    const auto started = Clock::now();
    const auto& spec = plan_.specs[task.point];
    const double horizon = spec.horizon;
    out.point = task.point;
    out.block = task.block;
    out.replications = block_reps(task.block);
    out.size_for(components_, bins_);
    if (baseline_) out.values.resize(out.replications);
    const std::uint32_t stream_point = rp_.common_random_numbers ? 0 : task.point;
    const std::uint32_t first = task.block * rp_.block_size;
    for (std::uint32_t i = 0; i < out.replications; ++i) {
      if (stopped()) return false;
      model.run(rp_.seed, stream_point, first + i, m);
      observe(m, horizon, obs);
      for (std::size_t k = 0; k < metric_count; ++k) {
        const auto id = static_cast<MetricId>(k);
        if (info(id).kind == MetricKind::mean) {
          if (obs[k].defined) out.means[k].add(obs[k].value);
        } else {
          out.pooled[k].add(obs[k]);
        }
        if (baseline_) out.values[i][k] = replication_value(id, obs[k]);
      }
      for (std::size_t o = 0; o < model::harm_origin_count; ++o) out.harms_by_origin[o] += m.harms_by_origin[o];
      out.latent += m.harms_latent_involved;
      out.common_cause += m.harms_common_cause;
      out.errors_no_harm += m.model_errors_no_harm;
      for (std::size_t c = 0; c < components_ && c < m.near_misses_by_layer.size(); ++c) {
        out.near_misses[c] += m.near_misses_by_layer[c];
      }
      for (std::size_t c = 0; c < components_ && c < m.harms_by_last_layer.size(); ++c) {
        out.harms_last[c] += m.harms_by_last_layer[c];
      }
      for (std::size_t b = 0; b < bins_ && b < m.harm_series.size(); ++b) {
        out.bin_sum[b] += m.harm_series[b];
        const auto x = static_cast<double>(m.harm_series[b]);
        out.bin_squares[b] += x * x;
      }
      if (m.first_harm_observed && bins_ > 0) {
        auto bin = static_cast<std::size_t>(m.time_to_first_harm / horizon * static_cast<double>(bins_));
        out.first_harm[std::min<std::size_t>(bin, bins_ - 1)] += 1;
      } else {
        out.first_harm_censored += 1;
      }
      out.events += m.events;
      out.tasks += m.tasks;
    }
    out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return true;
  }

  bool own_rule(const PointState& s) const {
    const auto n = s.total.replications;
    if (n >= rp_.max_replications) return true;
    if (!rp_.precision) return false;
    return n >= rp_.min_replications && relative_error(s.total, rp_.metric) <= rp_.relative_error;
  }

  void finish_point(PointState& s) {
    s.done = true;
    s.stop_blocks = s.merged;
    s.pending.clear();
  }

  // Called with the lock held.
  void deliver(BlockResult&& block) {
    auto& s = state_[block.point];
    if (s.done || block.block < s.merged) return;  // beyond the stopping boundary
    s.pending.emplace(block.block, std::move(block));
    bool progress = true;
    while (progress) {
      progress = false;
      for (std::uint32_t p = 0; p < points_; ++p) progress = advance(p) || progress;
      progress = pair_all() || progress;
    }
    finished_ = std::all_of(state_.begin(), state_.end(), [](const auto& x) { return x.done; }) &&
                (!baseline_ || all_paired());
  }

  // Folds what can be folded at point p, in block order.
  bool advance(std::uint32_t p) {
    auto& s = state_[p];
    bool any = false;
    const bool is_baseline = baseline_ && *baseline_ == p;
    while (!s.done) {
      if (is_baseline && s.awaiting_decision) {
        // Decide at boundary `merged` once every other point has reached or stopped before it.
        bool all_reached = true, all_stopped = true;
        for (std::uint32_t q = 0; q < points_; ++q) {
          if (q == p) continue;
          const auto& o = state_[q];
          if (!o.done && o.merged < s.merged) all_reached = false;
          if (!(o.done && o.stop_blocks <= s.merged)) all_stopped = false;
        }
        if (!all_reached) break;
        s.awaiting_decision = false;
        any = true;
        if (s.own_rule_met && all_stopped) {
          finish_point(s);
          break;
        }
      }
      auto it = s.pending.find(s.merged);
      if (it == s.pending.end()) break;
      BlockResult block = std::move(it->second);
      s.pending.erase(it);
      if (baseline_) s.unpaired.emplace(block.block, std::move(block.values));
      s.total.merge(block);
      ++s.merged;
      any = true;
      if (is_baseline) {
        s.own_rule_met = own_rule(s);
        s.awaiting_decision = true;
      } else if (own_rule(s)) {
        finish_point(s);
      }
    }
    return any;
  }

  // Paired differences, block by block in order, while the baseline's block is there.
  bool pair_all() {
    if (!baseline_) return false;
    auto& base = state_[*baseline_];
    bool any = false;
    for (std::uint32_t p = 0; p < points_; ++p) {
      if (p == *baseline_) continue;
      auto& s = state_[p];
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
    }
    // The baseline's blocks are dropped once every point has paired them or stopped before.
    while (!base.unpaired.empty()) {
      const auto b = base.unpaired.begin()->first;
      bool needed = false;
      for (std::uint32_t p = 0; p < points_ && !needed; ++p) {
        if (p == *baseline_) continue;
        const auto& s = state_[p];
        needed = s.paired <= b && !(s.done && s.stop_blocks <= b);
      }
      if (needed) break;
      base.unpaired.erase(base.unpaired.begin());
    }
    return any;
  }

  bool all_paired() const {
    for (std::uint32_t p = 0; p < points_; ++p) {
      if (p == *baseline_) continue;
      const auto& s = state_[p];
      if (s.paired < s.stop_blocks) return false;
    }
    return true;
  }

  Progress progress_locked(Clock::time_point start) const {
    Progress progress;
    progress.points_total = points_;
    for (const auto& s : state_) {
      progress.points_done += s.done ? 1 : 0;
      progress.replications_done += s.total.replications;
      progress.replications_planned += s.done ? s.total.replications : rp_.max_replications;
    }
    progress.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return progress;
  }

  void assemble(RunResult& result) const {
    result.plan = plan_;
    result.seed = rp_.seed;
    result.threads = threads_;
    result.command_line = options_.command_line;
    result.fingerprint = fingerprint(plan_);
    const auto& spec = plan_.specs.front();
    for (const auto& c : spec.components) {
      result.components.push_back(c.id);
      result.component_kinds.emplace_back(model::to_string(c.kind));
    }
    for (std::uint32_t b = 0; b <= bins_; ++b) {
      result.bin_edges_hours.push_back(spec.horizon * static_cast<double>(b) / static_cast<double>(bins_));
    }
    for (std::uint32_t p = 0; p < points_; ++p) {
      const auto& s = state_[p];
      const auto& t = s.total;
      PointResult r;
      r.label = plan_.design.point_labels[p];
      for (std::size_t k = 0; k < metric_count; ++k) {
        r.metrics[k] = finish(t, static_cast<MetricId>(k));
        if (baseline_) {
          if (p == *baseline_) {
            r.paired[k] = Statistic{t.replications, 0.0, 0.0, 0.0, 0.0, 0, nan, nan};
          } else {
            r.paired[k] = finish_paired(s.differences[k]);
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
      const auto n = static_cast<double>(t.replications);
      for (std::uint32_t b = 0; b < bins_; ++b) {
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
      r.replications = t.replications;
      r.events = t.events;
      r.tasks = t.tasks;
      r.wall_seconds = t.seconds;
      result.points.push_back(std::move(r));
    }
  }

  const Plan& plan_;
  const RunOptions& options_;
  const ModelFactory& factory_;
  const ReplicationPlan rp_;
  std::uint32_t points_ = 0;
  std::optional<std::uint32_t> baseline_;
  std::size_t components_ = 0;
  std::uint32_t bins_ = 0;
  std::uint32_t max_blocks_ = 0;
  unsigned threads_ = 1;
  std::uint32_t window_ = 4;

  std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable changed_;
  std::vector<PointState> state_;
  bool finished_ = false;
  bool abort_ = false;
  bool failed_ = false;
  std::exception_ptr failure_;
};

}  // namespace

RunResult run_plan(const Plan& plan, const RunOptions& options, const ModelFactory& factory) {
  if (plan.specs.empty() || plan.specs.size() != plan.design.size()) {
    throw std::invalid_argument("run_plan: the plan needs one spec per design point");
  }
  if (plan.replications.block_size == 0 || plan.replications.max_replications == 0) {
    throw std::invalid_argument("run_plan: block size and replications must be >= 1");
  }
  Engine engine(plan, options, factory);
  return engine.run();
}

}  // namespace stsim::runner
