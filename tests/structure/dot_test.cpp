#include "sim/structure/dot.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "tests/structure/build_spec.h"

using stsim::structure::node_style;
using stsim::structure::to_dot;
using stsim::structure::testing::SpecBuilder;

namespace {

stsim::model::ScenarioSpec every_kind() {
  SpecBuilder b("layered \"demo\"");
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "filter"}, {"refuse", "refused"}, {"defer", "review"}})
      .add("filter", "safeguard", {{"pass", "monitor"}, {"block", "refused"}})
      .alarm_only("monitor", {{"pass", "review"}, {"block", "refused"}})
      .add("review", "operators",
           {{"pass", "audit"}, {"block", "refused"}, {"overflow", "dropped"}})
      .add("audit", "audit", {{"pass", "defence"}, {"block", "refused"}})
      .add("defence", "defence", {{"pass", "world"}, {"block", "refused"}})
      .outcome("world", true)
      .outcome("refused", false)
      .outcome("dropped", false);
  return b.spec();
}

// The value of `name="..."` in a DOT line (escapes kept as written), "" if absent.
std::string attribute(const std::string& line, const std::string& name) {
  const std::string key = " " + name + "=\"";
  std::size_t at = line.find(key);
  if (at == std::string::npos) at = line.find("[" + name + "=\"");
  if (at == std::string::npos) return "";
  std::string value;
  for (std::size_t i = at + key.size(); i < line.size() && line[i] != '"'; ++i) {
    value += line[i];
    if (line[i] == '\\' && i + 1 < line.size()) value += line[++i];
  }
  return value;
}

// Runs a shell command, returning its exit status (-1 if it did not exit normally).
int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("every kind has its own shape and fill, and acted and stopped outcomes differ", "[dot]") {
  SpecBuilder b;
  for (const char* kind : {"source", "ai", "safeguard", "operators", "audit", "defence"})
    b.add(kind, kind);
  b.outcome("acted", true).outcome("stopped", false);
  std::vector<std::string> shapes, fills;
  for (const auto& component : b.spec().components) {
    shapes.emplace_back(node_style(component).shape);
    fills.emplace_back(node_style(component).fill);
  }
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    for (std::size_t j = i + 1; j < shapes.size(); ++j) {
      CHECK(shapes[i] != shapes[j]);
      CHECK(fills[i] != fills[j]);
    }
  }
}

TEST_CASE("the DOT has a node per component with its kind's style and an edge per port", "[dot]") {
  const auto spec = every_kind();
  const std::string dot = to_dot(spec);
  CHECK(dot.rfind("digraph \"layered \\\"demo\\\"\" {\n", 0) == 0);
  CHECK(dot.find("label=\"layered \\\"demo\\\"\", labelloc=\"t\"") != std::string::npos);
  CHECK(dot.substr(dot.size() - 2) == "}\n");

  // Node lines:  "id" [label="...", shape="...", style="...", fillcolor="#rrggbb"];
  // Edge lines:  "from" -> "to" [label="port"(, style="dashed")];
  std::map<std::string, std::map<std::string, std::string>> nodes;
  std::vector<std::string> edges;
  std::istringstream lines(dot);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("  \"", 0) != 0) continue;
    const std::size_t arrow = line.find("\" -> \"");
    const std::string first = line.substr(3, line.find('"', 3) - 3);
    if (arrow != std::string::npos) {
      const std::string second = line.substr(arrow + 6, line.find('"', arrow + 6) - arrow - 6);
      const std::string port = attribute(line, "label");
      edges.push_back(first + " " + port + " " + second);
      CHECK(attribute(line, "style") == (port == "pass"             ? ""
                                         : port == "block (unused)" ? "dotted"
                                                                    : "dashed"));
    } else {
      for (const char* name : {"label", "shape", "style", "fillcolor"})
        nodes[first][name] = attribute(line, name);
    }
  }
  REQUIRE(nodes.size() == spec.components.size());
  for (const auto& component : spec.components) {
    INFO(component.id);
    REQUIRE(nodes.count(component.id) == 1);
    auto& attributes = nodes[component.id];
    const auto* outcome = std::get_if<stsim::model::OutcomeSpec>(&component.parameters);
    const bool stopped = outcome != nullptr && !outcome->acted;
    CHECK(attributes["shape"] == node_style(component).shape);
    CHECK(attributes["fillcolor"] == node_style(component).fill);
    CHECK(attributes["style"] == (stopped ? "filled,dashed" : "filled"));
  }
  CHECK(nodes["world"]["label"] == "world\\n(acted)");
  CHECK(nodes["refused"]["label"] == "refused\\n(stopped)");
  CHECK(nodes["monitor"]["label"] == "monitor\\n(safeguard, alarm only)");
  CHECK(nodes["model"]["label"] == "model\\n(ai)");
  const std::vector<std::string> expected_edges{
      "users pass model",        "model pass filter",
      "model refuse refused",    "model defer review",
      "filter pass monitor",     "filter block refused",
      "monitor pass review",     "monitor block (unused) refused",
      "review pass audit",       "review block refused",
      "review overflow dropped", "audit pass defence",
      "audit block refused",     "defence pass world",
      "defence block refused"};
  CHECK(edges == expected_edges);
  CHECK(to_dot(spec) == dot);  // deterministic
  const std::string titled = to_dot(spec, "model.next.pass=world");
  CHECK(titled.find(
            "  graph [label=\"layered \\\"demo\\\"\\nmodel.next.pass=world\", labelloc=\"t\"") !=
        std::string::npos);
}

TEST_CASE("a bounded edge is drawn back with its bound, and its fallback after it", "[dot]") {
  SpecBuilder b;
  b.add("users", "source", {{"pass", "model"}})
      .add("model", "ai", {{"pass", "check"}})
      .add("check", "safeguard", {{"pass", "world"}, {"block", "model"}})
      .outcome("world", true)
      .outcome("stopped", false);
  stsim::model::ScenarioSpec spec = b.spec();
  spec.components[2].bounds["block"] = {2, "stopped"};
  const std::string dot = to_dot(spec);
  CHECK(dot.find("  \"check\" -> \"model\" [label=\"block (at most 2)\", style=\"dashed\", "
                 "color=\"#CC3311\", fontcolor=\"#CC3311\", constraint=\"false\"];\n") !=
        std::string::npos);
  CHECK(dot.find("  \"check\" -> \"stopped\" [label=\"block (after 2)\", style=\"dashed\"];\n") !=
        std::string::npos);
  // Without a fallback the task stops there: no second edge.
  spec.components[2].bounds["block"].fallback.clear();
  CHECK(to_dot(spec).find("(after 2)") == std::string::npos);
}

TEST_CASE("Graphviz parses the DOT as a digraph with every node and edge", "[dot]") {
  INFO("Graphviz (dot, gc) must be installed: bash .ci/setup");
  REQUIRE(run("command -v dot >/dev/null 2>&1 && command -v gc >/dev/null 2>&1") == 0);
  const auto spec = every_kind();
  const auto dir =
      std::filesystem::temp_directory_path() / ("stsim_dot_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto in = dir / "g.dot", out = dir / "g.txt";
  std::ofstream(in) << to_dot(spec);
  // gc counts nodes and edges of each graph, and fails on a syntax error.
  REQUIRE(run("gc -n -e '" + in.string() + "' > '" + out.string() + "' 2>&1") == 0);
  std::ifstream counts(out);
  std::string text((std::istreambuf_iterator<char>(counts)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  INFO(text);
  std::istringstream fields(text);
  std::size_t node_count = 0, edge_count = 0;
  REQUIRE(fields >> node_count >> edge_count);
  CHECK(node_count == spec.components.size());
  CHECK(edge_count == 15);
}
