// make_plan's view of the sweep as the result file records it: swept durations and
// rates as numbers with their unit, ids as text, a label in words for each dimension.

#include <catch2/catch.hpp>

#include "sim/runner/runner.h"
#include "sim/scenario/scenario.h"

using namespace stsim;

namespace {

const char* const text = R"(
[scenario]
horizon = "2d"

[users]
kind = "source"
rate = "12/h"
next = "model"

[model]
kind = "ai"
next = "world"

[review]
kind = "operators"
next = { pass = "world", block = "stopped" }

[world]
kind = "outcome"

[stopped]
kind = "outcome"
acted = false

[sweep]
design = "grid"

[[sweep.dimensions]]
path = "review.review_time"
values = ["30s", "2m", "1.5h"]

[[sweep.dimensions]]
path = "users.rate"
values = ["12/h", "2/d"]

[[sweep.dimensions]]
path = "model.next.pass"
values = ["world", "review"]

[[sweep.dimensions]]
path = "review.shift_length"
values = [8, 12]
)";

}  // namespace

TEST_CASE("swept durations and rates are numbers in hours and per hour, ids stay text", "[plan]") {
  const auto loaded = scenario::load_string(text, "units.toml");
  for (const auto& d : loaded.diagnostics) UNSCOPED_INFO(scenario::format(d));
  REQUIRE(loaded.ok());
  const auto plan = runner::make_plan(*loaded.scenario, {});
  REQUIRE(plan.design.columns.size() == 4);
  const auto& review_time = plan.design.columns[0];
  CHECK(review_time.numeric);
  CHECK(review_time.unit == "hours");
  CHECK(review_time.label == "review review time");
  // Grid order: the first dimension slowest, so points 0..7 share 30 seconds.
  CHECK(review_time.numbers[0] == 30.0 / 3600.0);
  CHECK(review_time.numbers[8] == 2.0 / 60.0);
  CHECK(review_time.numbers[16] == 1.5);
  const auto& rate = plan.design.columns[1];
  CHECK(rate.numeric);
  CHECK(rate.unit == "per hour");
  CHECK(rate.numbers[0] == 12.0);
  CHECK(rate.numbers[4] == 2.0 / 24.0);
  const auto& route = plan.design.columns[2];
  CHECK_FALSE(route.numeric);
  CHECK(route.unit.empty());
  CHECK(route.strings[0] == "world");
  CHECK(route.strings[2] == "review");
  // A duration written as a bare number of hours gets the unit too.
  const auto& shift = plan.design.columns[3];
  CHECK(shift.numeric);
  CHECK(shift.unit == "hours");
  // The labels keep the values as written.
  CHECK(plan.design.point_labels[0] ==
        "review.review_time=30s, users.rate=12/h, model.next.pass=world, review.shift_length=8");
}

TEST_CASE("the precision rule has one default maximum, from the file or the command line",
          "[plan]") {
  const std::string base = R"(
[users]
kind = "source"
next = "model"

[model]
kind = "ai"
next = "world"

[world]
kind = "outcome"
)";
  const auto fixed = scenario::load_string(base, "fixed.toml");
  REQUIRE(fixed.ok());
  runner::RunOptions options;
  options.until_relative_error = 0.05;
  const auto from_command_line = runner::make_plan(*fixed.scenario, options).replications;
  const auto in_file = scenario::load_string(
      base + "\n[sweep.precision]\nmetric = \"harm_rate\"\nrelative_error = 0.05\n", "file.toml");
  REQUIRE(in_file.ok());
  const auto from_file = runner::make_plan(*in_file.scenario, {}).replications;
  for (const auto& r : {from_command_line, from_file}) {
    CHECK(r.precision);
    CHECK(r.min_replications == 100);
    CHECK(r.max_replications == 10000);
    CHECK(r.block_size == 50);
  }
}
