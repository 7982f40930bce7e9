#include "sim/stats/accumulator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace stsim::stats {

void MeanAccumulator::add(double x) {
  ++n_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
}

MeanAccumulator MeanAccumulator::from_state(const State& s) {
  MeanAccumulator a;
  a.n_ = s.n;
  a.mean_ = s.mean;
  a.m2_ = s.m2;
  return a;
}

void MeanAccumulator::merge(const MeanAccumulator& other) {
  if (other.n_ == 0) {
    return;
  }
  // The runner folds one observation per replication: taking add()'s path here makes
  // that fold bit-identical to a sequential pass, which Chan's formula alone is not.
  if (other.n_ == 1) {
    add(other.mean_);
    return;
  }
  if (n_ == 0) {
    *this = other;
    return;
  }
  // Chan, Golub & LeVeque (1979), pairwise update.
  const double n_a = static_cast<double>(n_);
  const double n_b = static_cast<double>(other.n_);
  const double n = n_a + n_b;
  const double delta = other.mean_ - mean_;
  mean_ += delta * n_b / n;
  m2_ += other.m2_ + delta * delta * n_a * n_b / n;
  n_ += other.n_;
}

double MeanAccumulator::variance() const {
  return n_ < 2 ? 0.0 : m2_ / static_cast<double>(n_ - 1);
}

double MeanAccumulator::standard_error() const {
  return n_ < 2 ? 0.0 : std::sqrt(variance() / static_cast<double>(n_));
}

double MeanAccumulator::relative_error() const {
  return mean_ == 0.0 ? std::numeric_limits<double>::infinity()
                      : standard_error() / std::fabs(mean_);
}

namespace {
__extension__ typedef unsigned __int128 uint128;
}  // namespace

void CountAccumulator::add(std::uint64_t x) {
  std::uint64_t sum;
  if (__builtin_add_overflow(sum_, x, &sum)) {
    throw std::overflow_error("CountAccumulator: total count exceeds 2^64 - 1");
  }
  sum_ = sum;
  sum_squares_ += static_cast<uint128>(x) * x;
  ++n_;
}

void CountAccumulator::merge(const CountAccumulator& other) {
  std::uint64_t sum;
  if (__builtin_add_overflow(sum_, other.sum_, &sum)) {
    throw std::overflow_error("CountAccumulator: total count exceeds 2^64 - 1");
  }
  sum_ = sum;
  sum_squares_ += other.sum_squares_;
  n_ += other.n_;
}

double CountAccumulator::mean() const {
  return n_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(n_);
}

double CountAccumulator::variance() const {
  if (n_ < 2) {
    return 0.0;
  }
  // sum of squared deviations = S2 - S^2 / n. Split S^2 / n into quotient q and remainder
  // r: S2 - q is an exact non-negative integer (S2 >= S^2 / n), so only the final
  // conversions round, and there is no cancellation however large the counts.
  const uint128 square = static_cast<uint128>(sum_) * sum_;
  const uint128 q = square / n_;
  const uint128 r = square % n_;
  const double deviations =
      static_cast<double>(sum_squares_ - q) - static_cast<double>(r) / static_cast<double>(n_);
  return deviations / static_cast<double>(n_ - 1);
}

double CountAccumulator::standard_error() const {
  return n_ < 2 ? 0.0 : std::sqrt(variance() / static_cast<double>(n_));
}

double CountAccumulator::relative_error() const {
  return sum_ == 0 ? std::numeric_limits<double>::infinity() : standard_error() / mean();
}

void RatioAccumulator::add(double x, double y) {
  ++s_.n;
  s_.x += x;
  s_.y += y;
  s_.xx += x * x;
  s_.xy += x * y;
  s_.yy += y * y;
}

void RatioAccumulator::merge(const RatioAccumulator& other) {
  s_.n += other.s_.n;
  s_.x += other.s_.x;
  s_.y += other.s_.y;
  s_.xx += other.s_.xx;
  s_.xy += other.s_.xy;
  s_.yy += other.s_.yy;
}

double RatioAccumulator::ratio() const {
  return s_.y > 0.0 ? s_.x / s_.y : std::numeric_limits<double>::quiet_NaN();
}

double RatioAccumulator::standard_error() const {
  if (s_.n < 2 || !(s_.y > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  // The linearised variance of the ratio: the residuals x - r y over replications.
  const double r = ratio();
  const double residual = std::max(0.0, s_.xx - 2.0 * r * s_.xy + r * r * s_.yy);
  const auto n = static_cast<double>(s_.n);
  return std::sqrt(n / (n - 1.0) * residual) / s_.y;
}

RatioAccumulator RatioAccumulator::from_state(const State& s) {
  RatioAccumulator a;
  a.s_ = s;
  return a;
}

}  // namespace stsim::stats
