#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "sim/runner/design.h"

using namespace stsim;
using scenario::SweepDesign;

namespace {

scenario::SweepDimension dim(const std::string& path, std::vector<scenario::ParameterValue> values,
                             std::vector<std::string> labels = {}) {
  scenario::SweepDimension d;
  d.path = path;
  d.values = std::move(values);
  d.labels = std::move(labels);
  return d;
}

scenario::SweepDimension range(const std::string& path, double low, double high, bool log = false) {
  scenario::SweepDimension d;
  d.path = path;
  d.low = low;
  d.high = high;
  d.log_scale = log;
  return d;
}

}  // namespace

TEST_CASE("no sweep is one point without assignments", "[design]") {
  const auto design = runner::make_design({});
  REQUIRE(design.size() == 1);
  CHECK(design.assignments[0].empty());
  CHECK(design.columns.empty());
}

TEST_CASE("grid is the full factorial with the first dimension slowest", "[design]") {
  scenario::SweepSpec sweep;
  sweep.design = SweepDesign::grid;
  sweep.dimensions = {
      dim("model.next.pass", {std::string("world"), std::string("review")}, {"bare", "reviewed"}),
      dim("model.reliability", {0.5, 0.9, 0.99})};
  const auto design = runner::make_design(sweep);
  REQUIRE(design.size() == 6);
  REQUIRE(design.columns.size() == 2);
  CHECK_FALSE(design.columns[0].numeric);
  CHECK(design.columns[0].strings ==
        std::vector<std::string>{"world", "world", "world", "review", "review", "review"});
  CHECK(design.columns[1].numbers == std::vector<double>{0.5, 0.9, 0.99, 0.5, 0.9, 0.99});
  CHECK(design.columns[0].labels[3] == "reviewed");
  CHECK(design.columns[1].labels.empty());
  CHECK(design.point_labels[4] == "reviewed, model.reliability=0.9");
  REQUIRE(design.assignments[5].size() == 2);
  CHECK(std::get<std::string>(design.assignments[5][0].value) == "review");
  CHECK(std::get<double>(design.assignments[5][1].value) == 0.99);
  CHECK_FALSE(design.baseline);
}

TEST_CASE("a dimension's label names its column, listed or sampled", "[design]") {
  for (const auto design : {SweepDesign::grid, SweepDesign::latin_hypercube}) {
    scenario::SweepSpec sweep;
    sweep.design = design;
    sweep.points = 4;
    auto named = design == SweepDesign::grid ? dim("check.detect", {0.5, 0.9})
                                             : range("check.detect", 0.5, 0.9);
    named.label = "pharmacist detection";
    auto unnamed = design == SweepDesign::grid ? dim("model.reliability", {0.9})
                                               : range("model.reliability", 0.9, 0.99);
    sweep.dimensions = {named, unnamed};
    const auto made = runner::make_design(sweep);
    REQUIRE(made.columns.size() == 2);
    CHECK(made.columns[0].label == "pharmacist detection");
    CHECK(made.columns[1].label == "model reliability");  // from the path
  }
}

TEST_CASE("a baseline is found by value or label", "[design]") {
  scenario::SweepSpec sweep;
  sweep.design = SweepDesign::grid;
  sweep.dimensions = {
      dim("model.next.pass", {std::string("world"), std::string("review")}, {"bare", "reviewed"}),
      dim("model.reliability", {0.5, 0.9, 0.99})};
  sweep.baseline = {std::string("reviewed"), 0.9};
  CHECK(runner::make_design(sweep).baseline == 4u);
  sweep.baseline = {std::string("world"), std::int64_t{1}};
  CHECK_THROWS_WITH(runner::make_design(sweep), Catch::Contains("matches no sweep point"));
}

TEST_CASE("zip walks lists in lockstep and rejects unequal lengths", "[design]") {
  scenario::SweepSpec sweep;
  sweep.design = SweepDesign::zip;
  sweep.dimensions = {dim("a.x", {1.0, 2.0, 3.0}),
                      dim("b.y", {std::int64_t{4}, std::int64_t{5}, std::int64_t{6}})};
  const auto design = runner::make_design(sweep);
  REQUIRE(design.size() == 3);
  CHECK(design.columns[0].numbers == std::vector<double>{1, 2, 3});
  CHECK(design.columns[1].numbers == std::vector<double>{4, 5, 6});
  CHECK(std::get<std::int64_t>(design.assignments[2][1].value) == 6);
  sweep.dimensions[1].values.pop_back();
  CHECK_THROWS_WITH(runner::make_design(sweep), Catch::Contains("equal length"));
}

TEST_CASE("Latin hypercube puts exactly one point in every stratum of every dimension",
          "[design]") {
  const std::uint32_t n = 37;
  const auto points = runner::latin_hypercube(n, 3, 11);
  REQUIRE(points.size() == n);
  for (std::uint32_t d = 0; d < 3; ++d) {
    std::set<std::uint32_t> strata;
    for (const auto& p : points) {
      REQUIRE(p[d] >= 0.0);
      REQUIRE(p[d] < 1.0);
      strata.insert(static_cast<std::uint32_t>(p[d] * n));
    }
    CHECK(strata.size() == n);
  }
  CHECK(runner::latin_hypercube(n, 3, 11) == points);  // seeded: reproducible
  CHECK(runner::latin_hypercube(n, 3, 12) != points);  // and the seed matters
}

TEST_CASE("Latin hypercube ranges map linearly or on a log scale, integers round", "[design]") {
  scenario::SweepSpec sweep;
  sweep.design = SweepDesign::latin_hypercube;
  sweep.points = 10;
  sweep.design_seed = 3;
  sweep.dimensions = {range("model.reliability", 0.5, 0.9), range("users.rate", 1.0, 1000.0, true),
                      range("review.count", 1.0, 5.0)};
  const auto design =
      runner::make_design(sweep, [](const std::string& p) { return p == "review.count"; });
  REQUIRE(design.size() == 10);
  std::set<int> decades;
  for (std::uint32_t p = 0; p < 10; ++p) {
    CHECK(design.columns[0].numbers[p] >= 0.5);
    CHECK(design.columns[0].numbers[p] < 0.9);
    const double rate = design.columns[1].numbers[p];
    CHECK(rate >= 1.0);
    CHECK(rate < 1000.0);
    decades.insert(static_cast<int>(std::floor(std::log10(rate) * 10.0 / 3.0)));
    CHECK(std::holds_alternative<std::int64_t>(design.assignments[p][2].value));
  }
  CHECK(decades.size() == 10);  // log strata: one point per tenth of the log range
  sweep.dimensions[1].low = 0.0;
  CHECK_THROWS_WITH(runner::make_design(sweep), Catch::Contains("log scale"));
}

TEST_CASE("Sobol points follow the Joe-Kuo sequence without the origin", "[design]") {
  const auto points = runner::sobol(5, 2);
  const std::vector<std::vector<double>> expected = {
      {0.5, 0.5}, {0.75, 0.25}, {0.25, 0.75}, {0.375, 0.375}, {0.875, 0.875}};
  CHECK(points == expected);
  const auto three = runner::sobol(3, 3);
  CHECK(three[0] == std::vector<double>{0.5, 0.5, 0.5});
  CHECK(three[1] == std::vector<double>{0.75, 0.25, 0.25});
  CHECK(three[2] == std::vector<double>{0.25, 0.75, 0.75});
}

TEST_CASE("labels show numbers short, without float noise, while the values stay exact",
          "[design]") {
  // Sobol's first point is the middle of the range: 0.99 + 0.5 * 0.009 is the double
  // 0.9944999999999999, which a reader knows as 0.9945.
  scenario::SweepSpec sweep;
  sweep.design = SweepDesign::sobol;
  sweep.points = 1;
  sweep.dimensions = {range("model.reliability", 0.99, 0.999)};
  const auto design = runner::make_design(sweep);
  REQUIRE(design.columns[0].numbers[0] == 0.99 + 0.5 * (0.999 - 0.99));
  CHECK(design.columns[0].numbers[0] != 0.9945);
  CHECK(design.point_labels[0] == "model.reliability=0.9945");
  CHECK(runner::short_number(0.9944999999999999) == "0.9945");
  CHECK(runner::short_number(0.1) == "0.1");
  CHECK(runner::short_number(0.000123) == "0.000123");
  CHECK(runner::short_number(1e-300) == "1e-300");
  CHECK(runner::short_number(123456789.0) == "123456789");
  // The resolved value keeps every digit: it is what the point ran.
  CHECK(runner::to_text(design.assignments[0][0].value) == "0.9944999999999999");
}

TEST_CASE("a swept dimension gets a label in words from its path", "[design]") {
  CHECK(runner::dimension_words("dose_check.test_interval") == "dose check test interval");
  CHECK(runner::dimension_words("scenario.horizon") == "horizon");
  CHECK(runner::dimension_words("contexts.high-risk.weight") == "high risk weight");
  CHECK(runner::dimension_words("model.next.pass") == "model next pass");
  scenario::SweepSpec sweep;
  sweep.design = SweepDesign::grid;
  sweep.dimensions = {dim("red_flags.false_alarm", {0.1, 0.3})};
  CHECK(runner::make_design(sweep).columns[0].label == "red flags false alarm");
}
