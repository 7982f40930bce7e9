#include "sim/stats/quantile_sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace stsim::stats {

namespace {

constexpr double gamma_ =
    (1.0 + LogBuckets::relative_accuracy) / (1.0 - LogBuckets::relative_accuracy);

double log_gamma() {
  static const double value = std::log(gamma_);
  return value;
}

// The rank of x_(ceil(q n)), at least 1.
std::uint64_t rank_of(double q, std::uint64_t n) {
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(n)));
  return std::clamp<std::uint64_t>(rank, 1, n);
}

}  // namespace

std::size_t LogBuckets::count() {
  static const auto buckets =
      static_cast<std::size_t>(std::ceil(std::log(largest / smallest) / log_gamma())) + 1;
  return buckets;
}

std::size_t LogBuckets::defined_index(double x) {
  if (!(x > smallest)) return 0;
  const double i = std::ceil(std::log(x / smallest) / log_gamma());
  return std::min(count() - 1, static_cast<std::size_t>(std::max(1.0, i)));
}

namespace {

// defined_index() tabulated. `first[i]` is the least double in bucket i (i >= 1); a cell is
// the doubles sharing their exponent and top `cell_bits` mantissa bits, a relative width of
// 2^(1/64) - 1 = 1.1%, narrower than a bucket (gamma - 1 = 2%), so a cell holds at most one
// bucket boundary: its first value's bucket, or the next one. Both tables are built from
// defined_index() itself, so the lookup returns exactly what the definition does.
class BucketTable {
 public:
  BucketTable() {
    const std::size_t n = LogBuckets::count();
    first_.resize(n);
    first_[0] = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < n; ++i) {
      // Near smallest * gamma^(i - 1), then to the exact least double of bucket i.
      double x = std::max(std::nextafter(LogBuckets::smallest, 1.0),
                          LogBuckets::smallest * std::pow(gamma_, static_cast<double>(i - 1)));
      while (x > LogBuckets::smallest && LogBuckets::defined_index(x) >= i)
        x = std::nextafter(x, 0.0);
      while (LogBuckets::defined_index(x) < i) x = std::nextafter(x, inf);
      first_[i] = x;
    }
    top_ = first_[n - 1];
    first_cell_ = cell_key(std::nextafter(LogBuckets::smallest, inf));
    cell_bucket_.resize(cell_key(top_) - first_cell_ + 1);
    for (std::size_t c = 0; c < cell_bucket_.size(); ++c) {
      const double lowest = std::bit_cast<double>((first_cell_ + c) << (52 - cell_bits));
      cell_bucket_[c] = static_cast<std::uint16_t>(
          LogBuckets::defined_index(std::max(lowest, std::nextafter(LogBuckets::smallest, inf))));
      // index() steps at most once within a cell.
      const std::size_t after_next = cell_bucket_[c] + 2;
      const double next_cell = std::bit_cast<double>((first_cell_ + c + 1) << (52 - cell_bits));
      if (after_next < n && first_[after_next] < next_cell)
        throw std::logic_error("LogBuckets: a table cell spans two bucket boundaries");
    }
  }

  std::size_t index(double x) const {
    if (!(x > LogBuckets::smallest)) return 0;
    if (x >= top_) return first_.size() - 1;
    // No branch on the step: it goes either way about as often, so a branch mispredicts.
    const std::size_t i = cell_bucket_[cell_key(x) - first_cell_];
    return i + static_cast<std::size_t>(x >= first_[i + 1]);
  }

 private:
  static constexpr int cell_bits = 6;
  static constexpr double inf = std::numeric_limits<double>::infinity();
  // For a positive finite double, its exponent and top mantissa bits, increasing with it.
  static std::uint64_t cell_key(double x) {
    return std::bit_cast<std::uint64_t>(x) >> (52 - cell_bits);
  }

  std::vector<double> first_;
  std::vector<std::uint16_t> cell_bucket_;
  std::uint64_t first_cell_ = 0;
  double top_ = 0.0;  // the least value of the top bucket
};

}  // namespace

std::size_t LogBuckets::index(double x) {
  static const BucketTable table;
  return table.index(x);
}

double LogBuckets::value(std::size_t index) {
  if (index == 0) return 0.0;
  return smallest * 2.0 * std::pow(gamma_, static_cast<double>(index)) / (gamma_ + 1.0);
}

double bucket_quantile(std::span<const std::uint64_t> dense, double q) {
  std::uint64_t n = 0;
  for (const auto c : dense) n += c;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const auto rank = rank_of(q, n);
  std::uint64_t below = 0;
  for (std::size_t i = 0; i < dense.size(); ++i) {
    below += dense[i];
    if (below >= rank) return LogBuckets::value(i);
  }
  return LogBuckets::value(dense.size() - 1);
}

void QuantileSketch::add(std::span<const std::uint64_t> dense) {
  QuantileSketch other;
  for (std::size_t i = 0; i < dense.size(); ++i) {
    if (dense[i] == 0) continue;
    other.buckets_.emplace_back(static_cast<std::uint32_t>(i), dense[i]);
    other.count_ += dense[i];
  }
  merge(other);
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.buckets_.empty()) return;
  std::vector<Bucket> merged;
  merged.reserve(buckets_.size() + other.buckets_.size());
  auto a = buckets_.begin();
  auto b = other.buckets_.begin();
  while (a != buckets_.end() || b != other.buckets_.end()) {
    if (b == other.buckets_.end() || (a != buckets_.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == buckets_.end() || b->first < a->first) {
      merged.push_back(*b++);
    } else {
      merged.emplace_back(a->first, a->second + b->second);
      ++a;
      ++b;
    }
  }
  buckets_ = std::move(merged);
  count_ += other.count_;
}

double QuantileSketch::quantile(double q) const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  const auto rank = rank_of(q, count_);
  std::uint64_t below = 0;
  for (const auto& [index, count] : buckets_) {
    below += count;
    if (below >= rank) return LogBuckets::value(index);
  }
  return LogBuckets::value(buckets_.back().first);
}

QuantileSketch QuantileSketch::from_buckets(std::vector<Bucket> buckets) {
  QuantileSketch s;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (buckets[i].first >= LogBuckets::count() || buckets[i].second == 0 ||
        (i > 0 && buckets[i].first <= buckets[i - 1].first))
      throw std::invalid_argument("corrupt data: a quantile sketch's buckets are out of order");
    s.count_ += buckets[i].second;
  }
  s.buckets_ = std::move(buckets);
  return s;
}

}  // namespace stsim::stats
