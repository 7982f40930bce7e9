#include "sim/cli/progress.h"

#include <fmt/core.h>

#include <algorithm>
#include <string>

namespace stsim::cli {

namespace {

std::string duration(double seconds) {
  if (!(seconds >= 0.0) || seconds > 1e7) return "--:--";
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

void ProgressPrinter::operator()(const runner::Progress& p) {
  // The rate of this process: replications restored from a checkpoint took no time here.
  const double rate =
      p.elapsed_seconds > 0.0
          ? static_cast<double>(p.replications_done - p.replications_resumed) / p.elapsed_seconds
          : 0.0;
  const double left = static_cast<double>(p.replications_planned -
                                          std::min(p.replications_planned, p.replications_done));
  const std::string eta = rate > 0.0 ? duration(left / rate) : "--:--";
  const double fraction =
      p.replications_planned > 0
          ? static_cast<double>(p.replications_done) / static_cast<double>(p.replications_planned)
          : 0.0;
  if (bar_) {
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    fmt::print(out_, "\r[{}{}] {}/{} points  {:.0f} reps/s  ETA {}   ",
               std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), '.'), p.points_done,
               p.points_total, rate, eta);
    std::fflush(out_);
    drawn_ = true;
    return;
  }
  const bool all_done = p.points_done == p.points_total;
  // The last report can come twice (the last interval, then the end): one line for it.
  if ((p.elapsed_seconds < next_line_ && !all_done) || (all_done && ended_)) return;
  ended_ = all_done;
  next_line_ = p.elapsed_seconds + 5.0;
  fmt::print(out_,
             "stsim: {}/{} points, {} replications ({:.1f}%), {:.0f} reps/s, elapsed {}, ETA {}\n",
             p.points_done, p.points_total, p.replications_done, 100.0 * fraction, rate,
             duration(p.elapsed_seconds), eta);
}

void ProgressPrinter::finish() {
  if (drawn_) fmt::print(out_, "\n");
}

}  // namespace stsim::cli
