#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "sim/structure/dot.h"
#include "tests/structure/build_spec.h"

using stsim::model::Kind;
using stsim::model::Port;
using stsim::structure::node_style;
using stsim::structure::to_dot;
using stsim::structure::testing::SpecBuilder;

namespace {

stsim::model::ScenarioSpec every_kind() {
  SpecBuilder b("layered \"demo\"");
  b.add("users", Kind::source, {{Port::pass, "model"}})
      .add("model", Kind::ai, {{Port::pass, "filter"}, {Port::refuse, "refused"}, {Port::defer, "review"}})
      .add("filter", Kind::safeguard, {{Port::pass, "monitor"}, {Port::block, "refused"}})
      .alarm_only("monitor", {{Port::pass, "review"}})
      .add("review", Kind::operators, {{Port::pass, "audit"}, {Port::block, "refused"}, {Port::overflow, "dropped"}})
      .add("audit", Kind::audit, {{Port::pass, "defence"}, {Port::block, "refused"}})
      .add("defence", Kind::defence, {{Port::pass, "world"}, {Port::block, "refused"}})
      .outcome("world", true)
      .outcome("refused", false)
      .outcome("dropped", false);
  return b.spec();
}

// Runs a shell command, returning its exit status (-1 if it did not exit normally).
int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("every kind has its own shape and fill; acted and stopped outcomes differ", "[dot]") {
  const Kind kinds[] = {Kind::source, Kind::ai, Kind::safeguard, Kind::operators, Kind::audit, Kind::defence};
  std::vector<std::string> shapes, fills;
  for (const Kind kind : kinds) {
    shapes.emplace_back(node_style(kind, false).shape);
    fills.emplace_back(node_style(kind, false).fill);
  }
  for (const bool acted : {true, false}) {
    shapes.emplace_back(node_style(Kind::outcome, acted).shape);
    fills.emplace_back(node_style(Kind::outcome, acted).fill);
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

  const std::regex node_line(R"re(^  "([^"]+)" \[label="([^"]+)", shape="([a-z]+)", style="([a-z,]+)", fillcolor="(#[0-9A-F]{6})"\];$)re");
  const std::regex edge_line(R"re(^  "([^"]+)" -> "([^"]+)" \[label="([a-z]+)"(, style="dashed")?\];$)re");
  std::map<std::string, std::smatch> nodes;
  std::vector<std::string> edges;
  std::istringstream lines(dot);
  std::string line;
  std::vector<std::string> node_lines;  // keep the strings alive for the matches
  while (std::getline(lines, line)) node_lines.push_back(line);
  for (const std::string& text : node_lines) {
    std::smatch m;
    if (std::regex_match(text, m, node_line)) {
      nodes[m[1]] = m;
    } else if (std::regex_match(text, m, edge_line)) {
      edges.push_back(std::string(m[1]) + " " + std::string(m[3]) + " " + std::string(m[2]));
      CHECK(m[4].matched == (m[3] != "pass"));
    }
  }
  REQUIRE(nodes.size() == spec.components.size());
  for (const auto& component : spec.components) {
    INFO(component.id);
    REQUIRE(nodes.count(component.id) == 1);
    const auto& m = nodes[component.id];
    const bool acted = component.kind == Kind::outcome && std::get<stsim::model::OutcomeSpec>(component.parameters).acted;
    CHECK(m[3] == node_style(component.kind, acted).shape);
    CHECK(m[5] == node_style(component.kind, acted).fill);
    CHECK(m[4] == (component.kind == Kind::outcome && !acted ? "filled,dashed" : "filled"));
  }
  CHECK(std::string(nodes["world"][2]) == "world\\n(acted)");
  CHECK(std::string(nodes["refused"][2]) == "refused\\n(stopped)");
  CHECK(std::string(nodes["monitor"][2]) == "monitor\\n(safeguard, alarm only)");
  CHECK(std::string(nodes["model"][2]) == "model\\n(ai)");
  const std::vector<std::string> expected_edges{
      "users pass model",      "model pass filter",  "model refuse refused", "model defer review",
      "filter pass monitor",   "filter block refused", "monitor pass review", "review pass audit",
      "review block refused",  "review overflow dropped", "audit pass defence", "audit block refused",
      "defence pass world",    "defence block refused"};
  CHECK(edges == expected_edges);
  CHECK(to_dot(spec) == dot);  // deterministic
}

TEST_CASE("Graphviz parses the DOT as a digraph with every node and edge", "[dot]") {
  INFO("Graphviz (dot, gc) must be installed: bash .ci/setup");
  REQUIRE(run("command -v dot >/dev/null 2>&1 && command -v gc >/dev/null 2>&1") == 0);
  const auto spec = every_kind();
  const auto dir = std::filesystem::temp_directory_path() / ("stsim_dot_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto in = dir / "g.dot", out = dir / "g.txt";
  std::ofstream(in) << to_dot(spec);
  // gc counts nodes and edges of each graph, and fails on a syntax error.
  REQUIRE(run("gc -n -e '" + in.string() + "' > '" + out.string() + "' 2>&1") == 0);
  std::ifstream counts(out);
  std::string text((std::istreambuf_iterator<char>(counts)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  INFO(text);
  const std::regex counts_line(R"(\s*(\d+)\s+(\d+)\s+.*)");
  std::smatch m;
  REQUIRE(std::regex_search(text, m, counts_line));
  CHECK(std::stoul(m[1]) == spec.components.size());
  CHECK(std::stoul(m[2]) == 14);
}
