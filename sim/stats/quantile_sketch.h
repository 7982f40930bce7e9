#pragma once
// Quantiles of a positive quantity (an operator pool's time in system) from logarithmic
// buckets, the layout of DDSketch (Masson, Rim & Lee 2019, PVLDB 12:2195): bucket i > 0
// holds the values in (gamma^(i-1), gamma^i] times `smallest`, gamma = (1 + a) / (1 - a),
// and reports 2 gamma^i / (gamma + 1) times it, within relative error a of every value
// in the bucket. So a quantile read from the buckets is within a of the sample quantile
// whenever that lies in [smallest, largest]. Bucket 0 holds the values at or below
// `smallest` and reports 0; values above `largest` share the top bucket. Counts are
// integers, so any merge order gives the same sketch.

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace stsim::stats {

struct LogBuckets {
  static constexpr double relative_accuracy = 0.01;  // a
  static constexpr double smallest = 1e-6;           // hours: 3.6 ms
  static constexpr double largest = 1e6;             // hours: 114 years
  static std::size_t count();                        // buckets, bucket 0 included
  // By table lookup, no log: per review on the hot path. Equal to defined_index(x).
  static std::size_t index(double x);
  // The bucket by its definition, ceil(log(x / smallest) / log(gamma)) clamped to the
  // buckets, in double precision: what index() tabulates (its test compares the two).
  static std::size_t defined_index(double x);
  static double value(std::size_t index);  // what the bucket reports
};

// The sample quantile x_(ceil(q n)) of the values counted in `dense` (one count per
// bucket), as its bucket reports it; NaN when nothing was counted. 0 < q < 1.
double bucket_quantile(std::span<const std::uint64_t> dense, double q);

// Bucket counts merged over replications, holding only the buckets in use.
class QuantileSketch {
 public:
  using Bucket = std::pair<std::uint32_t, std::uint64_t>;  // index, count

  void add(std::span<const std::uint64_t> dense);
  void merge(const QuantileSketch& other);
  std::uint64_t count() const { return count_; }
  double quantile(double q) const;  // as bucket_quantile(); NaN when empty

  const std::vector<Bucket>& buckets() const { return buckets_; }
  // Throws std::invalid_argument unless the indices are increasing and in range.
  static QuantileSketch from_buckets(std::vector<Bucket> buckets);

 private:
  std::vector<Bucket> buckets_;  // increasing index, every count > 0
  std::uint64_t count_ = 0;
};

}  // namespace stsim::stats
