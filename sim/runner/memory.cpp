// The memory estimate behind the budget of make_plan. Fitted to the peak resident size of
// `stsim run` (Release, 2 threads) over sweeps of 100 to 20,000 points, 5 to 25
// components and 5 to 100,000 time bins (benchmarks/README.md), rounded up so that it
// overestimates every one of them.

#include <limits>

#include "sim/runner/runner.h"

namespace stsim::runner {

namespace {

constexpr std::uint64_t fixed_bytes = 48ull << 20;       // the program, HDF5, thread stacks
constexpr std::uint64_t per_point_bytes = 16 * 1024;     // spec, labels, statistics, model
constexpr std::uint64_t per_component_bytes = 3 * 1024;  // per point: its share of the spec
constexpr std::uint64_t per_bin_bytes = 128;             // per point: five copies of three series
// Per point and operator pool: its folded time-in-system sketch at its largest (every
// one of stats::LogBuckets' 1,383 buckets in use, 16 bytes each) and its ratio sums.
constexpr std::uint64_t per_pool_bytes = 24 * 1024;

std::uint64_t saturating_multiply(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a)
    return std::numeric_limits<std::uint64_t>::max();
  return a * b;
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return b > std::numeric_limits<std::uint64_t>::max() - a
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}

}  // namespace

std::uint64_t estimated_memory(std::uint64_t points, std::uint64_t components,
                               std::uint64_t time_bins, std::uint64_t pools) {
  std::uint64_t per_point =
      saturating_add(per_point_bytes, saturating_multiply(per_component_bytes, components));
  per_point = saturating_add(per_point, saturating_multiply(per_bin_bytes, time_bins));
  per_point = saturating_add(per_point, saturating_multiply(per_pool_bytes, pools));
  return saturating_add(fixed_bytes, saturating_multiply(points, per_point));
}

}  // namespace stsim::runner
