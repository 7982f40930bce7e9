#include "sim/stats/quantile_sketch.h"

#include <algorithm>
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

std::size_t LogBuckets::index(double x) {
  if (!(x > smallest)) return 0;
  const double i = std::ceil(std::log(x / smallest) / log_gamma());
  return std::min(count() - 1, static_cast<std::size_t>(std::max(1.0, i)));
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
