#pragma once
// Runs a shipped scenario in process (reduced replications, fixed seed) and finds its
// sweep points by parameter, for the headline-finding tests.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/runner/runner.h"

namespace stsim::evidence {

// A sweep coordinate: a path and the value (or label) the point has there.
struct Coordinate {
  std::string path;
  std::variant<double, std::string> value;
};

class ScenarioRun {
 public:
  // Loads scenarios/<name>.toml with the structure checks, then runs every point with
  // `replications` replications from `seed`. Fails the test (REQUIRE) if the file does
  // not load.
  ScenarioRun(const std::string& name, std::uint32_t replications, std::uint64_t seed);

  // The one point with these coordinates (REQUIRE fails if none or several match).
  std::uint32_t point(const std::vector<Coordinate>& coordinates) const;
  const runner::Statistic& metric(std::uint32_t point, runner::MetricId id) const;
  const runner::Statistic& paired(std::uint32_t point, runner::MetricId id) const;
  const runner::PointResult& at(std::uint32_t point) const;
  // The resolved value of a numeric parameter at a point (from the plan's specs' text).
  double resolved_number(std::uint32_t point, const std::string& path) const;
  const runner::RunResult& result() const { return result_; }

 private:
  runner::RunResult result_;
};

// "name: value [low, high]" for failure messages.
std::string describe(const runner::Statistic& s);

}  // namespace stsim::evidence
