// Importance measures by simulation (stsim run --importance) against their exact values
// in the analytic subset: every finite measure of every layer within 4 SE, for cases
// with independent layers, a beta-coupled pair, a defence against misuse and an audit.
// The SEs are the delta-method SEs of the paired estimates (docs/sensitivity.md); the
// seeds are fixed.

#include "sim/analytic/importance.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "sim/runner/runner.h"
#include "tests/validation/command.h"

namespace {

using namespace stsim;

using validation::scenario_path;

// Returns the number of measures compared.
std::size_t check_importance(const char* file, std::uint32_t replications) {
  const auto loaded = scenario::load_file(scenario_path(file));
  REQUIRE(loaded.ok());
  runner::RunOptions options;
  options.threads = 2;
  options.replications = replications;
  const auto plan = runner::importance_plan(*loaded.scenario, options);
  const auto exact = analytic::exact_importance(plan.specs.front());
  const auto measured = runner::importance_measures(runner::run_plan(plan, options));
  REQUIRE(measured.components.size() == exact.size());
  const auto& harm = measured.metrics.front();
  REQUIRE(harm.metric == runner::MetricId::harm_rate);
  std::size_t compared = 0;
  for (std::size_t j = 0; j < exact.size(); ++j) {
    CHECK(measured.components[j] == exact[j].id);
    for (std::size_t k = 0; k < model::importance_measure_count; ++k) {
      const auto measure = static_cast<model::ImportanceMeasure>(k);
      const double value = model::value_of(exact[j].measures, measure);
      const auto& e = harm.measures[k][j];
      INFO(file << ": " << exact[j].id << " " << model::to_string(measure) << ": exact " << value
                << ", simulated " << e.value << " (SE " << e.standard_error << ", 95% [" << e.ci_low
                << ", " << e.ci_high << "])");
      if (!std::isfinite(value)) {
        // A perfect layer that removes every harm: no harm in the simulation either.
        CHECK(std::isinf(e.value));
        continue;
      }
      ++compared;
      if (e.standard_error == 0.0) {
        CHECK(e.value == Approx(value).margin(1e-12));
      } else {
        CHECK(std::abs(e.value - value) < 4.0 * e.standard_error);
        // Precise enough to mean something: the SE is under a tenth of the value for the
        // ratios, under a quarter for Birnbaum's slope (only the tasks whose draws fall
        // within the step of a miss probability tell it; its SE grows as 1 / sqrt(step)).
        const double precision = measure == model::ImportanceMeasure::birnbaum ? 0.25 : 0.1;
        CHECK(e.standard_error < precision * std::abs(value) + 1e-12);
      }
    }
  }
  return compared;
}

}  // namespace

TEST_CASE("importance of independent layers agrees with the exact measures",
          "[validation][importance][statistical]") {
  CHECK(check_importance("independent-layers.toml", 400) >= 9);
}

TEST_CASE("importance of a beta-coupled pair agrees with the exact measures",
          "[validation][importance][statistical]") {
  CHECK(check_importance("beta-factor-pair.toml", 400) >= 9);
}

TEST_CASE("importance of a defence against misuse agrees with the exact measures",
          "[validation][importance][statistical]") {
  CHECK(check_importance("refusal-and-misuse.toml", 400) >= 6);
}

TEST_CASE("importance of an audit agrees with the exact measures",
          "[validation][importance][statistical]") {
  CHECK(check_importance("audit-sampling.toml", 400) >= 6);
}
