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

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/model/metrics.h"
#include "sim/model/spec.h"
#include "sim/runner/design.h"
#include "sim/runner/metric_table.h"
#include "sim/scenario/scenario.h"

namespace stsim::runner {

// Progress as seen by the caller of run_sweep, reported on the calling thread.
struct Progress {
  std::uint32_t points_total = 0;
  std::uint32_t points_done = 0;
  std::uint64_t replications_done = 0;     // merged into results so far, all points
  // Replications the run will do at most (fixed counts: exact; precision rule: the
  // maximum, an upper bound for a time-remaining estimate).
  std::uint64_t replications_planned = 0;
  double elapsed_seconds = 0.0;
};

struct RunOptions {
  unsigned threads = 0;                        // 0 = std::thread::hardware_concurrency()
  std::optional<std::uint64_t> seed;           // replaces scenario.seed
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
};

// Defaults of the precision rule when the sweep section leaves them out.
inline constexpr std::uint32_t default_min_replications = 100;
inline constexpr std::uint32_t default_max_replications = 1000000;
inline constexpr std::uint32_t default_precision_block_size = 50;

// How replications are run and when each point stops, resolved from the scenario and
// the options.
struct ReplicationPlan {
  std::uint64_t seed = 1;
  bool precision = false;              // false: every point runs exactly max_replications
  MetricId metric = MetricId::harm_rate;
  double relative_error = 0.0;
  std::uint32_t min_replications = 0;
  std::uint32_t max_replications = 0;  // the fixed count when !precision
  std::uint32_t block_size = 1;
  bool common_random_numbers = true;
};

// A sweep ready to run: one validated spec per point.
struct Plan {
  scenario::Scenario base;                  // as loaded (text, overrides, sweep)
  Design design;
  std::vector<model::ScenarioSpec> specs;   // one per point
  std::vector<std::string> resolved;        // per point: "path = value" lines of every parameter
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

// Every parameter of a spec as "path = value" lines, in the scenario's paths (for
// /scenario/resolved and the fingerprint).
std::string resolved_parameters(const model::ScenarioSpec& spec);

// One estimate. `count`, `exposure` and `upper_bound` are for proportions and rates only.
struct Statistic {
  std::uint64_t n = 0;          // replications (observations) behind the estimate
  double mean = 0.0;
  double standard_error = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
  std::uint64_t count = 0;      // events summed over replications
  double exposure = 0.0;        // trials (tasks...) or hours
  double upper_bound = 0.0;     // 95% zero-event upper bound; NaN when count > 0
};

struct PointResult {
  std::string label;
  std::array<Statistic, metric_count> metrics;
  std::array<Statistic, metric_count> paired;  // point minus baseline; only with a baseline
  std::uint64_t time_to_first_harm_censored = 0;

  std::array<std::uint64_t, model::harm_origin_count> harms_by_origin = {};
  std::uint64_t harms_latent_involved = 0;
  std::uint64_t harms_common_cause = 0;
  std::uint64_t model_errors_no_harm = 0;
  std::vector<std::uint64_t> near_misses_by_layer;  // per component
  std::vector<std::uint64_t> harms_by_last_layer;   // per component

  std::vector<double> harms_mean;     // per time bin: mean harms per replication
  std::vector<double> harms_stderr;
  std::vector<std::uint64_t> first_harm_counts;  // per time bin
  std::uint64_t first_harm_censored = 0;

  std::uint64_t replications = 0;
  std::uint64_t events = 0;
  std::uint64_t tasks = 0;
  double wall_seconds = 0.0;  // worker time spent on this point (not reproducible)
};

struct RunResult {
  Plan plan;
  std::vector<PointResult> points;
  std::vector<std::string> components;       // ids, scenario order
  std::vector<std::string> component_kinds;
  std::vector<double> bin_edges_hours;       // time_bins + 1
  std::uint64_t seed = 0;
  std::uint32_t threads = 0;
  std::string command_line;
  std::string started;    // ISO 8601 UTC
  std::string finished;
  double total_wall_seconds = 0.0;
  std::string fingerprint;  // hex hash of the resolved configuration
  bool complete = false;    // false when stopped by RunOptions::stop
};

// The model run for each replication. The default is model::Simulation; tests and
// benchmarks may substitute their own. One instance per (worker thread, point).
class ReplicationModel {
 public:
  virtual ~ReplicationModel() = default;
  virtual void run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
                   model::ReplicationMetrics& out) = 0;
};
using ModelFactory = std::function<std::unique_ptr<ReplicationModel>(const model::ScenarioSpec&)>;
ModelFactory simulation_factory();

// Runs a plan. Throws std::invalid_argument for a spec the model cannot run.
RunResult run_plan(const Plan& plan, const RunOptions& options,
                   const ModelFactory& factory = simulation_factory());

// make_plan + run_plan.
RunResult run_sweep(const scenario::Scenario& scenario, const RunOptions& options);

}  // namespace stsim::runner
