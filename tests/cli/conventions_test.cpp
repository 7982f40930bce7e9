// The command line's conventions: -q/--quiet and -v/--verbose, --version and the
// build's features, messages for out-of-range options, validate's plan summary, the
// warnings of likely unit slips, and graph's use of --set.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/output/hdf5_file.h"
#include "tests/cli/run_stsim.h"

using stsim::cli::testing::fixture;
using stsim::cli::testing::lines_of;
using stsim::cli::testing::run_stsim;
using stsim::cli::testing::scratch;

namespace {

std::string write(const std::string& name, const std::string& text) {
  const auto path = (scratch() / name).string();
  std::ofstream(path) << text;
  return path;
}

// A small system whose slips each test adds: 60 tasks a day, a model, an outcome.
const std::string small = R"([scenario]
horizon = "2d"
replications = 4

[users]
kind = "source"
rate = "60/d"
next = "model"

[model]
kind = "ai"
reliability = 0.9
next = "world"

[world]
kind = "outcome"
)";

}  // namespace

TEST_CASE("quiet prints only errors and warnings, before or after the subcommand",
          "[conventions]") {
  const auto out = (scratch() / "quiet.h5").string();
  for (const auto& arguments :
       {std::vector<std::string>{"-q", "run", fixture("layered.toml"), "-o", out, "--reps", "2"},
        std::vector<std::string>{"run", fixture("layered.toml"), "-o", out, "--reps", "2",
                                 "--quiet"}}) {
    std::filesystem::remove(out);
    const auto run = run_stsim(arguments);
    CHECK(run.exit_code == stsim::cli::exit_ok);
    CHECK(run.out.empty());
    CHECK(run.err.empty());
    CHECK(std::filesystem::exists(out));
  }
  // Without it, run says what it does and prints the file and its table.
  std::filesystem::remove(out);
  const auto loud =
      run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2", "--progress", "none"});
  CHECK(loud.err.rfind("stsim: running cli-layered", 0) == 0);
  CHECK(loud.out.rfind(out + "\n", 0) == 0);

  const auto valid = run_stsim({"validate", "-q", fixture("layered.toml")});
  CHECK(valid.exit_code == stsim::cli::exit_ok);
  CHECK(valid.out.empty());
  CHECK(valid.err.empty());
  // Errors and warnings still show.
  const auto invalid = run_stsim({"-q", "validate", fixture("loop.toml")});
  CHECK(invalid.exit_code == stsim::cli::exit_invalid_input);
  CHECK_FALSE(invalid.err.empty());
  const auto slip = write("quiet-slip.toml", small + "\n");
  const auto warned = run_stsim({"-q", "validate", slip, "--set", "scenario.horizon=3m"});
  CHECK(warned.exit_code == stsim::cli::exit_ok);
  CHECK(warned.out.empty());
  CHECK(warned.err.find("warning: 'scenario.horizon' is 3 minutes") != std::string::npos);

  const auto both = run_stsim({"-q", "-v", "validate", fixture("layered.toml")});
  CHECK(both.exit_code == stsim::cli::exit_invalid_input);
  CHECK(both.err.rfind("stsim: error: --quiet excludes --verbose", 0) == 0);
}

TEST_CASE("the version lists the build's features", "[conventions]") {
  const auto run = run_stsim({"--version"});
  CHECK(run.exit_code == stsim::cli::exit_ok);
  const auto lines = lines_of(run.out);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].rfind("stsim 0.", 0) == 0);
#if STSIM_TEST_WITH_MPI
  CHECK(lines[1].rfind("MPI: built in (Open MPI v", 0) == 0);
#else
  CHECK(lines[1] == "MPI: not built in (configure with -DSTSIM_MPI=ON, Open MPI installed)");
#endif
  CHECK(lines[2] == "HDF5: " + stsim::output::hdf5_version());
  CHECK(lines[2].rfind("HDF5: 1.", 0) == 0);
#if defined(__clang__)
  const std::string compiler = "compiler: clang++ " + std::to_string(__clang_major__) + ".";
#else
  const std::string compiler = "compiler: g++ " + std::to_string(__GNUC__) + ".";
#endif
  CHECK(lines[3].rfind(compiler, 0) == 0);
  CHECK(lines[3].find(" build") != std::string::npos);
  CHECK(lines[4].rfind("sanitizers: ", 0) == 0);
}

TEST_CASE("an out-of-range option says what it means", "[conventions]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--threads", "0"},
       "stsim: error: --threads: expected the number of worker threads, a whole number of 1 or "
       "more; got 0\n"},
      {{"--threads", "2.5"},
       "stsim: error: --threads: expected the number of worker threads, a whole number of 1 or "
       "more; got 2.5\n"},
      {{"--reps", "0"},
       "stsim: error: --reps: expected the number of replications per point, a whole number of "
       "1 or more; got 0\n"},
      {{"--until-rel-error", "-1"},
       "stsim: error: --until-rel-error: expected a relative error (0.05 for 5%), a number above "
       "0; got -1\n"},
  };
  for (const auto& [options, message] : cases) {
    std::vector<std::string> arguments = {"run", fixture("layered.toml"), "-o",
                                          (scratch() / "never.h5").string()};
    arguments.insert(arguments.end(), options.begin(), options.end());
    const auto run = run_stsim(arguments);
    INFO(options[0] << " " << options[1]);
    CHECK(run.exit_code == stsim::cli::exit_invalid_input);
    CHECK(run.err == message + "(`stsim run --help` lists the options)\n");
    CHECK_FALSE(std::filesystem::exists(scratch() / "never.h5"));
  }
}

TEST_CASE("validate prints the plan: points, replications, tasks, horizon, a time estimate",
          "[conventions]") {
  const auto file = write("plan.toml", small + R"(
[sweep]
[[sweep.dimensions]]
path = "model.reliability"
values = [0.9, 0.99, 0.999]
)");
  const auto run = run_stsim({"validate", file});
  CHECK(run.exit_code == stsim::cli::exit_ok);
  const auto lines = lines_of(run.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].rfind(file + ": ok: 3 components", 0) == 0);
  // 60 a day for 2 days.
  CHECK(lines[1] == "  plan: 3 points x 4 replications = 12 replications, about 120 tasks each");
  CHECK(lines[2] == "  horizon: 2 days per replication; seed 1; common random numbers");
  // "  estimated time: T s of CPU in all, W s on N cores (an estimate: K calibration tasks
  // took U us of CPU each)": T is the 12 replications' 120 tasks at U each.
  const std::string& estimate = lines[3];
  const std::string start = "  estimated time: ", took = " calibration tasks took ";
  REQUIRE(estimate.rfind(start, 0) == 0);
  REQUIRE(estimate.find(" s of CPU in all, ") != std::string::npos);
  REQUIRE(estimate.find(took) != std::string::npos);
  CHECK(estimate.substr(estimate.size() - 16) == " us of CPU each)");
  const double cpu_seconds = std::stod(estimate.substr(start.size()));
  const double per_task_us = std::stod(estimate.substr(estimate.find(took) + took.size()));
  CHECK(per_task_us > 0.0);
  CHECK(cpu_seconds == Approx(12 * 120 * per_task_us * 1e-6).epsilon(0.1));

  const auto verbose = run_stsim({"validate", "--verbose", file});
  const auto every = lines_of(verbose.out);
  REQUIRE(every.size() == 7);
  CHECK(every[4] == "  point 0: about 120 tasks per replication: model.reliability=0.9");
  CHECK(every[6] == "  point 2: about 120 tasks per replication: model.reliability=0.999");

  const auto precision = run_stsim({"validate", file, "--until-rel-error", "0.1"});
  const auto planned = lines_of(precision.out);
  REQUIRE(planned.size() == 4);
  CHECK(planned[1] ==
        "  plan: 3 points x 100 to 10,000 replications (until the relative error of harm_rate is "
        "at most 0.1, checked every 50), about 120 tasks each");
  CHECK(planned[3].find("if every point stops at 100 replications") != std::string::npos);
  CHECK(planned[3].find("if every point runs all 10,000") != std::string::npos);
}

TEST_CASE("likely unit slips are warned of, at the value, by validate and run", "[conventions]") {
  SECTION("a horizon under an hour") {
    std::string text = small;
    text.replace(text.find("\"2d\""), 4, "\"3m\"");
    const auto file = write("minutes.toml", text);
    const std::string warning =
        file +
        ":2:11: warning: 'scenario.horizon' is 3 minutes: each replication simulates only that; "
        "a horizon under an hour is usually a slip of units (m is minutes: write \"90d\" for 90 "
        "days, \"12w\" for 12 weeks)\n";
    const auto validated = run_stsim({"validate", file});
    CHECK(validated.exit_code == stsim::cli::exit_ok);
    CHECK(validated.err == warning);
    const auto out = (scratch() / "minutes.h5").string();
    const auto run = run_stsim({"run", file, "-o", out, "--progress", "none"});
    CHECK(run.exit_code == stsim::cli::exit_ok);
    CHECK(run.err.rfind(warning, 0) == 0);  // the run goes on as written
    CHECK(std::filesystem::exists(out));
    const auto set =
        run_stsim({"validate", write("hours.toml", small), "--set", "scenario.horizon=0.5"});
    CHECK(set.err ==
          "<command line>:1:18: warning: 'scenario.horizon' is 30 minutes: each replication "
          "simulates only that; a horizon under an hour is usually a slip of units (m is "
          "minutes: write \"90d\" for 90 days, \"12w\" for 12 weeks)\n");
  }
  SECTION("a relative error above 1") {
    const auto file = write("percent.toml", small +
                                                "\n[sweep.precision]\nmetric = \"harm_rate\"\n"
                                                "relative_error = 5\n");
    const auto run = run_stsim({"validate", file});
    CHECK(run.exit_code == stsim::cli::exit_ok);
    CHECK(run.err == file +
                         ":20:18: warning: the target relative error is 5 (500%): a relative "
                         "error is a fraction of the estimate, so 5% is 0.05; as written, a point "
                         "stops as soon as its standard error is below 5 times its estimate\n");
    const auto option =
        run_stsim({"validate", write("fixed.toml", small), "--until-rel-error", "2"});
    CHECK(option.err.rfind("<command line>:1:1: warning: the target relative error is 2 (200%)",
                           0) == 0);
    const auto fraction =
        run_stsim({"validate", write("fine.toml", small), "--until-rel-error", "0.05"});
    CHECK(fraction.err.empty());
  }
  SECTION("a profile whose mean is not 1") {
    std::string text = small;
    text.replace(text.find("next = \"model\""), 0, "profile = [1, 1.2, 0.855]\n");
    const auto file = write("profile.toml", text);
    const auto run = run_stsim({"validate", file});
    CHECK(run.exit_code == stsim::cli::exit_ok);
    CHECK(run.err == file +
                         ":8:11: warning: the multipliers of 'users.profile' average 1.018, not "
                         "1, so 'users.rate' is not the mean rate: the source sends 61.1 a day on "
                         "average, not the 60 a day its rate says; divide the profile by 1.018 "
                         "to keep the rate as the mean\n");
    // Multipliers of mean 1 say nothing.
    text.replace(text.find("[1, 1.2, 0.855]"), 15, "[0.5, 1.5, 1]");
    CHECK(run_stsim({"validate", write("balanced.toml", text)}).err.empty());
  }
  SECTION("a precision run that stops at its maximum without meeting its target") {
    std::string text = small;
    text.replace(text.find("reliability = 0.9"), 17, "reliability = 1.0");
    const auto file = write("no-harm.toml", text + R"(
[sweep]
[[sweep.dimensions]]
path = "model.reliability"
values = [1.0, 0.9]

[sweep.precision]
metric = "harm_rate"
relative_error = 0.05
max_replications = 150
)");
    const auto out = (scratch() / "no-harm.h5").string();
    const auto run = run_stsim({"run", file, "-o", out, "--progress", "none"});
    CHECK(run.exit_code == stsim::cli::exit_ok);
    CHECK(run.err.find("stsim: warning: 1 of 2 point(s) stopped at max_replications (150) without "
                       "meeting the target relative error 0.05 of harm_rate (recorded per point "
                       "in /runtime/precision_target_met): point 0 (model.reliability=1): no "
                       "event in 150 replications to estimate it from\n") != std::string::npos);
    const stsim::output::ResultFile results(out);
    CHECK(results.integers("/runtime/precision_target_met") == std::vector<std::uint64_t>{0, 1});
  }
}

TEST_CASE("graph draws a --set of a swept path without a warning, validate still warns",
          "[conventions]") {
  const std::string scenario =
      std::string(STSIM_SOURCE_DIR) + "/scenarios/reliability-is-not-safety.toml";
  const auto graph = run_stsim({"graph", scenario, "--set", "model.next.pass=rules"});
  CHECK(graph.exit_code == stsim::cli::exit_ok);
  CHECK(graph.err.empty());
  CHECK(graph.out.find("\"model\" -> \"rules\" [label=\"pass\"]") != std::string::npos);
  const auto validate = run_stsim({"validate", scenario, "--set", "model.next.pass=rules"});
  CHECK(validate.err.rfind("<command line>:1:1: warning: --set 'model.next.pass' has no effect: "
                           "the sweep sets it at every point",
                           0) == 0);
}

TEST_CASE("verbose names each shard merge reads, and run's plan before it starts",
          "[conventions]") {
  const auto file = write("shards.toml", small + R"(
[sweep]
[[sweep.dimensions]]
path = "model.reliability"
values = [0.9, 0.99, 0.999]
)");
  std::vector<std::string> slices;
  for (const char* k : {"1", "2"}) {
    slices.push_back((scratch() / (std::string("slice-") + k + ".h5")).string());
    REQUIRE(run_stsim({"-q", "run", file, "--shard", std::string(k) + "/2", "-o", slices.back()})
                .exit_code == stsim::cli::exit_ok);
  }
  const auto out = (scratch() / "merged.h5").string();
  const auto merged = run_stsim({"merge", slices[0], slices[1], "-o", out, "-v"});
  CHECK(merged.exit_code == stsim::cli::exit_ok);
  // Points 0 and 2 are slice 1's, point 1 is slice 2's, 4 replications each.
  CHECK(merged.err == "stsim merge: " + slices[0] + ": slice 1 of 2, 8 replication(s)\n" +
                          "stsim merge: " + slices[1] + ": slice 2 of 2, 4 replication(s)\n");
  CHECK(run_stsim({"merge", slices[0], slices[1], "-o", out}).err.empty());

  const auto run = run_stsim(
      {"-v", "run", file, "-o", (scratch() / "verbose.h5").string(), "--progress", "none"});
  CHECK(run.exit_code == stsim::cli::exit_ok);
  CHECK(run.err.rfind("  plan: 3 points x 4 replications = 12 replications, about 120 tasks "
                      "each\n",
                      0) == 0);
  CHECK(run.err.find("  point 2: about 120 tasks per replication: model.reliability=0.999\n"
                     "stsim: running") != std::string::npos);
}
