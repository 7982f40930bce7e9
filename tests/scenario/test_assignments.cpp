// Setting parameters by dotted path: --set overrides, sweep points, and a round trip over
// every key the loader knows.

#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <set>

#include "sim/scenario/parameters.h"
#include "sim/scenario/scenario.h"
#include "tests/scenario/texts.h"

using namespace stsim;
using namespace stsim::scenario;

namespace {

Scenario full() {
  auto result = load_string(testing::full_text, "full.toml");
  REQUIRE(result.ok());
  return *result.scenario;
}

std::vector<std::string> messages(const LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& d : result.diagnostics) out.push_back(format(d));
  return out;
}

}  // namespace

TEST_CASE("parse_assignment reads TOML values, and bare text otherwise", "[assign]") {
  std::string error;
  auto parsed = [&](std::string_view text) {
    auto assignment = parse_assignment(text, error);
    REQUIRE(assignment);
    CHECK(error.empty());
    return *assignment;
  };
  CHECK(parsed("model.reliability=0.9").value == ParameterValue(0.9));
  CHECK(parsed("model.reliability=0.9").path == "model.reliability");
  CHECK(parsed("review.count=3").value == ParameterValue(std::int64_t{3}));
  CHECK(parsed("filter.blocks=false").value == ParameterValue(false));
  CHECK(parsed("scenario.horizon=\"4h\"").value == ParameterValue(std::string("4h")));
  CHECK(parsed("scenario.horizon=4h").value == ParameterValue(std::string("4h")));
  CHECK(parsed("users.rate=12/h").value == ParameterValue(std::string("12/h")));
  CHECK(parsed("model.next.pass=review").value == ParameterValue(std::string("review")));
  CHECK(parsed(" model.refusal_threshold = inf ").value == ParameterValue(model::infinity));
  CHECK(parsed("users.profile=[1, 2]").value == ParameterValue(std::string("[1, 2]")));
  CHECK(parsed("model.next.refuse=").value == ParameterValue(std::string()));
}

TEST_CASE("parse_assignment rejects text that is not path=value", "[assign]") {
  std::string error;
  CHECK_FALSE(parse_assignment("model.reliability", error));
  CHECK(error ==
        "'model.reliability' is not an assignment; expected path=value, such as "
        "model.reliability=0.9");
  CHECK_FALSE(parse_assignment("=0.9", error));
  CHECK(error ==
        "'' is not a parameter path; expected names joined by dots, such as model.reliability=0.9");
  CHECK_FALSE(parse_assignment("my model.reliability=0.9", error));
  CHECK(error ==
        "'my model.reliability' is not a parameter path; expected names joined by dots, such as "
        "model.reliability=0.9");
}

TEST_CASE("overrides are applied after the file and reported at the command line", "[assign]") {
  std::string error;
  const auto ok = load_string(testing::full_text, "full.toml",
                              {*parse_assignment("model.reliability=0.5", error),
                               *parse_assignment("scenario.horizon=2d", error),
                               *parse_assignment("users.next=world", error)});
  REQUIRE(ok.ok());
  const auto& spec = ok.scenario->spec;
  CHECK(std::get<model::AiSpec>(spec.components[1].parameters).reliability == 0.5);
  CHECK(spec.horizon == 48.0);
  CHECK(spec.components[0].target("pass") == "world");
  CHECK(spec.components[0].edge("pass")->where.file == "<command line>");
  CHECK(ok.scenario->overrides.size() == 3);
  // model.reliability is also swept: the sweep would set it at every point after --set.
  const auto swept_line =
      1 + std::count(testing::full_text.begin(),
                     testing::full_text.begin() +
                         static_cast<std::ptrdiff_t>(testing::full_text.find(
                             "[[sweep.dimensions]]\npath = \"model.reliability\"")),
                     '\n');
  CHECK(ok.diagnostics.size() == 1);
  CHECK(format(ok.diagnostics.front()) ==
        "<command line>:1:1: warning: --set 'model.reliability' has no effect: the sweep sets it "
        "at every point "
        "(full.toml:" +
            std::to_string(swept_line) + ":1); change the sweep's values instead");

  const auto bad = load_string(testing::full_text, "full.toml",
                               {*parse_assignment("model.reliabilty=0.5", error),
                                *parse_assignment("review.count=0", error)});
  CHECK_FALSE(bad.ok());
  CHECK(messages(bad) ==
        std::vector<std::string>{
            "<command line>:1:18: error: unknown key 'reliabilty' in component 'model' (kind ai); "
            "did you mean 'reliability'?",
            "<command line>:1:14: error: 'review.count' must be an integer >= 1; got 0"});
}

TEST_CASE("with_assignments sets one sweep point and leaves the base alone", "[assign]") {
  const Scenario base = full();
  const auto point = with_assignments(base, {{"users.next.pass", std::string("world")},
                                             {"model.reliability", 0.999},
                                             {"review.review_time", std::string("10m")},
                                             {"filter.latent_failure_rate", std::int64_t{1}}});
  REQUIRE(point.ok());
  CHECK(point.diagnostics.empty());
  const auto& spec = point.scenario->spec;
  CHECK(spec.components[0].target("pass") == "world");
  CHECK(std::get<model::AiSpec>(spec.components[1].parameters).reliability == 0.999);
  CHECK(std::get<model::OperatorSpec>(spec.components[3].parameters).review_time ==
        Approx(10.0 / 60));
  CHECK(std::get<model::SafeguardSpec>(spec.components[2].parameters).latent_failure_rate == 1.0);
  CHECK(base.spec.components[0].target("pass") == "model");
  CHECK(std::get<model::AiSpec>(base.spec.components[1].parameters).reliability == 0.99);
  CHECK(point.scenario->sweep.dimensions.size() == base.sweep.dimensions.size());
}

TEST_CASE("with_assignments rejects a value invalid at this point, naming path and value",
          "[assign]") {
  const Scenario base = full();
  // A swept path is reported at its [[sweep.dimensions]] table (line 163 of full_text).
  CHECK(
      messages(with_assignments(base, {{"model.reliability", 1.01}})) ==
      std::vector<std::string>{
          "full.toml:170:1: error: 'model.reliability' must be a probability in [0, 1]; got 1.01"});
  CHECK(
      messages(with_assignments(base, {{"review.review_distribution", std::string("gamma")}})) ==
      std::vector<std::string>{"full.toml: error: 'review.review_distribution' has unknown value "
                               "\"gamma\"; expected \"exponential\", \"lognormal\" or \"fixed\""});
  CHECK(messages(with_assignments(base, {{"modle.reliability", 0.5}})) ==
        std::vector<std::string>{"full.toml: error: unknown parameter 'modle.reliability': 'modle' "
                                 "is not a component; did you mean 'model'?"});
  CHECK(messages(with_assignments(base, {{"sweep.points", std::int64_t{3}}})) ==
        std::vector<std::string>{"full.toml: error: 'sweep.points' cannot be set by an assignment; "
                                 "expected a parameter of [scenario], a context or a component"});
  CHECK(messages(with_assignments(base, {{"model..reliability", 0.5}})) ==
        std::vector<std::string>{
            "full.toml: error: 'model..reliability' is not a parameter path; expected names joined "
            "by single dots, such as 'model.reliability'"});
  CHECK(messages(with_assignments(base, {{"contexts.rutine.weight", 2.0}})) ==
        std::vector<std::string>{"full.toml: error: unknown parameter 'contexts.rutine.weight': "
                                 "'rutine' is not a context; did you mean 'routine'?"});
  CHECK(messages(with_assignments(base, {{"review.drift", true}})) ==
        std::vector<std::string>{"full.toml: error: 'review.drift' is a table, not a single "
                                 "parameter; expected the path of one of its keys"});
}

TEST_CASE("a change of kind resets the parameters and checks the edges again", "[assign]") {
  const Scenario base = full();
  // The model has refuse and defer edges (line 36), which a safeguard does not have.
  const auto changed = with_assignments(base, {{"model.kind", std::string("safeguard")}});
  CHECK(messages(changed) ==
        std::vector<std::string>{"full.toml:36:36: error: component 'model' (kind safeguard) has "
                                 "no port 'refuse'; remove 'next.refuse'",
                                 "full.toml:36:55: error: component 'model' (kind safeguard) has "
                                 "no port 'defer'; remove 'next.defer'"});
  // Edges are removed (set to "") while the kind still has those ports.
  const auto fixed = with_assignments(base, {{"model.next.refuse", std::string()},
                                             {"model.next.defer", std::string()},
                                             {"model.kind", std::string("safeguard")},
                                             {"model.detect_error", 0.5}});
  REQUIRE(fixed.ok());
  const auto& component = fixed.scenario->spec.components[1];
  CHECK(model::kind_name(component) == "safeguard");
  CHECK(std::get<model::SafeguardSpec>(component.parameters).detect_error == 0.5);
  // Without its only outcome the scenario is rejected.
  CHECK(messages(with_assignments(base, {{"world.kind", std::string("defence")},
                                         {"refused.kind", std::string("defence")},
                                         {"blocked.kind", std::string("defence")},
                                         {"dropped.kind", std::string("defence")}})) ==
        std::vector<std::string>{"full.toml:1:1: error: the scenario has no outcome; expected at "
                                 "least one component with kind = \"outcome\""});
}

namespace {

// A value of the same type as `current` that differs from it and is valid for `path`.
std::vector<ParameterValue> alternatives(const std::string& path, const ParameterValue& current) {
  if (path.ends_with(".kind")) return {current};  // a change of kind is tested above
  if (path.ends_with(".at_most")) return {std::int64_t{3}, std::int64_t{7}};
  if (path.find(".next.") != std::string::npos)
    return {std::string("dropped"), std::string("blocked")};
  if (path.ends_with("coupling.with")) return {std::string("review"), std::string("audit")};
  if (path.ends_with("profile") || path.ends_with("common_cause.alpha"))
    return {std::string("[2, 0, 1]")};
  if (path.ends_with("common_cause.model")) return {std::string("beta"), std::string("none")};
  if (path.ends_with("policy")) return {std::string("upfront"), std::string("by_score")};
  if (path.ends_with(".distribution")) return {std::string("beta"), std::string("normal")};
  if (path.ends_with("review_distribution"))
    return {std::string("fixed"), std::string("exponential")};
  if (path == "scenario.rare_event") return {std::string("auto"), std::string("importance")};
  if (const auto* b = std::get_if<bool>(&current)) return {!*b};
  if (std::holds_alternative<std::int64_t>(current)) return {std::int64_t{3}, std::int64_t{7}};
  if (std::holds_alternative<double>(current)) return {0.5, 0.25, 2.5, 3.5};
  return {std::string("changed"), std::string("other")};
}

// "<ai>.reliability" style name of a resolved path, as known_keys() lists it.
std::string pattern_of(const model::ScenarioSpec& spec, const std::string& path) {
  const auto dot = path.find('.');
  const std::string head = path.substr(0, dot), rest = path.substr(dot + 1);
  if (head == "scenario") return path;
  if (head == "contexts") return "contexts.<context>." + rest.substr(rest.find('.') + 1);
  if (rest == "kind") return "<component>.kind";
  if (rest == "label") return "<component>.label";
  if (rest.starts_with("next.")) {
    for (const char* key : {".at_most", ".fallback"})
      if (rest.ends_with(key)) return std::string("<component>.next.<port>") + key;
    return "<component>.next.<port>";
  }
  for (const auto& c : spec.components) {
    if (c.id != head) continue;
    const std::string kind = std::string("<").append(model::kind_name(c)).append(">.");
    if (const auto by = rest.find("_by_context."); by != std::string::npos)
      return kind + rest.substr(0, by) + "_by_context.<context>";
    if (const auto by = rest.find("_by_reviewer."); by != std::string::npos)
      return kind + rest.substr(0, by) + "_by_reviewer.<reviewer>";
    return kind + rest;
  }
  return "?";
}

}  // namespace

TEST_CASE("every parameter round-trips through an assignment", "[assign]") {
  Scenario base = full();
  base.spec.components[3].label = "night nurses";  // listed only when set
  for (auto& c : base.spec.components)             // likewise a layer's coverage by context
    c.coverage_by_context["triage"] = 0.75;
  base.spec.components[2].bounds["block"] = {1, "dropped"};  // and an edge's bound
  const auto parameters = resolved_parameters(base.spec);
  std::set<std::string> covered;
  for (const auto& [path, current] : parameters) {
    INFO(path);
    covered.insert(pattern_of(base.spec, path));
    CHECK(get_parameter(base.spec, path) == current);
    bool changed = false;
    for (const auto& candidate : alternatives(path, current)) {
      if (candidate == current && !path.ends_with(".kind")) continue;
      model::ScenarioSpec spec = base.spec;
      std::vector<Diagnostic> diagnostics;
      if (!apply_assignment(spec, {path, candidate}, {"t", 1, 1}, diagnostics)) continue;
      CHECK(diagnostics.empty());
      const auto read = get_parameter(spec, path);
      REQUIRE(read);
      CHECK(*read == candidate);
      // The same value through a sweep point (an attack policy needs an untrusted AI).
      std::vector<Assignment> assignments = {{path, candidate}};
      if (path.ends_with(".attack.probability"))
        assignments.push_back({path.substr(0, path.find('.')) + ".untrusted", true});
      const std::string component = path.substr(0, path.find('.'));
      if (path.ends_with(".budget_share"))  // a share of the episode's tasks, not a count
        assignments.insert(
            assignments.end(),
            {{"scenario.episode_tasks", std::int64_t{100}},
             {component + ".budget", std::int64_t{std::numeric_limits<std::int64_t>::max()}}});
      if (path.ends_with(".collusion")) assignments.push_back({component + ".trusted", false});
      if (path.ends_with("_false_positive"))  // instead of the threshold
        assignments.push_back({component + "." + path.substr(path.rfind('.') + 1, 5) + "_threshold",
                               model::infinity});
      // A pool that is not individual takes no per-reviewer settings.
      Scenario point_base = base;
      if (path.ends_with(".individual"))
        for (auto& c : point_base.spec.components)
          if (c.id == component) {
            auto& o = std::get<model::OperatorSpec>(c.parameters);
            for (auto* table : {&o.detect_by_reviewer, &o.false_reject_by_reviewer,
                                &o.automation_bias_by_reviewer, &o.trust_initial_by_reviewer,
                                &o.vigilance_floor_by_reviewer, &o.shift_start_by_reviewer})
              table->clear();
          }
      const auto point = with_assignments(point_base, assignments);
      REQUIRE(point.ok());
      CHECK(get_parameter(point.scenario->spec, path) == candidate);
      changed = true;
      break;
    }
    CHECK(changed);
  }
  // Every non-sweep key of known_keys() was exercised (next is the shorthand of next.pass,
  // and next.<port>.to the same edge written as a table; a [[schedule]] entry's keys are,
  // like the sweep's, not parameters themselves).
  for (const auto& key : known_keys()) {
    if (key.path.starts_with("sweep.") || key.path.starts_with("schedule[].") ||
        key.path == "<component>.next" || key.path == "<component>.next.<port>.to")
      continue;
    INFO(key.path);
    CHECK(covered.count(key.path) == 1);
  }
}

TEST_CASE("durations and rates given to assignments as text are converted", "[assign]") {
  model::ScenarioSpec spec = full().spec;
  std::vector<Diagnostic> diagnostics;
  CHECK(apply_assignment(spec, {"scenario.horizon", std::string("2w")}, {"t", 1, 1}, diagnostics));
  CHECK(get_parameter(spec, "scenario.horizon") == ParameterValue(14 * 24.0));
  CHECK(apply_assignment(spec, {"users.rate", std::string("300/d")}, {"t", 1, 1}, diagnostics));
  CHECK(get_parameter(spec, "users.rate") == ParameterValue(12.5));
  CHECK(apply_assignment(spec, {"model.refusal_threshold", std::string("-inf")}, {"t", 1, 1},
                         diagnostics));
  CHECK(get_parameter(spec, "model.refusal_threshold") == ParameterValue(-model::infinity));
  CHECK(apply_assignment(spec, {"review.workload_scale", std::string("inf")}, {"t", 1, 1},
                         diagnostics));
  CHECK(apply_assignment(spec, {"users.next", std::string("world")}, {"t", 1, 1}, diagnostics));
  CHECK(get_parameter(spec, "users.next.pass") == ParameterValue(std::string("world")));
  CHECK(diagnostics.empty());
  CHECK_FALSE(
      apply_assignment(spec, {"users.rate", std::string("fast")}, {"t", 2, 5}, diagnostics));
  REQUIRE(diagnostics.size() == 1);
  CHECK(format(diagnostics[0]) ==
        "t:2:5: error: 'users.rate' has an invalid rate \"fast\"; expected a number, '/' and a "
        "unit s, m, h, d, w or y, such as \"12/h\" or \"2/y\"");
  CHECK(get_parameter(spec, "users.rate") == ParameterValue(12.5));  // unchanged
  CHECK_FALSE(get_parameter(spec, "users.nothing"));
  CHECK_FALSE(get_parameter(spec, "model.reliability_by_context.routine"));  // not overridden
}
