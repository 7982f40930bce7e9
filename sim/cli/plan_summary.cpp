#include "sim/cli/plan_summary.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "sim/scenario/units.h"

namespace stsim::cli {

std::string grouped(double count) {
  const std::string digits = fmt::format("{:.0f}", std::max(0.0, count));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string seconds_words(double seconds) {
  if (seconds < 60.0) return fmt::format("{:.2g} s", seconds);
  if (seconds < 3600.0) return fmt::format("{:.2g} minutes", seconds / 60.0);
  if (seconds < 2 * 86400.0) return fmt::format("{:.2g} hours", seconds / 3600.0);
  return fmt::format("{:.2g} days", seconds / 86400.0);
}

std::string plan_summary(const runner::Plan& plan, const runner::RunEstimate& estimate,
                         unsigned cores, bool every_point) {
  const auto& r = plan.replications;
  const auto points = plan.specs.size();
  const auto& tasks = estimate.tasks_per_replication;
  const auto [fewest, most] = std::minmax_element(tasks.begin(), tasks.end());
  std::string out;
  const auto count = [](double n) { return n < 10.0 ? fmt::format("{:.2g}", n) : grouped(n); };
  const std::string each =
      count(*fewest) == count(*most)
          ? fmt::format("about {} tasks each", count(*most))
          : fmt::format("about {} to {} tasks each", count(*fewest), count(*most));
  const std::string point_count = fmt::format("{} point{}", points, points == 1 ? "" : "s");
  if (r.precision) {
    out += fmt::format(
        "  plan: {} x {} to {} replications (until the relative error of {} is at most {}, "
        "checked every {}), {}\n",
        point_count, grouped(r.min_replications), grouped(r.max_replications),
        runner::info(r.metric).name, r.relative_error, r.block_size, each);
  } else {
    out += fmt::format("  plan: {} x {} replications = {} replications, {}\n", point_count,
                       grouped(r.max_replications),
                       grouped(static_cast<double>(points) * r.max_replications), each);
  }
  out += fmt::format("  horizon: {} per replication; seed {}{}\n",
                     scenario::duration_words(plan.specs.front().horizon), r.seed,
                     points > 1 && r.common_random_numbers ? "; common random numbers" : "");
  cores = std::max(1u, cores);
  const std::string on_cores = fmt::format("on {} core{}", cores, cores == 1 ? "" : "s");
  const std::string basis =
      fmt::format("(an estimate: {} calibration tasks took {:.2g} us of CPU each)",
                  grouped(static_cast<double>(estimate.calibration_tasks)),
                  estimate.cpu_seconds_per_task * 1e6);
  if (r.precision) {
    out += fmt::format(
        "  estimated time: {} of CPU if every point stops at {} replications, {} if every "
        "point runs all {}; {}, {} to {} {}\n",
        seconds_words(estimate.cpu_seconds_least), grouped(r.min_replications),
        seconds_words(estimate.cpu_seconds_most), grouped(r.max_replications), on_cores,
        seconds_words(estimate.cpu_seconds_least / cores),
        seconds_words(estimate.cpu_seconds_most / cores), basis);
  } else {
    out += fmt::format("  estimated time: {} of CPU in all, {} {} {}\n",
                       seconds_words(estimate.cpu_seconds_most),
                       seconds_words(estimate.cpu_seconds_most / cores), on_cores, basis);
  }
  if (every_point) {
    for (std::size_t p = 0; p < points; ++p) {
      out += fmt::format("  point {}: about {} tasks per replication: {}\n", p, grouped(tasks[p]),
                         plan.design.point_labels[p]);
    }
  }
  return out;
}

}  // namespace stsim::cli
