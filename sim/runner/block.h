#pragma once
// Runner-internal: what a block of replications contributes to a point, and a point's
// folded state. Both travel as bytes: blocks between processes (MPI), point states into
// checkpoints and shard files. Every double is copied bit for bit, so statistics folded
// from decoded data are identical to those folded in one process.

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "sim/model/metrics.h"
#include "sim/runner/metric_table.h"
#include "sim/stats/accumulator.h"
#include "sim/stats/quantile_sketch.h"

namespace stsim::runner::detail {

using Values = std::array<double, metric_count>;  // one replication's metric values

// Pooled events over exposures, with the sums a cluster-robust (ratio estimator)
// standard error needs: replications are the independent units, not tasks.
struct Pooled {
  std::uint64_t n = 0;
  std::uint64_t count = 0;
  double exposure = 0.0;
  double skk = 0.0, skt = 0.0, stt = 0.0;
  // Importance sampling: the weighted counts (Observation::weighted), their cross sums
  // with the exposures, and the tasks' weights for the diagnostics.
  double weighted = 0.0, sww = 0.0, swt = 0.0;
  double weight_squares = 0.0, largest_weight = 0.0;

  void add(const Observation& o);
  void merge(const Pooled& b);
  double mean() const;
  double standard_error() const;
  // Observed variance over the binomial (proportions: `binomial`) or Poisson one; 1 when
  // there is nothing to compare (no spread, one replication).
  double design_effect(bool binomial) const;
  // The importance sampling estimate, sum of weighted counts over exposures, and its
  // standard error over replications (the ratio estimator's, as standard_error()).
  double weighted_mean() const;
  double weighted_standard_error() const;
};

// The quantiles of time in system reported per operator pool (docs/output.md, /queues).
inline constexpr std::array<double, 3> queue_quantiles = {0.5, 0.9, 0.99};

// One reviewer of an individual pool over replications: its reviews and misses per
// replication, its share of the pool's reviews and of the hazards it saw caught (ratio
// estimators), and its trust at the horizon.
struct ReviewerBlock {
  stats::MeanAccumulator reviews;   // reviews started, per replication
  stats::RatioAccumulator share;    // its reviews / the pool's reviews
  stats::RatioAccumulator catches;  // hazards caught / hazards reviewed
  stats::MeanAccumulator missed;    // hazards reviewed and passed, per replication
  stats::MeanAccumulator trust;     // after its last review

  void merge(const ReviewerBlock& b);
};

// One operator pool's queue over replications: ratios of sums (the ratio estimator), and
// the time in system both pooled in a sketch and as each replication's own quantiles,
// whose spread gives the quantiles' standard errors (sectioning).
struct PoolBlock {
  stats::RatioAccumulator waited;     // reviews that waited / reviews started
  stats::RatioAccumulator wait;       // hours waited / reviews started
  stats::RatioAccumulator in_system;  // hours in system / reviews started
  stats::RatioAccumulator busy;       // person-hours reviewing / person-hours available
  std::array<stats::MeanAccumulator, queue_quantiles.size()> replication_quantiles;
  stats::QuantileSketch sketch;
  std::vector<ReviewerBlock> reviewers;  // individual pools: per reviewer; empty otherwise

  void merge(const PoolBlock& b);
};

// Everything a block of consecutive replications of one point contributes.
struct BlockResult {
  std::uint32_t point = 0;
  std::uint32_t block = 0;
  std::uint32_t replications = 0;
  bool weighted = false;  // by importance sampling (ReplicationMetrics::weighted)
  std::array<Pooled, metric_count> pooled;
  std::array<stats::MeanAccumulator, metric_count> means;
  std::vector<Values> values;  // per replication, kept only when there is a baseline
  std::array<std::uint64_t, model::harm_origin_count> harms_by_origin = {};
  std::uint64_t latent = 0, common_cause = 0, errors_no_harm = 0;
  std::vector<std::uint64_t> near_misses, harms_last;  // per component
  std::vector<std::uint64_t> harms_by_context, near_misses_by_context, model_errors_by_context;
  std::vector<std::uint64_t> bin_sum;
  std::vector<double> bin_squares;
  std::vector<std::uint64_t> first_harm;
  std::uint64_t first_harm_censored = 0;
  std::vector<PoolBlock> pools;  // per operator pool; left empty under importance sampling
  std::uint64_t events = 0, tasks = 0;
  double seconds = 0.0;

  void size_for(std::size_t components, std::size_t contexts, std::size_t bins, std::size_t pools);
  void merge(const BlockResult& b);
};

// A point's statistics folded so far, and where its stopping and pairing stand. Blocks
// that finished out of order are not part of it: they are recomputed after a resume.
struct PointState {
  std::uint32_t merged = 0;  // blocks folded into `total`
  bool done = false;
  std::uint32_t stop_blocks = 0;  // blocks folded when done
  BlockResult total;
  // Baseline only: its stop decision at a boundary waits for every other point to reach it.
  bool awaiting_decision = false;
  bool own_rule_met = false;
  // Pairing with the baseline.
  std::uint32_t paired = 0;  // blocks paired
  std::map<std::uint32_t, std::vector<Values>> unpaired;
  std::array<stats::MeanAccumulator, metric_count> differences;
};

std::vector<std::uint8_t> encode_block(const BlockResult& block);
// Throws std::runtime_error when the bytes are not a whole block.
BlockResult decode_block(std::span<const std::uint8_t> bytes);

std::vector<std::uint8_t> encode_points(const std::vector<PointState>& points);
std::vector<PointState> decode_points(std::span<const std::uint8_t> bytes);

}  // namespace stsim::runner::detail
