// Per-reviewer results of an individual operator pool: estimated against closed forms,
// the same whatever the threads, and written to /reviewers along point, pool and reviewer.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/output/hdf5_file.h"
#include "sim/runner/runner.h"
#include "sim/scenario/scenario.h"

using namespace stsim;
namespace fs = std::filesystem;

namespace {

// The validation scenario of a careful reviewer 0 and a careless reviewer 1 (see its
// comments), swept over the pool's size: a third reviewer takes the pool's own values.
runner::Plan reviewers_plan() {
  std::ifstream in(std::string(STSIM_SOURCE_DIR) +
                   "/tests/validation/scenarios/individual-reviewers.toml");
  std::stringstream text;
  text << in.rdbuf();
  text << "\n[[sweep.dimensions]]\npath = \"review.count\"\nvalues = [2, 3]\n";
  const auto loaded = scenario::load_string(text.str(), "individual-reviewers.toml");
  REQUIRE(loaded.ok());
  return runner::make_plan(*loaded.scenario, {});
}

runner::RunResult run_with(const runner::Plan& plan, unsigned threads) {
  runner::RunOptions options;
  options.threads = threads;
  return runner::run_plan(plan, options);
}

bool same(const runner::Statistic& a, const runner::Statistic& b) {
  auto bits = [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; };
  return a.n == b.n && bits(a.mean, b.mean) && bits(a.standard_error, b.standard_error) &&
         bits(a.ci_low, b.ci_low) && bits(a.ci_high, b.ci_high);
}

}  // namespace

TEST_CASE("each reviewer's catch rate, share and trust match the closed forms, at any threads",
          "[output][runner][reviewers][statistical]") {
  const auto plan = reviewers_plan();
  const auto one = run_with(plan, 1);
  const auto two = run_with(plan, 2);
  REQUIRE(one.points.size() == 2);
  // Reviewer i checks 1 - a_i T_i of the outputs (trust constant: no learning) and then
  // catches d_i of the hazards; reviewers of one speed share the work evenly.
  const std::vector<double> catches = {0.9, (1 - 0.5 * 0.8) * 0.4, 0.9};
  const std::vector<double> trust = {0.5, 0.8, 0.5};
  for (std::size_t p = 0; p < 2; ++p) {
    const auto& pool = one.points[p].queues.at(0);
    const std::size_t count = p + 2;
    REQUIRE(pool.reviewers.size() == count);
    for (std::size_t i = 0; i < count; ++i) {
      const auto& own = pool.reviewers[i];
      INFO("point " << p << ", reviewer " << i << ": catch rate " << own.catch_rate.mean << " +- "
                    << own.catch_rate.standard_error << ", share " << own.share.mean);
      CHECK(own.catch_rate.n == 60);
      CHECK(std::abs(own.catch_rate.mean - catches[i]) < 4 * own.catch_rate.standard_error);
      CHECK(own.catch_rate.ci_low < own.catch_rate.mean);
      CHECK(own.catch_rate.mean < own.catch_rate.ci_high);
      const double even = 1.0 / static_cast<double>(count);
      CHECK(std::abs(own.share.mean - even) < 4 * own.share.standard_error);
      CHECK(own.trust.mean == trust[i]);
      CHECK(own.trust.standard_error == 0.0);
      // Its misses are the hazards it saw less those it caught.
      CHECK(own.missed.mean > 0.0);
      CHECK(own.reviews.mean > 0.0);
      const auto& twin = two.points[p].queues.at(0).reviewers[i];
      CHECK(same(own.reviews, twin.reviews));
      CHECK(same(own.share, twin.share));
      CHECK(same(own.catch_rate, twin.catch_rate));
      CHECK(same(own.missed, twin.missed));
      CHECK(same(own.trust, twin.trust));
    }
  }
  // The careless reviewer lets through several times the hazards of the careful one.
  const auto& two_reviewers = one.points[0].queues[0].reviewers;
  CHECK(two_reviewers[1].missed.mean > 5 * two_reviewers[0].missed.mean);
}

TEST_CASE("/reviewers holds one statistics group per measure along point, pool and reviewer",
          "[output][reviewers]") {
  const auto result = run_with(reviewers_plan(), 2);
  const auto path =
      (fs::temp_directory_path() / ("stsim-reviewers-" + std::to_string(::getpid()) + ".h5"))
          .string();
  output::write_results(result, path);
  const output::ResultFile file(path);
  fs::remove(path);
  CHECK(file.integers("/reviewer") == std::vector<std::uint64_t>{0, 1, 2});
  using Axes = std::vector<std::string>;
  for (const char* measure : {"reviews", "share", "catch_rate", "missed", "trust"}) {
    const std::string g = std::string("/reviewers/") + measure;
    INFO(g);
    for (const char* stat : {"n", "mean", "stderr", "ci_low", "ci_high"}) {
      CHECK(file.dimensions(g + "/" + stat) == Axes{"point", "pool", "reviewer"});
      CHECK(file.shape(g + "/" + stat) == std::vector<std::uint64_t>{2, 1, 3});
    }
    CHECK_FALSE(file.attribute_string(g, "description").empty());
    // Point 0 has two reviewers: the third slot is empty.
    const auto n = file.integers(g + "/n");
    CHECK(n == std::vector<std::uint64_t>{60, 60, 0, 60, 60, 60});
    CHECK(std::isnan(file.doubles(g + "/mean")[2]));
  }
  CHECK(file.attribute_string("/reviewers/catch_rate", "kind") == "proportion");
  const auto catches = file.doubles("/reviewers/catch_rate/mean");
  CHECK(catches[1] == result.points[0].queues[0].reviewers[1].catch_rate.mean);
  CHECK(catches[5] == result.points[1].queues[0].reviewers[2].catch_rate.mean);
}
