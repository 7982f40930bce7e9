// A kind that is two files and one list entry: the test-only gate (tests/kinds/gate.h),
// compiled into the list for this program's libraries and tool only, goes through the
// loader, the model, validate, graph, the runner and the trace like a shipped kind. If
// the extension mechanism broke, this program would not know the gate at all.

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "sim/model/simulation.h"
#include "sim/runner/runner.h"
#include "sim/scenario/parameters.h"
#include "sim/scenario/scenario.h"
#include "sim/structure/check.h"
#include "tests/cli/run_stsim.h"

using namespace stsim;
using stsim::cli::testing::read_text;
using stsim::cli::testing::run_stsim;
using stsim::cli::testing::scratch;

namespace {

const std::string gated = std::string(STSIM_SOURCE_DIR) + "/tests/kinds/fixtures/gated.toml";

std::string gated_with(const std::string& from, const std::string& to) {
  std::string text = read_text(gated);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::vector<std::string> errors(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : scenario::load_string(text, "gated.toml").diagnostics)
    out.push_back(scenario::format(d));
  return out;
}

model::ScenarioSpec loaded_spec() {
  auto loaded = structure::load_checked(gated);
  REQUIRE(loaded.ok());
  return loaded.scenario->spec;
}

std::string refusal(const model::ScenarioSpec& spec) {
  try {
    model::Simulation simulation(spec);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("the gate is in this build's list of kinds, after the shipped ones", "[kinds]") {
  const auto gate = model::kind_named("gate");
  REQUIRE(gate.has_value());
  CHECK(*gate == model::kind_count - 1);
  const model::KindInfo& info = model::kind_info(*gate);
  REQUIRE(info.ports.size() == 2);
  CHECK(info.ports[0].name == "through");
  CHECK(info.ports[1].name == "around");
  REQUIRE(info.events.size() == 1);
  CHECK(info.events[0] == "toggle");
  CHECK_FALSE(info.can_fail);
  CHECK(model::kind_named("outcome").has_value());
}

TEST_CASE("the loader reads a gate by its own keys, rules and ports", "[kinds]") {
  const auto loaded = scenario::load_file(gated);
  REQUIRE(loaded.ok());
  const auto& gate = loaded.scenario->spec.components[2];
  CHECK(model::kind_name(gate) == "gate");
  CHECK(std::get<probe::GateSpec>(gate.parameters).period == 12.0);
  CHECK(std::get<probe::GateSpec>(gate.parameters).leak == 0.3);
  CHECK(gate.target("around") == "held");
  CHECK(scenario::get_parameter(loaded.scenario->spec, "gate.start_open") ==
        std::optional<scenario::ParameterValue>(true));

  CHECK(errors(gated_with("leak = 0.3", "leak = 2")) ==
        std::vector<std::string>{
            "gated.toml:24:8: error: 'gate.leak' must be a probability in [0, 1]; got 2"});
  CHECK(errors(gated_with("leak = 0.3", "lek = 0.3")) ==
        std::vector<std::string>{"gated.toml:24:1: error: unknown key 'lek' in component 'gate' "
                                 "(kind gate); did you mean 'leak'?"});
  CHECK(errors(gated_with("through = ", "pass = ")) ==
        std::vector<std::string>{"gated.toml:25:10: error: component 'gate' (kind gate) has no "
                                 "port 'pass'; expected through or around"});
  // The gate's rule across keys: it must move within the horizon.
  CHECK(errors(gated_with("period = \"12h\"", "period = \"2d\"")) ==
        std::vector<std::string>{
            "gated.toml:21:1: error: component 'gate' has a period of 48 h, not shorter than the "
            "horizon (48 h); expected a gate that moves at least once"});
  bool documented = false;
  for (const auto& key : scenario::known_keys())
    documented = documented || key.path == "<gate>.leak";
  CHECK(documented);
}

TEST_CASE("the model refuses a gate that breaks its rules, in the loader's words", "[kinds]") {
  auto spec = loaded_spec();
  CHECK(refusal(spec) == "(accepted)");
  auto& gate = std::get<probe::GateSpec>(spec.components[2].parameters);
  gate.leak = 2.0;
  CHECK(refusal(spec) == gated + ":21:1: 'gate.leak' must be a probability in [0, 1]; got 2");
  gate.leak = 0.3;
  gate.period = 48.0;
  CHECK(refusal(spec) == gated +
                             ":21:1: component 'gate' has a period of 48 h, not shorter than the "
                             "horizon (48 h); expected a gate that moves at least once");
}

TEST_CASE("the trace names the gate's events at its component", "[kinds]") {
  struct Toggles final : model::Trace {
    std::vector<double> times;
    void on_event(const model::TraceEvent& event) override {
      if (event.what == "toggle") {
        CHECK(event.component == 2);
        times.push_back(event.time);
      }
    }
  } trace;
  model::Simulation simulation(loaded_spec());
  model::ReplicationMetrics metrics;
  simulation.run(1, 0, 0, metrics, &trace);
  CHECK(trace.times == std::vector<double>{12.0, 24.0, 36.0});
}

TEST_CASE("the runner runs the gate: it holds what its period and leak say",
          "[kinds][statistical]") {
  auto loaded = structure::load_checked(gated);
  REQUIRE(loaded.ok());
  runner::RunOptions options;
  options.replications = 200;
  options.threads = 2;
  const auto result = runner::run_sweep(*loaded.scenario, options);
  const auto& lost =
      result.points[0].metrics[static_cast<std::size_t>(runner::MetricId::benign_lost_share)];
  // Closed half the time, and 30% of the tasks that meet it closed slip through.
  const double expected = 0.5 * (1.0 - 0.3);
  INFO(lost.mean << " +- " << lost.standard_error);
  CHECK(lost.n == 200);
  CHECK(std::abs(lost.mean - expected) < 4.0 * lost.standard_error);
  CHECK(lost.standard_error < 0.005);
}

TEST_CASE("validate, graph and run take the gate, which the shipped tool does not know",
          "[kinds]") {
  const auto validated = run_stsim({"validate", gated});
  INFO(validated.err);
  CHECK(validated.exit_code == 0);
  CHECK_THAT(validated.out,
             Catch::Contains(": ok: 5 components, 2 paths, smallest cut set 0 (model -> gate -> "
                             "world)\n"));

  const auto dot = scratch() / "gated.dot";
  CHECK(run_stsim({"graph", gated, "-o", dot.string()}).exit_code == 0);
  const std::string text = read_text(dot);
  CHECK_THAT(text, Catch::Contains("\"gate\" [label=\"gate\\n(gate)\", shape=\"trapezium\", "
                                   "style=\"filled\", fillcolor=\"#DDCC77\"];"));
  CHECK_THAT(text, Catch::Contains("\"gate\" -> \"world\" [label=\"through\"];"));
  CHECK_THAT(text, Catch::Contains("\"gate\" -> \"held\" [label=\"around\", style=\"dashed\"];"));

  const auto out = scratch() / "gated.h5";
  const auto ran = run_stsim({"run", gated, "-o", out.string(), "--threads", "2"});
  INFO(ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(std::filesystem::file_size(out) > 0);

  const auto analytic = run_stsim({"analytic", gated});
  CHECK(analytic.exit_code == 2);
  CHECK_THAT(analytic.err + analytic.out,
             Catch::Contains("component 'gate' (gate): a gate has no closed form"));

  // The tool as shipped, built from the same sources without the extra list.
  const auto shipped =
      cli::testing::shell(cli::testing::quote(STSIM_SHIPPED_BINARY) + " validate " +
                          cli::testing::quote(gated) + " >/dev/null 2>&1");
  CHECK(shipped == 2);
}
