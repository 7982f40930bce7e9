// Loading complete scenarios: values, defaults, units and file order.

#include <catch2/catch.hpp>
#include <filesystem>

#include "sim/scenario/parameters.h"
#include "sim/scenario/scenario.h"
#include "tests/scenario/texts.h"

using namespace stsim;
using namespace stsim::scenario;

namespace {

const model::ComponentSpec& component(const model::ScenarioSpec& spec, const std::string& id) {
  for (const auto& c : spec.components)
    if (c.id == id) return c;
  FAIL("no component " << id);
  return spec.components.front();
}

std::string all_messages(const LoadResult& result) {
  std::string out;
  for (const auto& d : result.diagnostics) out += format(d) + "\n";
  return out;
}

}  // namespace

TEST_CASE("a complete scenario loads with every value as written", "[load]") {
  const auto result = load_string(testing::full_text, "full.toml");
  INFO(all_messages(result));
  REQUIRE(result.ok());
  CHECK(result.diagnostics.empty());
  const auto& spec = result.scenario->spec;
  CHECK(spec.name == "layered");
  CHECK(spec.description == "every kind of component");
  CHECK(spec.horizon == 30 * 24.0);
  CHECK(spec.seed == 42);
  CHECK(spec.replications == 20);
  CHECK(spec.time_bins == 30);
  CHECK(spec.pause_after_harm == 2.0);

  REQUIRE(spec.contexts.size() == 2);
  CHECK(spec.contexts[0].name == "routine");
  CHECK(spec.contexts[0].weight == 0.9);
  CHECK_FALSE(spec.contexts[0].hazardous);
  CHECK(spec.contexts[1].name == "triage");
  CHECK(spec.contexts[1].severity == 3.0);
  CHECK(spec.contexts[1].observability == 1.5);

  const auto& users = std::get<model::SourceSpec>(component(spec, "users").parameters);
  CHECK(users.rate == 12.0);
  CHECK(users.profile == std::vector<double>{0.5, 1.5});
  CHECK(component(spec, "users").target("pass") == "model");

  const auto& model_component = component(spec, "model");
  CHECK(model::kind_name(model_component) == "ai");
  const auto& ai = std::get<model::AiSpec>(model_component.parameters);
  CHECK(ai.reliability == 0.99);
  CHECK(ai.reliability_by_context.at("triage") == 0.95);
  CHECK(ai.refusal_threshold == 2.0);
  CHECK(ai.defer_threshold == -model::infinity);
  CHECK(model_component.target("refuse") == "refused");
  CHECK(model_component.target("defer") == "review");

  const auto& filter = std::get<model::SafeguardSpec>(component(spec, "filter").parameters);
  CHECK(filter.latent_failure_rate == Approx(2.0 / (365 * 24)));
  CHECK(filter.test_interval == 30 * 24.0);
  CHECK(filter.coupling.with == "model");
  CHECK(filter.coupling.demand_beta == 0.1);

  const auto& review = std::get<model::OperatorSpec>(component(spec, "review").parameters);
  CHECK(review.count == 2);
  CHECK(review.review_time == Approx(0.05));
  CHECK(review.review_distribution == model::ServiceDistribution::lognormal);
  CHECK(review.max_queue == 50);
  CHECK(review.drift.enabled);
  CHECK(review.drift.time_constant == 90 * 24.0);

  const auto& audit = component(spec, "audit");
  CHECK(audit.target("block") == "blocked");
  CHECK_FALSE(std::get<model::OutcomeSpec>(component(spec, "refused").parameters).acted);

  const auto& sweep = result.scenario->sweep;
  CHECK(sweep.design == SweepDesign::grid);
  REQUIRE(sweep.dimensions.size() == 2);
  CHECK(sweep.dimensions[0].path == "users.next.pass");
  CHECK(sweep.dimensions[0].labels == std::vector<std::string>{"bare", "layered"});
  CHECK(sweep.dimensions[1].values.size() == 3);
  CHECK(sweep.baseline.size() == 2);
  CHECK(sweep.metric == "harm_rate");
  CHECK(sweep.relative_error == 0.05);
  CHECK(sweep.block_size == 50);
}

TEST_CASE("components keep the order of the file", "[load]") {
  const auto result = load_string(testing::full_text, "full.toml");
  REQUIRE(result.ok());
  std::vector<std::string> ids;
  for (const auto& c : result.scenario->spec.components) ids.push_back(c.id);
  CHECK(ids == std::vector<std::string>{"users", "model", "filter", "review", "audit", "defence",
                                        "monitors", "scorer", "audit_again", "triage_router",
                                        "world", "refused", "blocked", "dropped"});
  // Reverse alphabetical order, which a map would sort.
  const auto reversed = load_string(R"toml([zulu]
kind = "source"
next = "alpha"
[mike]
kind = "outcome"
[alpha]
kind = "outcome"
)toml",
                                    "order.toml");
  REQUIRE(reversed.ok());
  const auto& components = reversed.scenario->spec.components;
  REQUIRE(components.size() == 3);
  CHECK(components[0].id == "zulu");
  CHECK(components[1].id == "mike");
  CHECK(components[2].id == "alpha");
  CHECK(components[0].where.line == 1);
  CHECK(components[2].where.line == 6);
}

TEST_CASE("load_file reads a file, and names one it cannot read", "[load]") {
  for (const char* path : {"/nonexistent/scenario.toml", STSIM_SOURCE_DIR "/docs"}) {
    const auto result = load_file(path);
    CHECK_FALSE(result.ok());
    REQUIRE(result.diagnostics.size() == 1);
    CHECK(format(result.diagnostics[0]) ==
          std::string(path) +
              ": error: cannot read the file; expected a readable TOML scenario file");
  }
  // Every shipped scenario is valid.
  const std::filesystem::path dir = STSIM_SOURCE_DIR "/scenarios";
  if (!std::filesystem::is_directory(dir)) return;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    const auto result = load_file(entry.path().string());
    INFO(entry.path().string() << "\n" << all_messages(result));
    CHECK(result.ok());
    if (result.ok()) CHECK(result.scenario->file == entry.path().string());
  }
}

TEST_CASE("sampled bounds take the parameter's own units", "[load][sweep]") {
  const std::string text = R"([users]
kind = "source"
rate = "10/h"
next = "model"

[model]
kind = "ai"
next = "review"

[review]
kind = "operators"
review_time = "3m"
next = { pass = "world", block = "world" }

[world]
kind = "outcome"

[sweep]
design = "latin_hypercube"
points = 4

[[sweep.dimensions]]
path = "review.review_time"
low = "2m"
high = 0.1

[[sweep.dimensions]]
path = "users.rate"
low = "6/h"
high = "1/m"
)";
  const auto loaded = load_string(text, "units.toml");
  INFO((loaded.diagnostics.empty() ? std::string() : format(loaded.diagnostics.front())));
  REQUIRE(loaded.ok());
  const auto& dimensions = loaded.scenario->sweep.dimensions;
  REQUIRE(dimensions.size() == 2);
  CHECK(dimensions[0].low == Approx(2.0 / 60.0));
  CHECK(dimensions[0].high == 0.1);
  CHECK(dimensions[1].low == 6.0);
  CHECK(dimensions[1].high == 60.0);

  // A unit that is not one.
  auto bad = text;
  bad.replace(bad.find("\"2m\""), 4, "\"2 parsecs\"");
  const auto wrong = load_string(bad, "units.toml");
  REQUIRE_FALSE(wrong.ok());
  CHECK(format(wrong.diagnostics.front()) ==
        "units.toml:24:7: error: 'low' of sweep dimension 'review.review_time' expects a number "
        "of hours or a duration such as \"2m\"; got the string \"2 parsecs\"");
}

TEST_CASE("a file of 10,000 contexts and as many components loads, each value where written",
          "[load]") {
  // The loader finds a context or component by name in constant time (detail::SpecIndex),
  // not by a search through all of them for every key; benchmarks/README.md has the time.
  constexpr int count = 10000;
  std::string text =
      "[users]\nkind = \"source\"\nnext = \"model\"\n"
      "[model]\nkind = \"ai\"\nnext = \"stage0\"\n";
  for (int i = 0; i < count; ++i) {
    const std::string n = std::to_string(i);
    text += "[contexts.c" + n + "]\nweight = " + std::to_string(i + 1) + "\n";
    text += "[stage" + n + "]\nkind = \"defence\"\nnext = \"" +
            (i + 1 == count ? std::string("world") : "stage" + std::to_string(i + 1)) + "\"\n";
  }
  text += "[model.reliability_by_context]\nc" + std::to_string(count - 1) +
          " = 0.5\n[world]\nkind = \"outcome\"\n";
  const auto result = load_string(text, "many.toml", {{"contexts.c1.severity", 3.0}});
  REQUIRE(result.ok());
  const auto& spec = result.scenario->spec;
  REQUIRE(spec.contexts.size() == count);
  REQUIRE(spec.components.size() == count + 3);
  for (int i = 0; i < count; ++i) CHECK(spec.contexts[i].weight == i + 1);
  CHECK(spec.contexts[1].severity == 3.0);
  CHECK(std::get<model::AiSpec>(spec.components[1].parameters)
            .reliability_by_context.at("c" + std::to_string(count - 1)) == 0.5);
  CHECK(spec.components.back().id == "world");
  CHECK(spec.components[count + 1].target("pass") == "world");
  CHECK(get_parameter(spec, "contexts.c9999.weight") == ParameterValue(10000.0));
}

TEST_CASE("a [[schedule]] loads its changes, and each fault is reported where it is",
          "[load][schedule]") {
  const std::string base =
      "[users]\nkind = \"source\"\nnext = \"model\"\n[model]\nkind = \"ai\"\nnext = \"world\"\n"
      "[world]\nkind = \"outcome\"\n";
  const auto good = load_string(
      base + "[[schedule]]\nat = \"30d\"\nset = \"model.reliability\"\nto = 0.95\n", "s.toml");
  REQUIRE(good.ok());
  REQUIRE(good.scenario->spec.schedule.size() == 1);
  CHECK(good.scenario->spec.schedule[0].at == 720.0);
  CHECK(good.scenario->spec.schedule[0].path == "model.reliability");
  CHECK(good.scenario->spec.schedule[0].value == 0.95);

  auto first_error = [&](const std::string& tail) {
    const auto result = load_string(base + tail, "s.toml");
    REQUIRE_FALSE(result.ok());
    return format(result.diagnostics.front());
  };
  const auto not_an_array = load_string("schedule = 3\n" + base, "s.toml");
  REQUIRE_FALSE(not_an_array.ok());
  CHECK(format(not_an_array.diagnostics.front()) ==
        "s.toml:1:12: error: 'schedule' expects an array of tables [[schedule]], each with at, "
        "set and to; got an integer");
  CHECK(first_error("[[schedule]]\nat = \"1h\"\nset = \"model.reliability\"\n") ==
        "s.toml:9:1: error: [[schedule]] has no 'to'; expected at, set and to, such as at = "
        "\"90d\", set = \"model.reliability\", to = 0.95");
  CHECK(first_error("[[schedule]]\nat = \"1h\"\nset = 4\nto = 0.9\n") ==
        "s.toml:11:7: error: 'schedule.set' expects the path of a parameter such as "
        "\"model.reliability\"; got an integer");
  CHECK(first_error("[[schedule]]\nat = \"1h\"\nset = \"model.reliability\"\nto = \"x\"\n") ==
        "s.toml:12:6: error: 'schedule.to' expects a number; got the string \"x\"");
  CHECK(first_error("[[schedule]]\nat = \"1h\"\nset = \"model.reliability\"\nto = 0.9\nwhen = 1\n")
            .find("s.toml:13:1: error: unknown key 'when' in [[schedule]]") == 0);
  CHECK(first_error("[[schedule]]\nat = \"-1h\"\nset = \"model.reliability\"\nto = 0.9\n")
            .find("s.toml:10:6: error: 'schedule.at'") == 0);
  CHECK(first_error("[[schedule]]\nat = \"1h\"\nset = \"model.reliability\"\nto = 2\n") ==
        "s.toml:9:1: error: schedule: 'model.reliability' must be a probability in [0, 1]; got 2");
}
