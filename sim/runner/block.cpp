// Block and point-state arithmetic, and their byte encoding: fixed-width little-endian
// fields, lengths before every sequence, a tag before every record so that bytes of
// another kind are refused rather than misread.

#include "sim/runner/block.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace stsim::runner::detail {

static_assert(std::endian::native == std::endian::little,
              "the encoding copies numbers in the machine's byte order");

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint32_t block_tag = 0x4b4c4253;   // "SBLK"
constexpr std::uint32_t points_tag = 0x54505453;  // "STPT"

class Writer {
 public:
  template <typename T>
  requires std::is_arithmetic_v<T>
  void put(T value) {
    const auto at = bytes_.size();
    bytes_.resize(at + sizeof value);
    std::memcpy(bytes_.data() + at, &value, sizeof value);
  }
  void put(bool value) { put<std::uint8_t>(value ? 1 : 0); }
  template <typename T>
  void put(const std::vector<T>& values) {
    put<std::uint64_t>(values.size());
    for (const auto& v : values) put(v);
  }
  template <typename T, std::size_t N>
  void put(const std::array<T, N>& values) {
    for (const auto& v : values) put(v);
  }
  void put(const Pooled& p) {
    put(p.n);
    put(p.count);
    put(p.exposure);
    put(p.skk);
    put(p.skt);
    put(p.stt);
    put(p.weighted);
    put(p.sww);
    put(p.swt);
    put(p.weight_squares);
    put(p.largest_weight);
  }
  void put(const stats::MeanAccumulator& a) {
    const auto s = a.state();
    put(s.n);
    put(s.mean);
    put(s.m2);
  }
  void put(const stats::RatioAccumulator& a) {
    const auto s = a.state();
    put(s.n);
    put(s.x);
    put(s.y);
    put(s.xx);
    put(s.xy);
    put(s.yy);
  }
  void put(const std::pair<std::uint32_t, std::uint64_t>& bucket) {
    put(bucket.first);
    put(bucket.second);
  }
  void put(const ReviewerBlock& b) {
    put(b.reviews);
    put(b.share);
    put(b.catches);
    put(b.missed);
    put(b.trust);
  }
  void put(const PoolBlock& p) {
    put(p.waited);
    put(p.wait);
    put(p.in_system);
    put(p.busy);
    put(p.replication_quantiles);
    put(p.sketch.buckets());
    put(p.reviewers);
  }
  void put(const BlockResult& b) {
    put(b.point);
    put(b.block);
    put(b.replications);
    put(b.weighted);
    put(b.pooled);
    put(b.means);
    put(b.values);
    put(b.harms_by_origin);
    put(b.latent);
    put(b.common_cause);
    put(b.errors_no_harm);
    put(b.near_misses);
    put(b.harms_last);
    put(b.harms_by_context);
    put(b.near_misses_by_context);
    put(b.model_errors_by_context);
    put(b.bin_sum);
    put(b.bin_squares);
    put(b.first_harm);
    put(b.first_harm_censored);
    put(b.pools);
    put(b.events);
    put(b.tasks);
    put(b.seconds);
  }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  std::vector<std::uint8_t> bytes_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  template <typename T>
  requires std::is_arithmetic_v<T>
  void get(T& value) {
    need(sizeof value);
    std::memcpy(&value, bytes_.data() + at_, sizeof value);
    at_ += sizeof value;
  }
  void get(bool& value) {
    std::uint8_t byte = 0;
    get(byte);
    if (byte > 1) throw std::runtime_error("corrupt data: a flag is neither 0 nor 1");
    value = byte == 1;
  }
  template <typename T>
  void get(std::vector<T>& values) {
    std::uint64_t size = 0;
    get(size);
    // Every element takes at least one byte: a length beyond the data is corruption,
    // refused before it can ask for an absurd allocation.
    if (size > bytes_.size() - at_)
      throw std::runtime_error("corrupt data: a length exceeds the data");
    values.resize(size);
    for (auto& v : values) get(v);
  }
  template <typename T, std::size_t N>
  void get(std::array<T, N>& values) {
    for (auto& v : values) get(v);
  }
  void get(Pooled& p) {
    get(p.n);
    get(p.count);
    get(p.exposure);
    get(p.skk);
    get(p.skt);
    get(p.stt);
    get(p.weighted);
    get(p.sww);
    get(p.swt);
    get(p.weight_squares);
    get(p.largest_weight);
  }
  void get(stats::MeanAccumulator& a) {
    stats::MeanAccumulator::State s;
    get(s.n);
    get(s.mean);
    get(s.m2);
    a = stats::MeanAccumulator::from_state(s);
  }
  void get(stats::RatioAccumulator& a) {
    stats::RatioAccumulator::State s;
    get(s.n);
    get(s.x);
    get(s.y);
    get(s.xx);
    get(s.xy);
    get(s.yy);
    a = stats::RatioAccumulator::from_state(s);
  }
  void get(std::pair<std::uint32_t, std::uint64_t>& bucket) {
    get(bucket.first);
    get(bucket.second);
  }
  void get(ReviewerBlock& b) {
    get(b.reviews);
    get(b.share);
    get(b.catches);
    get(b.missed);
    get(b.trust);
  }
  void get(PoolBlock& p) {
    get(p.waited);
    get(p.wait);
    get(p.in_system);
    get(p.busy);
    get(p.replication_quantiles);
    std::vector<stats::QuantileSketch::Bucket> buckets;
    get(buckets);
    try {
      p.sketch = stats::QuantileSketch::from_buckets(std::move(buckets));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(e.what());
    }
    get(p.reviewers);
  }
  void get(BlockResult& b) {
    get(b.point);
    get(b.block);
    get(b.replications);
    get(b.weighted);
    get(b.pooled);
    get(b.means);
    get(b.values);
    get(b.harms_by_origin);
    get(b.latent);
    get(b.common_cause);
    get(b.errors_no_harm);
    get(b.near_misses);
    get(b.harms_last);
    get(b.harms_by_context);
    get(b.near_misses_by_context);
    get(b.model_errors_by_context);
    get(b.bin_sum);
    get(b.bin_squares);
    get(b.first_harm);
    get(b.first_harm_censored);
    get(b.pools);
    get(b.events);
    get(b.tasks);
    get(b.seconds);
  }
  void expect_tag(std::uint32_t tag, const char* what) {
    std::uint32_t found = 0;
    if (bytes_.size() - at_ >= sizeof found) get(found);
    if (found != tag) throw std::runtime_error(std::string("corrupt data: not ") + what);
  }
  void expect_end() const {
    if (at_ != bytes_.size()) throw std::runtime_error("corrupt data: trailing bytes");
  }

 private:
  void need(std::size_t n) const {
    if (bytes_.size() - at_ < n) throw std::runtime_error("corrupt data: truncated");
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

}  // namespace

void Pooled::add(const Observation& o) {
  const auto k = static_cast<double>(o.count);
  ++n;
  count += o.count;
  exposure += o.exposure;
  skk += k * k;
  skt += k * o.exposure;
  stt += o.exposure * o.exposure;
  weighted += o.weighted;
  sww += o.weighted * o.weighted;
  swt += o.weighted * o.exposure;
  weight_squares += o.weight_squares;
  largest_weight = std::max(largest_weight, o.largest_weight);
}

void Pooled::merge(const Pooled& b) {
  n += b.n;
  count += b.count;
  exposure += b.exposure;
  skk += b.skk;
  skt += b.skt;
  stt += b.stt;
  weighted += b.weighted;
  sww += b.sww;
  swt += b.swt;
  weight_squares += b.weight_squares;
  largest_weight = std::max(largest_weight, b.largest_weight);
}

double Pooled::weighted_mean() const { return exposure > 0.0 ? weighted / exposure : nan; }

double Pooled::weighted_standard_error() const {
  if (!(exposure > 0.0) || n < 2) return nan;
  const double r = weighted_mean();
  const double residual = std::max(0.0, sww - 2.0 * r * swt + r * r * stt);
  const auto dn = static_cast<double>(n);
  return std::sqrt(dn / (dn - 1.0) * residual) / exposure;
}

double Pooled::mean() const { return exposure > 0.0 ? static_cast<double>(count) / exposure : nan; }

double Pooled::standard_error() const {
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

double Pooled::design_effect(bool binomial) const {
  const double m = mean();
  const double independent = binomial ? m * (1.0 - m) / exposure : m / exposure;
  if (!(independent > 0.0) || n < 2) return 1.0;
  const double se = standard_error();
  return se * se / independent;
}

void ReviewerBlock::merge(const ReviewerBlock& b) {
  reviews.merge(b.reviews);
  share.merge(b.share);
  catches.merge(b.catches);
  missed.merge(b.missed);
  trust.merge(b.trust);
}

void PoolBlock::merge(const PoolBlock& b) {
  waited.merge(b.waited);
  wait.merge(b.wait);
  in_system.merge(b.in_system);
  busy.merge(b.busy);
  for (std::size_t q = 0; q < replication_quantiles.size(); ++q)
    replication_quantiles[q].merge(b.replication_quantiles[q]);
  sketch.merge(b.sketch);
  // A point's replications have the same reviewers; the first block merged sets them.
  if (reviewers.size() < b.reviewers.size()) reviewers.resize(b.reviewers.size());
  for (std::size_t i = 0; i < b.reviewers.size(); ++i) reviewers[i].merge(b.reviewers[i]);
}

void BlockResult::size_for(std::size_t components, std::size_t contexts, std::size_t bins,
                           std::size_t pool_count) {
  pools.assign(pool_count, PoolBlock{});
  near_misses.assign(components, 0);
  harms_last.assign(components, 0);
  harms_by_context.assign(contexts, 0);
  near_misses_by_context.assign(contexts, 0);
  model_errors_by_context.assign(contexts, 0);
  bin_sum.assign(bins, 0);
  bin_squares.assign(bins, 0.0);
  first_harm.assign(bins, 0);
}

void BlockResult::merge(const BlockResult& b) {
  replications += b.replications;
  weighted = weighted || b.weighted;
  for (std::size_t i = 0; i < metric_count; ++i) {
    pooled[i].merge(b.pooled[i]);
    means[i].merge(b.means[i]);
  }
  for (std::size_t i = 0; i < harms_by_origin.size(); ++i)
    harms_by_origin[i] += b.harms_by_origin[i];
  latent += b.latent;
  common_cause += b.common_cause;
  errors_no_harm += b.errors_no_harm;
  for (std::size_t c = 0; c < near_misses.size(); ++c) {
    near_misses[c] += b.near_misses[c];
    harms_last[c] += b.harms_last[c];
  }
  for (std::size_t x = 0; x < harms_by_context.size(); ++x) {
    harms_by_context[x] += b.harms_by_context[x];
    near_misses_by_context[x] += b.near_misses_by_context[x];
    model_errors_by_context[x] += b.model_errors_by_context[x];
  }
  for (std::size_t i = 0; i < bin_sum.size(); ++i) {
    bin_sum[i] += b.bin_sum[i];
    bin_squares[i] += b.bin_squares[i];
    first_harm[i] += b.first_harm[i];
  }
  first_harm_censored += b.first_harm_censored;
  for (std::size_t q = 0; q < pools.size(); ++q) pools[q].merge(b.pools[q]);
  events += b.events;
  tasks += b.tasks;
  seconds += b.seconds;
}

std::vector<std::uint8_t> encode_block(const BlockResult& block) {
  Writer w;
  w.put(block_tag);
  w.put(block);
  return w.take();
}

BlockResult decode_block(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  r.expect_tag(block_tag, "a block of replications");
  BlockResult block;
  r.get(block);
  r.expect_end();
  return block;
}

std::vector<std::uint8_t> encode_points(const std::vector<PointState>& points) {
  Writer w;
  w.put(points_tag);
  w.put<std::uint64_t>(points.size());
  for (const auto& p : points) {
    w.put(p.merged);
    w.put(p.done);
    w.put(p.stop_blocks);
    w.put(p.total);
    w.put(p.awaiting_decision);
    w.put(p.own_rule_met);
    w.put(p.paired);
    w.put<std::uint64_t>(p.unpaired.size());
    for (const auto& [block, values] : p.unpaired) {
      w.put(block);
      w.put(values);
    }
    w.put(p.differences);
  }
  return w.take();
}

std::vector<PointState> decode_points(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  r.expect_tag(points_tag, "the statistics of a run");
  std::uint64_t count = 0;
  r.get(count);
  if (count > bytes.size()) throw std::runtime_error("corrupt data: a length exceeds the data");
  std::vector<PointState> points(count);
  for (auto& p : points) {
    r.get(p.merged);
    r.get(p.done);
    r.get(p.stop_blocks);
    r.get(p.total);
    r.get(p.awaiting_decision);
    r.get(p.own_rule_met);
    r.get(p.paired);
    std::uint64_t unpaired = 0;
    r.get(unpaired);
    if (unpaired > bytes.size())
      throw std::runtime_error("corrupt data: a length exceeds the data");
    for (std::uint64_t i = 0; i < unpaired; ++i) {
      std::uint32_t block = 0;
      std::vector<Values> values;
      r.get(block);
      r.get(values);
      p.unpaired.emplace(block, std::move(values));
    }
    r.get(p.differences);
  }
  r.expect_end();
  return points;
}

}  // namespace stsim::runner::detail
