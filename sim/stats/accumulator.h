#pragma once
// Mergeable accumulators. The runner folds per-replication observations in replication
// order, so results never depend on which thread produced them.

#include <cstdint>

namespace stsim::stats {

// Count, mean and variance by Welford's update; merge() by Chan et al. Merging a
// one-observation accumulator gives exactly the bits of add(), so folding replications
// one by one in a fixed order reproduces a sequential pass bit for bit. Merging larger
// accumulators agrees with a sequential pass only up to rounding (still deterministic
// for a fixed merge order).
class MeanAccumulator {
 public:
  void add(double x);
  void merge(const MeanAccumulator& other);

  std::uint64_t count() const { return n_; }
  double mean() const { return mean_; }
  double variance() const;        // sample variance (n - 1); 0 when n < 2
  double standard_error() const;  // sqrt(variance / n); 0 when n < 2
  double relative_error() const;  // standard_error / |mean|; +inf when mean == 0

  // The exact state, for checkpoints and for shipping partial results between processes:
  // restoring it continues the same sequence of updates bit for bit.
  struct State {
    std::uint64_t n = 0;
    double mean = 0.0;
    double m2 = 0.0;
  };
  State state() const { return {n_, mean_, m2_}; }
  static MeanAccumulator from_state(const State& s);

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

// Integer observations (events per replication) summed exactly, so any merge order gives
// the same result as one sequential pass.
class CountAccumulator {
 public:
  void add(std::uint64_t x);
  void merge(const CountAccumulator& other);

  std::uint64_t count() const { return n_; }    // observations (replications)
  std::uint64_t total() const { return sum_; }  // events over all observations
  double mean() const;
  double variance() const;
  double standard_error() const;
  double relative_error() const;

 private:
  std::uint64_t n_ = 0;
  std::uint64_t sum_ = 0;
  __extension__ unsigned __int128 sum_squares_ = 0;  // __extension__: no -Wpedantic warning
};

// A ratio of sums over replications, sum x / sum y (hours waited over reviews, busy over
// available person-hours), with the ratio estimator's standard error: replications are
// the independent units, each contributing its own x and y. Sums fold in a fixed order,
// so the result is deterministic for a fixed merge order.
class RatioAccumulator {
 public:
  void add(double x, double y);
  void merge(const RatioAccumulator& other);

  std::uint64_t count() const { return s_.n; }  // replications
  double ratio() const;                         // NaN when sum y = 0
  double standard_error() const;                // NaN with fewer than 2 replications

  struct State {
    std::uint64_t n = 0;
    double x = 0.0, y = 0.0, xx = 0.0, xy = 0.0, yy = 0.0;
  };
  State state() const { return s_; }
  static RatioAccumulator from_state(const State& s);

 private:
  State s_;
};

}  // namespace stsim::stats
