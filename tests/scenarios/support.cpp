#include "support.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "sim/structure/check.h"

namespace stsim::evidence {

ScenarioRun::ScenarioRun(const std::string& name, std::uint32_t replications, std::uint64_t seed) {
  const std::string file = std::string(STSIM_SOURCE_DIR) + "/scenarios/" + name + ".toml";
  auto loaded = structure::load_checked(file);
  for (const auto& d : loaded.diagnostics) {
    if (d.severity == scenario::Diagnostic::Severity::error) UNSCOPED_INFO(scenario::format(d));
  }
  REQUIRE(loaded.ok());
  runner::RunOptions options;
  options.seed = seed;
  options.replications = replications;
  result_ = runner::run_sweep(*loaded.scenario, options);
  REQUIRE(result_.complete);
  REQUIRE(result_.points.size() == result_.plan.design.size());
}

std::uint32_t ScenarioRun::point(const std::vector<Coordinate>& coordinates) const {
  const auto& design = result_.plan.design;
  std::vector<std::uint32_t> found;
  for (std::uint32_t p = 0; p < design.size(); ++p) {
    bool all = true;
    for (const auto& c : coordinates) {
      bool match = false;
      for (const auto& column : design.columns) {
        if (column.path != c.path) continue;
        if (const auto* number = std::get_if<double>(&c.value)) {
          match = column.numeric && column.numbers[p] == *number;
        } else {
          const auto& text = std::get<std::string>(c.value);
          match = (!column.labels.empty() && column.labels[p] == text) ||
                  (!column.numeric && column.strings[p] == text);
        }
      }
      all = all && match;
    }
    if (all) found.push_back(p);
  }
  INFO("sweep coordinates matched " << found.size() << " points");
  REQUIRE(found.size() == 1);
  return found.front();
}

const runner::Statistic& ScenarioRun::metric(std::uint32_t point, runner::MetricId id) const {
  return result_.points.at(point).metrics[static_cast<std::size_t>(id)];
}

const runner::Statistic& ScenarioRun::paired(std::uint32_t point, runner::MetricId id) const {
  return result_.points.at(point).paired[static_cast<std::size_t>(id)];
}

const runner::PointResult& ScenarioRun::at(std::uint32_t point) const {
  return result_.points.at(point);
}

double ScenarioRun::resolved_number(std::uint32_t point, const std::string& path) const {
  std::istringstream lines(result_.plan.resolved.at(point));
  const std::string prefix = path + " = ";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size()));
  }
  FAIL("no resolved parameter " << path);
  return 0.0;
}

std::string describe(const runner::Statistic& s) {
  std::ostringstream out;
  out << s.mean << " [" << s.ci_low << ", " << s.ci_high << "] (n=" << s.n << ", count=" << s.count
      << ")";
  return out.str();
}

}  // namespace stsim::evidence
