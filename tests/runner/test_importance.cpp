// The importance run's plan and Fieller's interval for a ratio (sim/runner/importance.h).

#include <catch2/catch.hpp>
#include <cmath>

#include "sim/runner/importance.h"
#include "sim/runner/runner.h"

namespace stsim::runner {
namespace {

TEST_CASE("Fieller's interval for a ratio of correlated means", "[runner][importance]") {
  // No noise: the ratio itself.
  const auto exact = fieller_interval(2.0, 1.0, 0.0, 0.0, 0.0);
  CHECK(exact.low == 2.0);
  CHECK(exact.high == 2.0);
  // Noise only in the numerator: a +- z sd(a) over b.
  const auto numerator = fieller_interval(2.0, 1.0, 0.01, 0.0, 0.0, 2.0);
  CHECK(numerator.low == Approx(1.8));
  CHECK(numerator.high == Approx(2.2));
  // A perfectly correlated pair that moves together leaves the ratio known.
  const auto together = fieller_interval(1.0, 1.0, 0.04, 0.04, 0.04);
  CHECK(together.low == Approx(1.0));
  CHECK(together.high == Approx(1.0));
  // A denominator not clearly away from zero: unbounded.
  const auto unbounded = fieller_interval(1.0, 0.1, 0.01, 0.01, 0.0);
  CHECK(std::isinf(unbounded.low));
  CHECK(std::isinf(unbounded.high));
  // Not symmetric about the ratio: the upper side is longer.
  const auto skewed = fieller_interval(1.0, 1.0, 0.01, 0.01, 0.0);
  CHECK(skewed.high - 1.0 > 1.0 - skewed.low);
}

TEST_CASE("the importance plan: the point of reference, then three points per layer",
          "[runner][importance]") {
  const auto loaded = scenario::load_file(std::string(STSIM_SOURCE_DIR) +
                                          "/scenarios/reliability-is-not-safety.toml");
  REQUIRE(loaded.ok());
  RunOptions options;
  options.replications = 3;
  const auto plan = importance_plan(*loaded.scenario, options);
  // The model and five layers: 1 + 3 x 6 points, paired with point 0.
  REQUIRE(plan.specs.size() == 19);
  CHECK(plan.design.baseline == 0u);
  CHECK(plan.design.point_labels[0] == "as written");
  CHECK(plan.design.point_labels[importance_point(1, model::Counterfactual::removed)] ==
        "review removed");
  CHECK(plan.replications.max_replications == 3);
  CHECK_FALSE(plan.replications.precision);
  CHECK(plan.resolved.size() == plan.specs.size());

  const auto sweep = make_plan(*loaded.scenario, options);
  const auto at = importance_plan(*loaded.scenario, options, &sweep, 15);
  CHECK(at.design.point_labels[0] == sweep.design.point_labels[15]);
  CHECK(at.resolved[0] == sweep.resolved[15]);
}

}  // namespace
}  // namespace stsim::runner
