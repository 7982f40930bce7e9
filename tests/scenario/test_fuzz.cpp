// Thousands of random mutations of the shipped scenarios (and of the complete texts in
// texts.h), structure-aware and byte-level, with extreme numbers, deep nesting and --set
// arguments (tests/support/mutator.h): the loader must never crash, hang or leak (the
// sanitizer build runs this too), and must end either in a scenario or in at least one
// error with a position in the file or on the command line.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario/scenario.h"
#include "tests/scenario/texts.h"
#include "tests/support/mutator.h"
#include "tests/support/shipped_scenarios.h"

using namespace stsim;
using namespace stsim::scenario;

namespace {

std::vector<std::string> seed_texts() {
  std::vector<std::string> texts = {std::string(testing::full_text),
                                    std::string(testing::minimal_text),
                                    std::string(testing::sampled_text)};
  for (auto& text : test::shipped_scenario_texts()) texts.push_back(std::move(text));
  return texts;
}

}  // namespace

TEST_CASE("random mutations of scenarios end in a scenario or a located error", "[fuzz]") {
  const auto seeds = seed_texts();
  REQUIRE(seeds.size() >= 3);
  test::Mutator mutator(20240601);
  std::size_t loaded = 0, rejected = 0;
  constexpr std::size_t per_seed = 800;
  for (std::size_t s = 0; s < seeds.size(); ++s) {
    // The unmutated text is valid.
    CHECK(load_string(seeds[s], "seed.toml").ok());
    for (std::size_t i = 0; i < per_seed; ++i) {
      const std::string text = mutator.mutate(seeds[s]);
      // Every fourth mutant also gets --set arguments; one that does not parse is the
      // command line's error, with a message.
      std::vector<Assignment> overrides;
      bool parsed = true;
      for (std::size_t k = 0; i % 4 == 0 && k < 1 + mutator.below(2); ++k) {
        std::string error;
        const std::string argument = mutator.assignment(seeds[s]);
        if (auto assignment = parse_assignment(argument, error)) {
          overrides.push_back(std::move(*assignment));
        } else {
          CHECK_FALSE(error.empty());
          parsed = false;
        }
      }
      if (!parsed) {
        ++rejected;
        continue;
      }
      const auto result = load_string(text, "fuzz.toml", overrides);
      bool located_error = false;
      for (const auto& d : result.diagnostics) {
        CHECK((d.where.file == "fuzz.toml" || d.where.file == "<command line>"));
        CHECK(format(d).find('\n') == std::string::npos);
        CHECK_FALSE(d.message.empty());
        if (d.severity == Diagnostic::Severity::error && d.where.line >= 1 && d.where.column >= 1)
          located_error = true;
      }
      if (result.ok()) {
        ++loaded;
        const auto& components = result.scenario->spec.components;
        CHECK(std::any_of(components.begin(), components.end(), [](const model::ComponentSpec& c) {
          return model::is<model::Source>(c);
        }));
        CHECK_FALSE(result.scenario->spec.contexts.empty());
      } else {
        ++rejected;
        if (!located_error) FAIL_CHECK("rejected without a located error:\n" << text);
      }
    }
  }
  // Both outcomes occur, so the mutations neither always break nor never break a file.
  CHECK(loaded > 0);
  CHECK(rejected > 0);
  CHECK(loaded + rejected == seeds.size() * per_seed);
}
