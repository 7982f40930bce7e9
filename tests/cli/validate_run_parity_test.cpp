// Every fault `run` reports before its first replication is reported by `validate` too,
// with the same message and exit 2 (issues 18 and 20): the submission script validates
// once, and a fault it misses fails every array task of a cluster job after queueing.
// Each case below but the coupling validated with exit 0 before validate made run's
// checks (the coupling is here because the issue listed it; validate caught it already).

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "tests/cli/run_stsim.h"
#include "tests/support/sweep_scenario.h"

namespace fs = std::filesystem;
using namespace stsim::cli::testing;
using stsim::cli::exit_invalid_input;

namespace {

struct Fault {
  std::string name;
  std::string text;                    // the scenario
  std::vector<std::string> arguments;  // given to both commands
  std::string message;                 // what both must say
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The end-to-end sweep without its [sweep] section: one point.
std::string single_point() {
  const auto& text = stsim::test::sweep_scenario;
  return text.substr(0, text.find("[sweep]"));
}

std::string grid_of(const std::vector<std::string>& paths, int values) {
  std::string list;
  for (int v = 1; v <= values; ++v) list += (v > 1 ? ", " : "") + std::to_string(v);
  std::string text = single_point() + "[sweep]\ndesign = \"grid\"\n";
  for (const auto& path : paths)
    text += "[[sweep.dimensions]]\npath = \"" + path + "\"\nvalues = [" + list + "]\n";
  return text;
}

std::vector<Fault> faults() {
  const auto& sweep = stsim::test::sweep_scenario;
  return {
      {"a misspelt precision metric",
       sweep + "[sweep.precision]\nmetric = \"harm_rat\"\nrelative_error = 0.1\n",
       {},
       "error: unknown precision metric 'harm_rat'; expected a metric of docs/output.md such as "
       "harm_rate"},
      {"an ai with no pass edge",
       replaced(single_point(), "next = { pass = \"world\", refuse = \"refused\" }",
                "next = { refuse = \"refused\", defer = \"review\" }"),
       {},
       "error: component 'model': no edge from port 'pass'"},
      {"a coupling without 'with'",
       single_point() +
           "[guard]\nkind = \"safeguard\"\ndetect_error = 0.5\n"
           "coupling = { demand_beta = 0.5 }\nnext = { pass = \"world\", block = \"refused\" }\n",
       {},
       "error: component 'guard' sets coupling.demand_beta, coupling.latent_beta or "
       "coupling.difficulty_correlation but no coupling.with"},
      {"a swept horizon",
       single_point() + "[sweep]\ndesign = \"grid\"\n[[sweep.dimensions]]\n"
                        "path = \"scenario.horizon\"\nvalues = [\"1d\", \"2d\"]\n",
       {},
       "error: 'scenario.horizon' and 'scenario.time_bins' cannot vary within a sweep"},
      {"a context weight of 1e308 (the weights' sum would overflow)",
       replaced(replaced(single_point(), "weight = 0.8", "weight = 1e308"), "weight = 0.2",
                "weight = 1e308"),
       {},
       ":10:10: error: 'contexts.routine.weight' must be a number > 0 and <= 1e12; got 1e+308"},
      {"a severity of 1e308 (the sum of harms would overflow)",
       replaced(single_point(), "hazardous = true", "hazardous = true\nseverity = 1e308"),
       {},
       ":12:12: error: 'contexts.routine.severity' must be a number >= 0 and <= 1e12; got 1e+308"},
      {"a review_cv of 1e308",
       replaced(single_point(), "count = 2", "count = 2\nreview_cv = 1e308"),
       {},
       "error: 'review.review_cv' must be a number >= 0 and <= 100; got 1e+308"},
      {"a rate of 1e308/h",
       replaced(single_point(), "rate = \"20/h\"", "rate = \"1e308/h\""),
       {},
       "error: 'users.rate' must be a rate > 0 and <= 1e12/h; got \"1e308/h\""},
      {"a latent failure rate of 1e308/h",
       single_point() + "[guard]\nkind = \"safeguard\"\nlatent_failure_rate = \"1e308/h\"\n"
                        "next = { pass = \"world\", block = \"refused\" }\n",
       {},
       "error: 'guard.latent_failure_rate' must be a rate >= 0 and <= 1e12/h; got \"1e308/h\""},
      {"a horizon of 1e308 h",
       replaced(single_point(), "horizon = \"10d\"", "horizon = 1e308"),
       {},
       "error: 'scenario.horizon' must be a duration > 0 and <= 1e7h; got 1e+308"},
      {"a profile multiplier of 1e308",
       replaced(single_point(), "rate = \"20/h\"", "rate = \"20/h\"\nprofile = [1, 1e308]"),
       {},
       "error: 'users.profile[1]' must be a number >= 0 and <= 1e9; got 1e+308"},
      {"a proof-test interval of 1e-300 s",
       single_point() + "[guard]\nkind = \"safeguard\"\ntest_interval = \"1e-300s\"\n"
                        "next = { pass = \"world\", block = \"refused\" }\n",
       {},
       ":1:1: error: one replication is expected to take about 8.64e305 events (tasks and their "
       "steps, failures, proof tests and profile slices over the horizon), more than 1e11, "
       "which cannot finish in reasonable time; check the units of the rates, intervals and "
       "horizon, or set scenario.event_limit to run that long anyway"},
      {"rates that are each in range, but too many events together",
       replaced(replaced(single_point(), "rate = \"20/h\"", "rate = \"1e9/h\""),
                "horizon = \"10d\"", "horizon = \"1y\""),
       {},
       "error: one replication is expected to take about 1.752e13 events"},
      {"time_bins at its maximum",
       replaced(single_point(), "time_bins = 5", "time_bins = 4294967295"),
       {},
       "error: the run would need about 550 GB of memory by estimate (1 point(s) of 5 "
       "component(s), 1 operator pool(s) and 4294967295 time bin(s)), above the budget of 8 GB"},
      {"a grid of 1e9 points",
       grid_of({"users.rate", "review.count", "model.refusal_threshold"}, 1000),
       {},
       "error: the run would need about 5.7e+04 GB of memory by estimate (1000000000 point(s)"},
      {"a budget set lower than the run needs",
       sweep,
       {"--memory-limit", "0.01"},
       "error: the run would need about 0.0506 GB of memory by estimate (4 point(s) of 5 "
       "component(s), 1 operator pool(s) and 5 time bin(s)), above the budget of 0.01 GB; make "
       "the sweep or scenario.time_bins smaller, or raise the budget with --memory-limit"},
      {"more slices than points",
       sweep,
       {"--shard", "5/5"},
       "stsim: error: --shard 5/5: the sweep has only 4 point(s), so at most 4 slice(s)"},
      {"a slice that does not exist",
       sweep,
       {"--shard", "3/2"},
       "stsim: error: --shard 3/2: K must be between 1 and 2"},
      {"an override that does not parse",
       sweep,
       {"--set", "nonsense"},
       "<command line>:1:1: error: --set 'nonsense': "},
  };
}

}  // namespace

TEST_CASE("validate reports every fault run reports before its first replication, alike",
          "[validate][parity]") {
  int n = 0;
  for (const auto& fault : faults()) {
    INFO(fault.name);
    const auto file = (scratch() / ("parity-" + std::to_string(n++) + ".toml")).string();
    std::ofstream(file) << fault.text;
    std::vector<std::string> validate_args = {"validate", file};
    validate_args.insert(validate_args.end(), fault.arguments.begin(), fault.arguments.end());
    const auto out = (scratch() / "parity.h5").string();
    std::vector<std::string> run_args = {"run", file, "-o", out, "--progress", "none"};
    run_args.insert(run_args.end(), fault.arguments.begin(), fault.arguments.end());

    const auto validated = run_stsim(validate_args);
    const auto ran = run_stsim(run_args);
    INFO("validate: " << validated.err << "run: " << ran.err);
    CHECK(validated.exit_code == exit_invalid_input);
    CHECK(ran.exit_code == exit_invalid_input);
    CHECK_THAT(validated.err, Catch::Contains(fault.message));
    CHECK(validated.err == ran.err);
    CHECK(validated.out.empty());
    CHECK_FALSE(fs::exists(out));
  }
}
