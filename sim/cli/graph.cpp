// `stsim graph FILE [-o out.dot]`: the scenario's control structure as Graphviz DOT, or
// with --format mef its static fault tree in the Open-PSA Model Exchange Format.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/analytic/mef.h"
#include "sim/cli/commands.h"
#include "sim/cli/scenario_input.h"
#include "sim/cli/write_whole.h"
#include "sim/structure/dot.h"

namespace stsim::cli {

namespace {

struct GraphOptions {
  std::string file;
  std::string output;
  std::vector<std::string> sets;
  std::string format = "dot";
};

}  // namespace

Command add_graph(CLI::App& app) {
  CLI::App* command =
      app.add_subcommand("graph", "Draw a scenario's control structure as Graphviz DOT");
  command->footer(
      "Render with: dot -Tpdf out.dot -o out.pdf. Shapes and colours by kind, edges labelled by "
      "port, acted outcomes "
      "double-bordered and stopped ones dashed (legend in docs/structure.md). Exit 2 if the "
      "scenario is invalid; "
      "with -o, the file is written whole or not at all.");
  auto options = std::make_shared<GraphOptions>();
  command->add_option("file", options->file, "Scenario TOML file, or a shipped scenario by name")
      ->required();
  command->add_option("-o,--output", options->output,
                      "Write the DOT to this file instead of standard output");
  command->add_option(
      "--set", options->sets,
      "Set a parameter first, e.g. --set model.next.pass=review to draw one design of a sweep");
  command
      ->add_option("--format", options->format,
                   "dot (the diagram, default) or mef: the static fault tree in Open-PSA MEF, "
                   "for fault-tree tools such as SCRAM (docs/sensitivity.md)")
      ->check(CLI::IsMember({"dot", "mef"}));
  return [options] {
    // The scenario as set is what is drawn: a --set of a swept path draws that design.
    const auto loaded = load_scenario(options->file, options->sets, SweepUse::ignored);
    if (!loaded) return exit_invalid_input;
    std::string subtitle;
    for (const std::string& text : options->sets)
      subtitle.append(subtitle.empty() ? "" : ", ").append(text);
    std::string text;
    if (options->format == "mef") {
      try {
        text = analytic::to_mef(loaded->spec);
      } catch (const std::invalid_argument& e) {
        fmt::print(stderr,
                   "{}: error: no static fault tree: {}; expected a scenario of the static subset "
                   "(docs/sensitivity.md)\n",
                   options->file, e.what());
        return exit_invalid_input;
      }
    } else {
      text = structure::to_dot(loaded->spec, subtitle);
    }
    if (options->output.empty()) {
      fmt::print("{}", text);
      return std::fflush(stdout) == 0 ? exit_ok : exit_failure;
    }
    return write_whole(options->output, text, "graph") ? exit_ok : exit_failure;
  };
}

}  // namespace stsim::cli
