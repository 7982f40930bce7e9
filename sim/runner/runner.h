#pragma once
// The in-process API of `stsim run`: expands a scenario's sweep into points, runs
// replications of every point over worker threads, and merges them into statistics per
// point and metric (see docs/output.md for the metrics and their intervals).
//
// Reproducibility: results depend only on the scenario, the seed and the options below,
// never on the number of threads or on timing. Replications are grouped in blocks of
// consecutive indices; a point's blocks are folded into its statistics in block order
// (and replications within a block in index order), and a precision stopping rule is
// evaluated at each block boundary in that order. Blocks computed beyond a point's
// stopping boundary are discarded, so speculative work by other threads never shows.
// The same holds across processes: blocks run by MPI ranks, slices of a sharded run and a
// run resumed from a checkpoint fold the same blocks in the same order.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/model/metrics.h"
#include "sim/model/spec.h"
#include "sim/runner/design.h"
#include "sim/runner/evidence.h"
#include "sim/runner/importance.h"
#include "sim/runner/metric_table.h"
#include "sim/runner/sensitivity.h"
#include "sim/runner/uncertainty.h"
#include "sim/runner/worst_case.h"
#include "sim/scenario/scenario.h"

namespace stsim::runner {

// Progress as seen by the caller of run_sweep, reported on the calling thread.
struct Progress {
  std::uint32_t points_total = 0;
  std::uint32_t points_done = 0;
  std::uint64_t replications_done = 0;     // merged into results so far, all points
  std::uint64_t replications_resumed = 0;  // of those, restored from a checkpoint (not run now)
  // Replications the run will do at most (fixed counts: exact; precision rule: the
  // maximum, an upper bound for a time-remaining estimate).
  std::uint64_t replications_planned = 0;
  double elapsed_seconds = 0.0;
};

// One block of replications of one point: the unit of work a worker runs.
struct BlockTask {
  std::uint32_t point = 0;
  std::uint32_t block = 0;
};

// Slice `index` (0-based) of `count` of a sweep, for job arrays: point p belongs to
// slice p mod count. A slice also runs the baseline, as far as its own points need it
// for pairing; merging the slices keeps the baseline of the slice that ran it longest,
// which is exactly the baseline of an unsliced run.
struct Shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
  bool owns(std::uint32_t point) const { return point % count == index; }
};

// A run's statistics folded so far (at a block boundary of every point), with what
// identifies the run. Written as a checkpoint to resume from, and into shard files to
// merge. `points` is runner-internal; it is exact, so continuing from it gives the bits
// an uninterrupted run gives.
struct RunState {
  std::string stsim_version;  // "version (git revision)" of the code that ran it
  std::string fingerprint;    // of the resolved configuration (RunResult::fingerprint)
  std::uint64_t seed = 0;
  Shard shard;
  // The run's options that shape the plan, so that a merge can rebuild it.
  std::optional<std::uint32_t> replications;
  std::optional<double> until_relative_error;
  bool complete = false;
  std::vector<std::uint8_t> points;
};
std::vector<std::uint8_t> encode_state(const RunState& state);
// Throws std::runtime_error when the bytes are not a whole state.
RunState decode_state(std::span<const std::uint8_t> bytes);

// The run's work as seen by workers in other processes. Thread-safe.
class WorkQueue {
 public:
  virtual ~WorkQueue() = default;
  // The next block to run, if one can be handed out now.
  virtual std::optional<BlockTask> take() = 0;
  // A finished block, as encoded by BlockWorker::run.
  virtual void deliver(std::span<const std::uint8_t> block) = 0;
  // A remote worker failed: the run fails with this message.
  virtual void fail(const std::string& message) = 0;
  // Finished, failed or stopped: hand out nothing more and wind down.
  virtual bool over() const = 0;
  // Returns when the queue changes, or after `timeout`.
  virtual void wait(std::chrono::milliseconds timeout) = 0;
};

// Workers in other processes: serve() runs on its own thread for the whole run, taking
// tasks from the queue and delivering their blocks until queue.over(), and returns once
// no remote work is outstanding.
class RemoteWorkers {
 public:
  virtual ~RemoteWorkers() = default;
  virtual void serve(WorkQueue& queue) = 0;
};

class ReplicationModel;
using ModelFactory = std::function<std::unique_ptr<ReplicationModel>(const model::ScenarioSpec&)>;

struct RunOptions {
  unsigned threads = 0;               // 0 = std::thread::hardware_concurrency()
  std::optional<std::uint64_t> seed;  // replaces scenario.seed
  // A fixed count for every point; disables the sweep's precision rule.
  std::optional<std::uint32_t> replications;
  // Replicate until the relative error (stderr / |mean|) of the precision metric (the
  // sweep's `metric`, else harm_rate) is at most this, between the sweep's (or default)
  // min and max replications.
  std::optional<double> until_relative_error;
  // Called on the calling thread about every progress_interval_seconds and once at the end.
  std::function<void(const Progress&)> on_progress;
  double progress_interval_seconds = 0.5;
  // Cooperative stop (set from a signal handler): workers stop before their next
  // replication and run_sweep returns a result with complete == false.
  const std::atomic<bool>* stop = nullptr;
  // Recorded in the results (provenance only).
  std::string command_line;

  // Run only this slice of the sweep (Slurm job arrays); see Shard.
  Shard shard;
  // Continue from a checkpoint instead of from nothing. Must match the plan (see
  // resume_mismatch); the result is then identical to an uninterrupted run's.
  const RunState* resume = nullptr;
  // Called on the calling thread with the state folded so far, about every
  // checkpoint_interval_seconds and once more when the run stops before its end.
  std::function<void(const RunState&)> on_checkpoint;
  double checkpoint_interval_seconds = 60.0;
  // Workers in other processes (MPI ranks), served alongside this process's threads.
  RemoteWorkers* remote = nullptr;
  // make_plan refuses a run whose estimated_memory exceeds this many bytes (0: no limit).
  std::uint64_t memory_limit = 0;
};

// The precision rule's defaults are scenario::default_min_replications and its peers.

// The budget `stsim run` and `stsim validate` hold a run to unless --memory-limit says
// otherwise (docs/output.md, "Memory").
inline constexpr std::uint64_t default_memory_limit = 8'000'000'000;

// Bytes a run of this shape needs at its peak, by a conservative estimate fitted to
// measured runs (benchmarks/README.md): a fixed part, and per point a part for its
// components, one for its time bins (statistics, results, the file being written) and
// one for its operator pools (their time-in-system sketches). Saturates at UINT64_MAX.
std::uint64_t estimated_memory(std::uint64_t points, std::uint64_t components,
                               std::uint64_t time_bins, std::uint64_t pools = 0);

// How replications are run and when each point stops, resolved from the scenario and
// the options.
struct ReplicationPlan {
  std::uint64_t seed = 1;
  bool precision = false;  // false: every point runs exactly max_replications
  MetricId metric = MetricId::harm_rate;
  double relative_error = 0.0;
  std::uint32_t min_replications = 0;
  std::uint32_t max_replications = 0;  // the fixed count when !precision
  std::uint32_t block_size = 1;
  bool common_random_numbers = true;
};

// A sweep ready to run: one validated spec per point.
struct Plan {
  scenario::Scenario base;  // as loaded (text, overrides, sweep)
  Design design;
  std::vector<model::ScenarioSpec> specs;  // one per point
  std::vector<std::string> resolved;       // per point: "path = value" lines of every parameter
  ReplicationPlan replications;
};

// An invalid sweep point or option, found before any simulation. Diagnostics carry the
// point's assignments in their messages.
class InvalidSweep : public std::runtime_error {
 public:
  explicit InvalidSweep(std::vector<scenario::Diagnostic> diagnostics);
  const std::vector<scenario::Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<scenario::Diagnostic> diagnostics_;
};

// Expands the sweep, applies each point's assignments with
// structure::with_assignments_checked and resolves the replication plan. Throws
// InvalidSweep listing every invalid point (or option).
Plan make_plan(const scenario::Scenario& scenario, const RunOptions& options);

// Builds the model of every point once, as the first replication would, so that a spec
// the model refuses is reported before any replication. Throws InvalidSweep with one
// diagnostic per refused point.
void check_models(const Plan& plan, const ModelFactory& factory);

// Every parameter of a spec as "path = value" lines, in the scenario's paths (for
// /scenario/resolved and the fingerprint).
std::string resolved_parameters(const model::ScenarioSpec& spec);

// One estimate. `count`, `exposure` and `upper_bound` are for proportions and rates only.
struct Statistic {
  std::uint64_t n = 0;  // replications (observations) behind the estimate
  double mean = 0.0;
  double standard_error = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  std::uint64_t count = 0;   // events summed over replications
  double exposure = 0.0;     // trials (tasks...) or hours
  double upper_bound = 0.0;  // 95% zero-event upper bound; NaN when count > 0
};

// How far an importance sampling estimate can be trusted (docs/rare-events.md), for a
// weighed proportion or rate; NaN throughout otherwise.
struct WeightDiagnostics {
  double relative_error = 0.0;         // standard error / estimate
  double effective_sample_size = 0.0;  // (sum of the events' weights)^2 / sum of their squares
  double largest_weight_share = 0.0;   // the largest event weight / their sum
  // Plain Monte Carlo's variance over the same number of tasks (binomial, or Poisson for
  // a rate per hour) over this estimate's: the gain for the same work.
  double variance_ratio = 0.0;
};

// When an importance sampling estimate is not yet to be trusted: the reasons, in words,
// or "" (docs/rare-events.md, "Reading the diagnostics").
std::string untrustworthy(const WeightDiagnostics& d);

// One operator pool's queue at a point (docs/output.md, /queues): ratio estimates over
// replications, and the time in system's quantiles read from a sketch within 1% (stats::
// LogBuckets), with standard errors from the spread of the replications' own quantiles.
// One reviewer of an individual pool at a point (docs/output.md, /reviewers).
struct ReviewerResult {
  Statistic reviews;     // reviews started, per replication
  Statistic share;       // of the pool's reviews
  Statistic catch_rate;  // hazards caught over hazardous outputs reviewed
  Statistic missed;      // hazardous outputs reviewed and passed, per replication
  Statistic trust;       // at the horizon (after its last review)
};

struct QueueResult {
  Statistic wait_probability;  // reviews started that waited first
  Statistic mean_wait;         // hours, per review started
  Statistic mean_time_in_system;
  Statistic utilisation;  // person-hours reviewing over person-hours available
  std::array<Statistic, 3> time_in_system_quantiles;  // 50%, 90%, 99%
  std::vector<ReviewerResult> reviewers;  // individual pools: per reviewer; empty otherwise
};

struct PointResult {
  std::string label;
  bool importance_sampled = false;  // by importance sampling (scenario.rare_event)
  std::array<WeightDiagnostics, metric_count> diagnostics;
  std::array<Statistic, metric_count> metrics;
  std::array<Statistic, metric_count> paired;  // point minus baseline; only with a baseline
  std::uint64_t time_to_first_harm_censored = 0;

  std::array<std::uint64_t, model::harm_origin_count> harms_by_origin = {};
  std::uint64_t harms_latent_involved = 0;
  std::uint64_t harms_common_cause = 0;
  std::uint64_t model_errors_no_harm = 0;
  std::vector<std::uint64_t> near_misses_by_layer;  // per component
  std::vector<std::uint64_t> harms_by_last_layer;   // per component
  std::vector<std::uint64_t> harms_by_context;      // per context, file order
  std::vector<std::uint64_t> near_misses_by_context;
  std::vector<std::uint64_t> model_errors_by_context;
  std::vector<QueueResult> queues;  // per operator pool; NaN under importance sampling

  std::vector<double> harms_mean;  // per time bin: mean harms per replication
  std::vector<double> harms_stderr;
  std::vector<std::uint64_t> first_harm_counts;  // per time bin
  std::uint64_t first_harm_censored = 0;
  Evidence evidence;  // at the red line: time to first harm, survival, acceptance

  std::uint64_t replications = 0;
  std::uint64_t events = 0;
  std::uint64_t tasks = 0;
  double wall_seconds = 0.0;  // worker time spent on this point (not reproducible)
  // Precision stopping only: whether the point met its target, rather than stopping at
  // max_replications with a larger relative error (or none, with no events at all).
  bool precision_target_met = false;
};

struct RunResult {
  Plan plan;
  std::vector<PointResult> points;
  std::vector<std::string> components;  // ids, scenario order
  std::vector<std::string> component_kinds;
  std::vector<std::string> component_labels;  // in words, for figures
  std::vector<std::string> contexts;          // names, file order
  std::vector<std::string> pools;             // operator components' ids, scenario order
  std::vector<double> bin_edges_hours;        // time_bins + 1
  std::uint64_t seed = 0;
  std::uint32_t threads = 0;    // worker threads per process
  std::uint32_t processes = 1;  // MPI ranks that ran blocks
  std::string command_line;
  std::string started;  // ISO 8601 UTC
  std::string finished;
  double total_wall_seconds = 0.0;
  std::string fingerprint;  // hex hash of the resolved configuration
  bool complete = false;    // false when stopped by RunOptions::stop
  Shard shard;              // the slice this result holds (all points unless sharded)
  RunState state;           // the folded statistics behind the result, for shard files
  bool shard_file = false;  // to be written as a shard file, for `stsim merge` (even 1/1)
  // `stsim run --importance`: the measures from a run of importance_plan, written to
  // /importance beside this run's own points.
  std::optional<ImportanceResult> importance;
  // [sweep.worst_case]: the red team's best response, written to /worst_case.
  std::optional<WorstCaseResult> worst_case;
  // A saltelli or morris sweep: its indices (runner/sensitivity.h), written to
  // /sensitivity. Computed from the folded points, so a resumed run and a merge of shards
  // give the same ones; a slice of a sharded run has none.
  std::optional<SensitivityResult> sensitivity;
  // An uncertainty sweep: the distribution of each metric over the outer sample,
  // written to /uncertainty; computed like `sensitivity`.
  std::optional<UncertaintyResult> uncertainty;
};

// The model run for each replication. The default is model::Simulation; tests and
// benchmarks may substitute their own. One instance per (worker thread, point).
class ReplicationModel {
 public:
  virtual ~ReplicationModel() = default;
  virtual void run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
                   model::ReplicationMetrics& out) = 0;
};
ModelFactory simulation_factory();

// Runs a plan. Throws std::invalid_argument for a spec the model cannot run.
RunResult run_plan(const Plan& plan, const RunOptions& options,
                   const ModelFactory& factory = simulation_factory());

// make_plan + run_plan.
RunResult run_sweep(const scenario::Scenario& scenario, const RunOptions& options);

// Replications folded into a state, over all points.
std::uint64_t replications_in(const RunState& state);

// The identity of a run of `plan` with `options` (a RunState without statistics): what a
// checkpoint or shard file must match.
RunState run_identity(const Plan& plan, const RunOptions& options);

// "" when `saved` (a checkpoint or shard file) comes from the same code, seed and
// resolved configuration as `expected`; otherwise what differs, in words.
std::string identity_mismatch(const RunState& saved, const RunState& expected);

// A shard file's state with the name it was read from, for messages.
struct NamedState {
  std::string name;
  RunState state;
};

// Combines the states of every slice of a sharded run of `plan` into the result an
// unsharded run gives. Throws std::invalid_argument naming the file and the fault when a
// state belongs to another run or did not finish, or when a slice is missing or repeated.
RunResult merge_shards(const Plan& plan, const std::vector<NamedState>& shards);

// Runs blocks of a plan for a worker in another process. Not thread-safe: one per thread.
class BlockWorker {
 public:
  BlockWorker(const Plan& plan, const ModelFactory& factory = simulation_factory());
  ~BlockWorker();
  BlockWorker(const BlockWorker&) = delete;
  BlockWorker& operator=(const BlockWorker&) = delete;
  // The encoded block (for WorkQueue::deliver), or nothing when `stop` was set part-way.
  std::optional<std::vector<std::uint8_t>> run(const BlockTask& task,
                                               const std::atomic<bool>* stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stsim::runner
