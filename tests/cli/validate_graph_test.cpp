#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "tests/cli/run_stsim.h"

using stsim::cli::testing::fixture;
using stsim::cli::testing::lines_of;
using stsim::cli::testing::quote;
using stsim::cli::testing::read_text;
using stsim::cli::testing::run_stsim;
using stsim::cli::testing::scratch;
using stsim::cli::testing::shell;

namespace {

// The fixtures that are valid scenarios, and every shipped scenario.
std::vector<std::string> valid_scenarios() {
  std::vector<std::string> files{fixture("layered.toml"), fixture("spare.toml"),
                                 fixture("revision.toml")};
  const std::filesystem::path shipped = std::filesystem::path(STSIM_SOURCE_DIR) / "scenarios";
  if (std::filesystem::is_directory(shipped)) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(shipped)) {
      if (entry.path().extension() == ".toml") found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace

TEST_CASE("validate prints a one-line summary of a valid file and exits 0", "[validate]") {
  const auto run = run_stsim({"validate", fixture("layered.toml")});
  CHECK(run.exit_code == stsim::cli::exit_ok);
  CHECK(run.err.empty());
  // Then the plan, indented (tests/cli/conventions_test.cpp).
  const auto out = lines_of(run.out);
  REQUIRE(out.size() == 4);
  CHECK(out[0] == fixture("layered.toml") +
                      ": ok: 6 components, 8 paths, smallest cut set 1 (model -> filter -> world)");
  CHECK(out[1].rfind("  plan: ", 0) == 0);
}

TEST_CASE("validate reports a loop at its edge, with the loop as a path, and exits 2",
          "[validate]") {
  const auto run = run_stsim({"validate", fixture("loop.toml")});
  CHECK(run.exit_code == stsim::cli::exit_invalid_input);
  CHECK(run.out.empty());
  REQUIRE_FALSE(run.err.empty());
  CHECK(lines_of(run.err)[0] ==
        fixture("loop.toml") +
            ":11:17: error: tasks can loop forever: model -> review -[block]-> model; every "
            "path must end at an outcome (redirect an edge of the loop, or bound it with at_most)");
}

TEST_CASE("validate reports a source whose tasks are never acted on", "[validate]") {
  const auto run = run_stsim({"validate", fixture("nothing-acted.toml")});
  CHECK(run.exit_code == stsim::cli::exit_invalid_input);
  CHECK(run.out.empty());
  CHECK(run.err == fixture("nothing-acted.toml") +
                       ":5:1: error: source 'users' has no path to an outcome whose outputs are "
                       "acted on; expected a "
                       "path to an outcome with acted = true\n");
}

TEST_CASE("warnings alone do not fail validation", "[validate]") {
  const auto run = run_stsim({"validate", fixture("spare.toml")});
  CHECK(run.exit_code == stsim::cli::exit_ok);
  CHECK(run.err == fixture("spare.toml") +
                       ":13:1: warning: component 'audit' cannot be reached by any task; no edge "
                       "on a path from a "
                       "source leads to it\n");
  CHECK(lines_of(run.out).at(0) ==
        fixture("spare.toml") + ": ok: 4 components, 1 path, smallest cut set 0 (model -> world)");
}

TEST_CASE("validate checks every file given and fails if any is invalid or missing", "[validate]") {
  const std::string missing = (scratch() / "no-such-file.toml").string();
  const auto run = run_stsim(
      {"validate", fixture("layered.toml"), missing, fixture("loop.toml"), fixture("spare.toml")});
  CHECK(run.exit_code == stsim::cli::exit_invalid_input);
  // One line per valid file, each followed by its three lines of plan.
  const auto out = lines_of(run.out);
  REQUIRE(out.size() == 8);
  CHECK(out[0].rfind(fixture("layered.toml") + ": ok: ", 0) == 0);
  CHECK(out[4].rfind(fixture("spare.toml") + ": ok: ", 0) == 0);
  const auto err = lines_of(run.err);
  REQUIRE(err.size() == 3);
  CHECK(err[0] == missing + ": error: cannot read the file: No such file or directory");
  CHECK(err[1].rfind(fixture("loop.toml") + ":11:17: error: tasks can loop forever", 0) == 0);
  CHECK(err[2].rfind(fixture("spare.toml") + ":13:1: warning: ", 0) == 0);
}

TEST_CASE("a missing file or a directory is a clear error with exit 2", "[validate][graph]") {
  const std::string missing = (scratch() / "absent.toml").string();
  for (const char* command : {"validate", "graph"}) {
    const auto run = run_stsim({command, missing});
    CHECK(run.exit_code == stsim::cli::exit_invalid_input);
    CHECK(run.out.empty());
    CHECK(run.err == missing + ": error: cannot read the file: No such file or directory\n");
  }
  const std::string directory = std::string(STSIM_SOURCE_DIR) + "/tests/cli/fixtures";
  for (const char* command : {"validate", "graph"}) {
    const auto run = run_stsim({command, directory});
    CHECK(run.exit_code == stsim::cli::exit_invalid_input);
    CHECK(run.err == directory + ": error: cannot read the file: it is a directory\n");
  }
}

TEST_CASE("graph writes DOT to standard output or, whole, to a file", "[graph]") {
  const auto to_stdout = run_stsim({"graph", fixture("layered.toml")});
  CHECK(to_stdout.exit_code == stsim::cli::exit_ok);
  CHECK(to_stdout.err.empty());
  CHECK(to_stdout.out.rfind("digraph \"cli-layered\" {\n", 0) == 0);
  CHECK(to_stdout.out.find("  \"model\" -> \"review\" [label=\"defer\", style=\"dashed\"];\n") !=
        std::string::npos);

  const std::string out = (scratch() / "layered.dot").string();
  const auto to_file = run_stsim({"graph", fixture("layered.toml"), "-o", out});
  CHECK(to_file.exit_code == stsim::cli::exit_ok);
  CHECK(to_file.out.empty());
  CHECK(read_text(out) == to_stdout.out);
  // Nothing else left beside it (the temporary file was renamed).
  std::size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(scratch() / "")) {
    entries += entry.path().filename().string().rfind("layered.dot", 0) == 0 ? 1 : 0;
  }
  CHECK(entries == 1);

  SECTION("--set draws another design") {
    const auto bare =
        run_stsim({"graph", fixture("layered.toml"), "--set", "model.next.pass=world"});
    CHECK(bare.exit_code == stsim::cli::exit_ok);
    CHECK(bare.out.find("  \"model\" -> \"world\" [label=\"pass\"];\n") != std::string::npos);
    CHECK(bare.out.find("  graph [label=\"cli-layered\\nmodel.next.pass=world\"") !=
          std::string::npos);
  }
}

TEST_CASE("graph of an invalid scenario exits 2 and writes nothing", "[graph]") {
  const std::string out = (scratch() / "loop.dot").string();
  const auto run = run_stsim({"graph", fixture("loop.toml"), "-o", out});
  CHECK(run.exit_code == stsim::cli::exit_invalid_input);
  CHECK(run.out.empty());
  CHECK(lines_of(run.err).at(0).rfind(
            fixture("loop.toml") + ":11:17: error: tasks can loop forever", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("graph into a directory that does not exist fails and leaves nothing", "[graph]") {
  const std::string out = (scratch() / "no-dir" / "g.dot").string();
  const auto run = run_stsim({"graph", fixture("layered.toml"), "-o", out});
  CHECK(run.exit_code == stsim::cli::exit_failure);
  CHECK(run.err.rfind("stsim graph: error: cannot write '" + out + "': ", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(scratch() / "no-dir"));
}

TEST_CASE("the tool and every subcommand answer --help", "[help]") {
  const auto top = run_stsim({"--help"});
  CHECK(top.exit_code == 0);
  // The subcommands are the indented first words after "Subcommands:".
  std::vector<std::string> subcommands;
  bool listing = false;
  for (const std::string& line : lines_of(top.out)) {
    if (line == "Subcommands:") {
      listing = true;
    } else if (listing && line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
      subcommands.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  CHECK(std::count(subcommands.begin(), subcommands.end(), "validate") == 1);
  CHECK(std::count(subcommands.begin(), subcommands.end(), "graph") == 1);
  CHECK(std::count(subcommands.begin(), subcommands.end(), "merge") == 1);
  for (const std::string& subcommand : subcommands) {
    INFO(subcommand);
    const auto run = run_stsim({subcommand, "--help"});
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("Usage:") != std::string::npos);
  }
  CHECK(run_stsim({"graph", "--help"}).out.find("--output") != std::string::npos);
  CHECK(run_stsim({"validate"}).exit_code == stsim::cli::exit_invalid_input);  // no file given
}

TEST_CASE("every shipped scenario and valid fixture validates and its graph renders with dot -Tpng",
          "[graph]") {
  INFO("Graphviz's `dot` must be installed: bash .ci/setup");
  REQUIRE(shell("command -v dot >/dev/null 2>&1") == 0);
  const auto files = valid_scenarios();
  for (const std::string& file : files) {
    INFO(file);
    const auto validated = run_stsim({"validate", file});
    CHECK(validated.exit_code == stsim::cli::exit_ok);
    CHECK(validated.out.rfind(file + ": ok: ", 0) == 0);
    const std::string dot = (scratch() / "render.dot").string(),
                      png = (scratch() / "render.png").string();
    REQUIRE(run_stsim({"graph", file, "-o", dot}).exit_code == stsim::cli::exit_ok);
    CHECK(shell("dot -Tpng " + quote(dot) + " -o " + quote(png) + " 2>/dev/null") == 0);
    CHECK(read_text(png).rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  }
}

TEST_CASE("validate reports every loader fault of a file, then exits 2", "[validate]") {
  const auto run = run_stsim({"validate", fixture("typo.toml")});
  CHECK(run.exit_code == stsim::cli::exit_invalid_input);
  CHECK(run.out.empty());
  CHECK(lines_of(run.err) ==
        std::vector<std::string>{
            fixture("typo.toml") + ":11:1: error: unknown key 'reliabilty' in component 'model' "
                                   "(kind ai); did you mean 'reliability'?",
            fixture("typo.toml") +
                ":16:9: error: 'world.acted' expects true or false; got an integer"});
}

TEST_CASE("validate checks each design of edges a sweep switches to", "[validate]") {
  const auto run = run_stsim({"validate", fixture("sweep-loop.toml")});
  CHECK(run.exit_code == stsim::cli::exit_invalid_input);
  CHECK(run.out.empty());
  CHECK(run.err == fixture("sweep-loop.toml") +
                       ":24:1: error: in the sweep design with model.next.pass = review: tasks can "
                       "loop forever: "
                       "model -> review -[block]-> model; every path must end at an outcome "
                       "(redirect an edge of the "
                       "loop, or bound it with at_most)\n");
}

TEST_CASE("graph rejects a bad --set before drawing anything", "[graph]") {
  const auto unknown =
      run_stsim({"graph", fixture("layered.toml"), "--set", "model.next.pass=nowhere"});
  CHECK(unknown.exit_code == stsim::cli::exit_invalid_input);
  CHECK(unknown.out.empty());
  CHECK(unknown.err.rfind("<command line>:1:17: error: 'model.next.pass' refers to 'nowhere', "
                          "which is not a component",
                          0) == 0);
  const auto malformed = run_stsim({"graph", fixture("layered.toml"), "--set", "garbage"});
  CHECK(malformed.exit_code == stsim::cli::exit_invalid_input);
  CHECK(malformed.out.empty());
  CHECK(malformed.err.rfind("<command line>:1:1: error: --set 'garbage': ", 0) == 0);
}

TEST_CASE("a bounded revision loop validates, and its graph draws the bound", "[validate][graph]") {
  const auto validated = run_stsim({"validate", fixture("revision.toml")});
  CHECK(validated.exit_code == stsim::cli::exit_ok);
  CHECK(validated.err.empty());
  CHECK(lines_of(validated.out).at(0) ==
        fixture("revision.toml") +
            ": ok: 5 components, 2 paths, smallest cut set 1 (model -> check -> world)");
  const auto graph = run_stsim({"graph", fixture("revision.toml")});
  CHECK(graph.exit_code == stsim::cli::exit_ok);
  CHECK(graph.out.find("\"check\" -> \"model\" [label=\"block (at most 2)\"") != std::string::npos);
  CHECK(graph.out.find("\"check\" -> \"stopped\" [label=\"block (after 2)\"") != std::string::npos);
  // A fallback that leads back upstream is a loop with no bound: refused with its path.
  const auto looped =
      run_stsim({"validate", fixture("revision.toml"), "--set", "check.next.block.fallback=model"});
  CHECK(looped.exit_code == stsim::cli::exit_invalid_input);
  CHECK(looped.out.empty());
  CHECK(lines_of(looped.err).at(0) ==
        fixture("revision.toml") +
            ":16:8: error: tasks can loop forever: model -> check -[block]-> model; every path "
            "must end at an outcome (redirect an edge of the loop, or bound it with at_most)");
}
