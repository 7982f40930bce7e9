// Mutants of the shipped scenarios (tests/support/mutator.h: byte-level and structural
// mutations, extreme numbers, deep nesting, --set arguments) that pass every check
// `validate` makes are run: one replication per point, with the event limit held to
// 200,000 per replication so that a short run stays short. Every one must end in a
// result whose rates are finite and not negative (and that writes and reads back), or
// in the event limit; nothing may crash (the sanitizer build runs this too) or throw
// anything else.

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/engine/event_queue.h"
#include "sim/output/hdf5_file.h"
#include "sim/runner/runner.h"
#include "sim/structure/check.h"
#include "tests/support/mutator.h"
#include "tests/support/shipped_scenarios.h"

using namespace stsim;

namespace {

constexpr std::uint64_t short_run_events = 200000;

// What `validate` would say: the plan with every check run makes before it starts.
std::optional<runner::Plan> validated(const std::string& text,
                                      const std::vector<scenario::Assignment>& overrides) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("stsim-fuzz-run-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(file, std::ios::binary) << text;
  const auto loaded = structure::load_checked(file.string(), overrides);
  std::filesystem::remove(file);
  if (!loaded.ok()) return std::nullopt;
  runner::RunOptions options;
  options.replications = 1;
  options.memory_limit = runner::default_memory_limit;
  try {
    auto plan = runner::make_plan(*loaded.scenario, options);
    runner::check_models(plan, runner::simulation_factory());
    return plan;
  } catch (const runner::InvalidSweep&) {
    return std::nullopt;
  }
}

}  // namespace

TEST_CASE("mutants that validate run to finite, non-negative rates or to the event limit",
          "[fuzz][slow]") {
  const auto seeds = test::shipped_scenario_texts();
  REQUIRE(seeds.size() >= 5);
  test::Mutator mutator(20261201);
  const auto out = std::filesystem::temp_directory_path() /
                   ("stsim-fuzz-run-" + std::to_string(::getpid()) + ".h5");
  std::size_t ran = 0, limited = 0, refused = 0;
  constexpr std::size_t per_seed = 100;
  for (const auto& seed : seeds) {
    for (std::size_t i = 0; i < per_seed; ++i) {
      const std::string text = mutator.mutate(seed);
      std::vector<scenario::Assignment> overrides;
      std::string error;
      if (i % 3 == 0) {
        if (auto a = scenario::parse_assignment(mutator.assignment(seed), error))
          overrides.push_back(std::move(*a));
      }
      auto plan = validated(text, overrides);
      if (!plan) {
        ++refused;
        continue;
      }
      for (auto& spec : plan->specs) {
        if (spec.event_limit == 0 || spec.event_limit > short_run_events)
          spec.event_limit = short_run_events;
      }
      INFO(text);
      runner::RunOptions options;
      options.threads = 1;
      try {
        const auto result = runner::run_plan(*plan, options);
        REQUIRE(result.complete);
        for (const auto& point : result.points) {
          for (std::size_t k = 0; k < runner::metric_count; ++k) {
            const auto id = static_cast<runner::MetricId>(k);
            const auto& s = point.metrics[k];
            if (runner::info(id).kind == runner::MetricKind::mean || !(s.exposure > 0.0)) continue;
            INFO(runner::info(id).name);
            CHECK(std::isfinite(s.mean));
            CHECK(s.mean >= 0.0);
          }
        }
        output::write_results(result, out.string());
        const output::ResultFile file(out.string());
        CHECK(file.integers("/runtime/replications").size() == result.points.size());
        ++ran;
      } catch (const engine::EventLimitExceeded&) {
        ++limited;
      }
    }
  }
  std::filesystem::remove(out);
  // Mutants of each outcome occur: the runs are not all refused or all cut short.
  CHECK(ran > 0);
  CHECK(refused > 0);
  CHECK(ran + limited + refused == seeds.size() * per_seed);
  WARN("fuzzed runs: " << ran << " ran, " << limited << " reached the event limit, " << refused
                       << " refused by the checks validate makes");
}
