#include "sim/structure/check.h"

#include <catch2/catch.hpp>

#include "tests/structure/build_spec.h"

using stsim::scenario::Diagnostic;
using stsim::structure::check;
using stsim::structure::testing::SpecBuilder;

namespace {

// "line:col: severity: message", the parts of a diagnostic the checks decide.
std::string show(const Diagnostic& d) {
  return std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
         (d.severity == Diagnostic::Severity::error ? "error: " : "warning: ") + d.message;
}

std::vector<std::string> show_all(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> lines;
  for (const Diagnostic& d : diagnostics) lines.push_back(show(d));
  return lines;
}

}  // namespace

TEST_CASE("a well-formed structure has no graph faults", "[check]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "filter"}, {"refuse", "refused"}, {"defer", "review"}})
      .add("filter", "safeguard", {{"pass", "world"}, {"block", "review"}})
      .add("review", "operators",
           {{"pass", "world"}, {"block", "refused"}, {"overflow", "refused"}})
      .outcome("world", true)
      .outcome("refused", false);
  CHECK(check(b.spec()).empty());
}

TEST_CASE("a loop is an error at its first edge, printed as a path", "[check]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})  // line 1
      .add("model", "ai", {{"pass", "filter"}})  // line 11, pass edge at 12:5
      .add("filter", "safeguard", {{"pass", "model"}, {"block", "world"}})  // line 21
      .outcome("world", true);                                              // line 31
  CHECK(show_all(check(b.spec())) ==
        std::vector<std::string>{"12:5: error: tasks can loop forever: model -> filter -> model; "
                                 "every path must end at an outcome (redirect an edge of the loop, "
                                 "or bound it with at_most)"});
}

TEST_CASE("a loop through a non-pass port names the port, and a self-loop is a loop", "[check]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})  // line 1
      .add("model", "ai", {{"pass", "review"}})  // line 11
      .add("review", "operators", {{"pass", "world"}, {"block", "model"}, {"overflow", "queue"}})
      .add("queue", "safeguard", {{"pass", "world"}, {"block", "queue"}})  // line 31, block at 33:5
      .outcome("world", true);
  CHECK(show_all(check(b.spec())) ==
        std::vector<std::string>{
            "12:5: error: tasks can loop forever: model -> review -[block]-> model; "
            "every path must end at an outcome (redirect an edge of the loop, or bound it with "
            "at_most)",
            "33:5: error: tasks can loop forever: queue -[block]-> queue; "
            "every path must end at an outcome (redirect an edge of the loop, or bound it with "
            "at_most)"});
}

TEST_CASE("one loop is reported once and as a shortest cycle through its first component",
          "[check]") {
  // a -> b -> c -> a and b -> a: one strongly connected set, reported once, at a's edge.
  SpecBuilder b;
  b.add("users", "source", {{"pass", "a"}})
      .add("a", "safeguard", {{"pass", "b"}, {"block", "world"}})
      .add("b", "safeguard", {{"pass", "c"}, {"block", "a"}})
      .add("c", "safeguard", {{"pass", "a"}, {"block", "world"}})
      .outcome("world", true);
  const auto found = check(b.spec());
  REQUIRE(found.size() == 1);
  CHECK(found[0].message ==
        "tasks can loop forever: a -> b -[block]-> a; every path must end at an outcome (redirect "
        "an edge of the loop, or bound it with at_most)");
  CHECK(found[0].where.line == 12);
}

TEST_CASE("a source with no path to any outcome is an error at its table", "[check]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai")  // a dead end
      .add("other", "source", {{"pass", "world"}})
      .outcome("world", true);
  CHECK(show_all(check(b.spec())) ==
        std::vector<std::string>{
            "1:1: error: source 'users' has no path to an outcome; every task must end at a "
            "component of kind \"outcome\""});
}

TEST_CASE("a source whose tasks are all stopped is an error", "[check]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "refused"}})
      .outcome("refused", false);
  CHECK(show_all(check(b.spec())) ==
        std::vector<std::string>{
            "1:1: error: source 'users' has no path to an outcome whose outputs are acted on; "
            "expected a path to an outcome with acted = true"});
}

TEST_CASE("components no task can reach are warnings, in file order with the errors", "[check]") {
  SpecBuilder b;
  b.add("spare", "safeguard", {{"pass", "world"}})  // line 1: unreachable
      .add("users", "source", {{"pass", "model"}})  // line 11: no path
      .add("model", "ai")
      .outcome("world", true)                   // line 31: reached only from spare
      .add("ok", "source", {{"pass", "sink"}})  // line 41: reaches a stopped outcome only
      .outcome("sink", false);
  CHECK(show_all(check(b.spec())) ==
        std::vector<std::string>{"1:1: warning: component 'spare' cannot be reached by any task; "
                                 "no edge on a path from a source leads to it",
                                 "11:1: error: source 'users' has no path to an outcome; every "
                                 "task must end at a component of kind "
                                 "\"outcome\"",
                                 "31:1: warning: component 'world' cannot be reached by any task; "
                                 "no edge on a path from a source leads to "
                                 "it",
                                 "41:1: error: source 'ok' has no path to an outcome whose outputs "
                                 "are acted on; expected a path to an "
                                 "outcome with acted = true"});
}

TEST_CASE("edges on ports a kind does not use are not part of the structure", "[check]") {
  // An outcome has no ports: its `pass` entry cannot create a loop.
  SpecBuilder b;
  b.add("users", "source", {{"pass", "world"}}).add("world", "outcome", {{"pass", "users"}});
  CHECK(check(b.spec()).empty());
}

namespace {

stsim::scenario::SweepDimension edge_dimension(const std::string& path,
                                               std::vector<std::string> targets,
                                               std::uint32_t line) {
  stsim::scenario::SweepDimension dimension;
  dimension.path = path;
  for (auto& target : targets) dimension.values.emplace_back(std::move(target));
  dimension.where = {"test.toml", line, 1};
  return dimension;
}

}  // namespace

TEST_CASE("a sweep that switches edges: components reached in some design are not unreachable",
          "[check][sweep]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "world"}})
      .add("review", "operators", {{"pass", "world"}, {"block", "stopped"}})
      .add("filter", "safeguard", {{"pass", "review"}, {"block", "stopped"}})
      .add("spare", "audit", {{"pass", "world"}})
      .outcome("world", true)
      .outcome("stopped", false);
  stsim::scenario::SweepSpec sweep;
  sweep.design = stsim::scenario::SweepDesign::grid;
  sweep.dimensions.push_back(edge_dimension("model.next.pass", {"world", "review", "filter"}, 100));
  CHECK(show_all(check(b.spec())).size() == 4);  // review, filter, spare, stopped
  CHECK(show_all(check(b.spec(), sweep)) ==
        std::vector<std::string>{
            "41:1: warning: component 'spare' cannot be reached by any task; no edge on a path "
            "from a source leads to it"});
}

TEST_CASE("every design of a grid is checked, but a zip checks only its lockstep designs",
          "[check][sweep]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "a"}})
      .add("a", "safeguard", {{"pass", "world"}, {"block", "world"}})
      .add("b", "safeguard", {{"pass", "world"}, {"block", "world"}})
      .outcome("world", true);
  stsim::scenario::SweepSpec sweep;
  sweep.dimensions.push_back(edge_dimension("model.next.pass", {"a", "b"}, 100));
  sweep.dimensions.push_back(edge_dimension("a.next.pass", {"world", "model"}, 103));

  sweep.design = stsim::scenario::SweepDesign::zip;  // (a, world), (b, model): no loop
  CHECK(check(b.spec(), sweep).empty());

  sweep.design = stsim::scenario::SweepDesign::grid;  // also (a, model): a loop
  CHECK(show_all(check(b.spec(), sweep)) ==
        std::vector<std::string>{
            "100:1: error: in the sweep design with model.next.pass = a, a.next.pass = model: "
            "tasks can loop forever: model -> a -> model; every path must end at an outcome "
            "(redirect an edge of the loop, or bound it with at_most)"});
}

TEST_CASE("an error of the scenario as written is not repeated for each design", "[check][sweep]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "world"}})
      .add("idle", "source", {{"pass", "nowhere"}})
      .add("nowhere", "safeguard")
      .add("other", "defence", {{"pass", "world"}})
      .outcome("world", true);
  stsim::scenario::SweepSpec sweep;
  sweep.design = stsim::scenario::SweepDesign::grid;
  sweep.dimensions.push_back(edge_dimension("model.next", {"world", "other"}, 100));
  sweep.dimensions.push_back(edge_dimension("model.reliability", {}, 101));  // not an edge: ignored
  CHECK(show_all(check(b.spec(), sweep)) ==
        std::vector<std::string>{
            "21:1: error: source 'idle' has no path to an outcome; every task must end at a "
            "component of kind \"outcome\""});
}

TEST_CASE("an edge back upstream with a bound is no loop, one without is still refused",
          "[check]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})  // line 1
      .add("model", "ai", {{"pass", "review"}})  // line 11
      .add("review", "operators",                // line 21, block at 23:5
           {{"pass", "world"}, {"block", "model"}, {"overflow", "queue"}})
      .add("queue", "safeguard", {{"pass", "world"}, {"block", "queue"}})  // block at 33:5
      .outcome("world", true)
      .outcome("stopped", false)
      .add("editor", "safeguard", {{"pass", "review"}});  // line 61: reached by a return only
  stsim::model::ScenarioSpec spec = b.spec();
  spec.components[2].bounds["block"] = {2, "stopped"};
  CHECK(show_all(check(spec)) ==
        std::vector<std::string>{
            "33:5: error: tasks can loop forever: queue -[block]-> queue; every path must end "
            "at an outcome (redirect an edge of the loop, or bound it with at_most)",
            "61:1: warning: component 'editor' cannot be reached by any task; no edge on a path "
            "from a source leads to it"});
  spec.components[3].bounds["block"] = {1, "world"};
  // Sent back to the editor, which returns the task to the review: reached, no loop.
  spec.components[2].connect("block", "editor", {"test.toml", 23, 5});
  CHECK(check(spec).empty());
  // A fallback that leads back has no bound of its own: an unbounded loop, with its path
  // (and nothing reaches the outcome it replaced).
  spec.components[2].bounds["block"].fallback = "model";
  CHECK(show_all(check(spec)) ==
        std::vector<std::string>{
            "12:5: error: tasks can loop forever: model -> review -[block]-> model; every path "
            "must end at an outcome (redirect an edge of the loop, or bound it with at_most)",
            "51:1: warning: component 'stopped' cannot be reached by any task; no edge on a path "
            "from a source leads to it"});
}
