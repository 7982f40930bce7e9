// --rare-event: importance sampling is refused, naming the feature, where its weights
// would be biased (per task, a finite queue's cycles, the latent failures' proof-test
// intervals); auto says what it chose; an unknown method is an error.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "sim/cli/commands.h"
#include "tests/cli/run_stsim.h"

using stsim::cli::testing::fixture;
using stsim::cli::testing::run_stsim;
using stsim::cli::testing::scratch_path;

TEST_CASE("rare-event importance refuses trust learning and finite queues, naming them",
          "[rare-event]") {
  const auto out = scratch_path("rare-refused.h5");
  const auto trust = run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2",
                                "--rare-event", "importance", "--set", "review.trust_gain=0.1",
                                "--set", "review.automation_bias=0.5"});
  CHECK(trust.exit_code == stsim::cli::exit_invalid_input);
  CHECK(trust.err.find("importance sampling does not apply here: component 'review' "
                       "(operators): trust learning") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));

  const auto queue =
      run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2", "--rare-event",
                 "importance", "--set", "review.review_distribution=\"lognormal\""});
  CHECK(queue.exit_code == stsim::cli::exit_invalid_input);
  CHECK(queue.err.find("component 'review' (operators): finite queue (max_queue = 20): whether "
                       "a task overflows depends on the tasks routed there before it, and the "
                       "queue's change of measure does not apply: component 'review' "
                       "(operators): review_distribution is not exponential") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));

  // validate makes the same check.
  const auto valid = run_stsim({"validate", fixture("layered.toml"), "--rare-event", "importance",
                                "--set", "review.review_distribution=\"lognormal\""});
  CHECK(valid.exit_code == stsim::cli::exit_invalid_input);
  CHECK(valid.err.find("finite queue (max_queue = 20)") != std::string::npos);
}

TEST_CASE("rare-event importance refuses a finite queue its change of measure cannot take",
          "[rare-event]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"users.profile=[1.0, 2.0]",
       "component 'users' (source): profile: a time-varying "
       "arrival rate"},
      {"scenario.episode_tasks=100",
       "scenario.episode_tasks: an episode's end counts tasks, which the change of measure "
       "makes more of"},
      {"review.review_distribution=\"fixed\"",
       "component 'review' (operators): review_distribution is not exponential"},
      {"review.review_time=\"6m\"",
       "component 'review' (operators): arrivals at least as fast as reviews (rho >= 1)"},
  };
  for (const auto& [set, message] : cases) {
    const auto r =
        run_stsim({"validate", fixture("queue.toml"), "--rare-event", "importance", "--set", set});
    INFO(set << ": " << r.err);
    CHECK(r.exit_code == stsim::cli::exit_invalid_input);
    CHECK(r.err.find("finite queue (max_queue = 8): whether a task overflows depends on the "
                     "tasks routed there before it, and the queue's change of measure does not "
                     "apply: " +
                     message) != std::string::npos);
  }
  // Two sources, two pools: written out, since --set adds no component.
  const auto text = std::string(
      "[scenario]\nname = \"two\"\nhorizon = \"100h\"\nrare_event = \"importance\"\n"
      "[a]\nkind = \"source\"\nnext = \"first\"\n"
      "[b]\nkind = \"source\"\nnext = \"second\"\n"
      "[first]\nkind = \"operators\"\nmax_queue = 4\n"
      "next = { pass = \"world\", block = \"world\", overflow = \"world\" }\n"
      "[second]\nkind = \"operators\"\n"
      "next = { pass = \"world\", block = \"world\", overflow = \"world\" }\n"
      "[world]\nkind = \"outcome\"\nacted = true\n");
  const auto two = scratch_path("rare-two.toml");
  std::ofstream(two) << text;
  const auto sources = run_stsim({"validate", two});
  CHECK(sources.exit_code == stsim::cli::exit_invalid_input);
  CHECK(sources.err.find("does not apply: more than one source: the change of measure twists "
                         "one arrival process") != std::string::npos);
  const auto chain = scratch_path("rare-chain.toml");
  std::ofstream(chain) << std::string(
      "[scenario]\nname = \"chain\"\nhorizon = \"100h\"\nrare_event = \"importance\"\n"
      "[a]\nkind = \"source\"\nnext = \"first\"\n"
      "[first]\nkind = \"operators\"\nmax_queue = 4\n"
      "next = { pass = \"second\", block = \"world\", overflow = \"world\" }\n"
      "[second]\nkind = \"operators\"\n"
      "next = { pass = \"world\", block = \"world\", overflow = \"world\" }\n"
      "[world]\nkind = \"outcome\"\nacted = true\n");
  const auto scheduled = scratch_path("rare-scheduled.toml");
  std::ofstream(scheduled) << std::string(
      "[scenario]\nname = \"scheduled\"\nhorizon = \"100h\"\nrare_event = \"importance\"\n"
      "[a]\nkind = \"source\"\nnext = \"first\"\n"
      "[first]\nkind = \"operators\"\nmax_queue = 4\n"
      "next = { pass = \"world\", block = \"world\", overflow = \"world\" }\n"
      "[world]\nkind = \"outcome\"\nacted = true\n"
      "[[schedule]]\nat = \"50h\"\nset = \"a.rate\"\nto = 20.0\n");
  const auto changed = run_stsim({"validate", scheduled});
  CHECK(changed.exit_code == stsim::cli::exit_invalid_input);
  CHECK(changed.err.find("does not apply: [[schedule]]: a scheduled change may move the rates "
                         "the change of measure twists") != std::string::npos);
  const auto pools = run_stsim({"validate", chain});
  CHECK(pools.exit_code == stsim::cli::exit_invalid_input);
  CHECK(pools.err.find("does not apply: more than one operator pool: a cycle regenerates only "
                       "when every pool is empty") != std::string::npos);
}

TEST_CASE("rare-event importance refuses individual reviewers, naming them", "[rare-event]") {
  const auto out = scratch_path("rare-individual.h5");
  const auto run = run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2",
                              "--rare-event", "importance", "--set", "review.individual=true"});
  CHECK(run.exit_code == stsim::cli::exit_invalid_input);
  CHECK(run.err.find("importance sampling does not apply here: component 'review' (operators): "
                     "individual = true (reviewers with their own state): which reviewer takes "
                     "a task depends on the earlier tasks' reviews") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE(
    "rare-event importance takes proof-tested latent failures, and refuses what breaks "
    "the renewal at a proof test, naming it",
    "[rare-event]") {
  // A vote's two channels and a safeguard after them, every latent component tested at
  // once every 10 h and repaired at once: the latent change of measure applies.
  auto pair_file = [](const std::string& name, const std::string& vote_extra,
                      const std::string& guard_extra) {
    const auto path = scratch_path(name);
    std::ofstream(path) << std::string(
        "[scenario]\nname = \"pair\"\nhorizon = \"100h\"\nrare_event = \"importance\"\n"
        "[users]\nkind = \"source\"\nnext = \"model\"\n"
        "[model]\nkind = \"ai\"\nnext = \"pair\"\n"
        "[pair]\nkind = \"vote\"\nchannels = 2\nrequired = 1\nlatent_failure_rate = \"1e-4/h\"\n"
        "test_interval = \"10h\"\n" +
        vote_extra +
        "next = { pass = \"guard\", block = \"held\" }\n"
        "[guard]\nkind = \"safeguard\"\nlatent_failure_rate = \"1e-4/h\"\n" +
        guard_extra +
        "next = { pass = \"world\", block = \"held\" }\n"
        "[world]\nkind = \"outcome\"\nacted = true\n"
        "[held]\nkind = \"outcome\"\nacted = false\n");
    return path;
  };
  const std::string tested = "test_interval = \"10h\"\n";
  const auto accepted = run_stsim({"validate", pair_file("rare-latent-ok.toml", "", tested)});
  INFO(accepted.err);
  CHECK(accepted.exit_code == stsim::cli::exit_ok);

  const std::string prefix = "importance sampling does not apply here: component ";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {pair_file("rare-latent-staggered.toml", "staggered_tests = true\n", tested),
       "'pair' (vote): latent failures (latent_failure_rate > 0) with staggered_tests = true: a "
       "test renews one channel, not all, so the latent path before it still matters"},
      {pair_file("rare-latent-repair.toml", "", tested + "repair_time = \"1h\"\n"),
       "'guard' (safeguard): latent failures (latent_failure_rate > 0) with repair_time = 1 h: a "
       "channel found down stays down past the proof test, so the latent path before it still "
       "matters"},
      {pair_file("rare-latent-interval.toml", "", "test_interval = \"20h\"\n"),
       "'guard' (safeguard): latent failures (latent_failure_rate > 0) with test_interval = 20 "
       "h, while another latent component has 10 h: the latent change of measure needs every "
       "channel renewed at one proof test"},
      {pair_file("rare-latent-untested.toml", "", "test_interval = \"0h\"\n"),
       "'guard' (safeguard): latent failures (latent_failure_rate > 0) never proof-tested "
       "(test_interval = 0): the latent change of measure needs a proof test to renew the "
       "channels"},
  };
  for (const auto& [file, why] : refused) {
    const auto r = run_stsim({"validate", file});
    INFO(r.err);
    CHECK(r.exit_code == stsim::cli::exit_invalid_input);
    CHECK(r.err.find(prefix + why) != std::string::npos);
  }

  // Operators with latent failures; run refuses as validate does, writing nothing.
  const std::string operators =
      "'review' (operators): operators with latent failures: a review takes time, so a task "
      "meets the latent components at different times, and the queue carries state across "
      "proof-test intervals, which the latent change of measure does not follow";
  const auto out = scratch_path("rare-latent.h5");
  std::filesystem::remove(out);
  const auto layered =
      run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2", "--rare-event",
                 "importance", "--set", "review.max_queue=4294967295", "--set",
                 "filter.latent_failure_rate=0.001", "--set", "filter.test_interval=\"100h\""});
  INFO(layered.err);
  CHECK(layered.exit_code == stsim::cli::exit_invalid_input);
  CHECK(layered.err.find(prefix + operators) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));

  // auto falls back to plain Monte Carlo and says why.
  const auto fallback =
      run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2", "--rare-event", "auto",
                 "--progress", "none", "--set", "review.max_queue=4294967295", "--set",
                 "filter.latent_failure_rate=0.001", "--set", "filter.test_interval=\"100h\""});
  CHECK(fallback.exit_code == stsim::cli::exit_ok);
  CHECK(fallback.err.find("stsim: rare events: auto chose plain Monte Carlo: component " +
                          operators) != std::string::npos);
}

TEST_CASE("rare-event auto says what it chose and why", "[rare-event]") {
  const auto out = scratch_path("rare-auto.h5");
  std::filesystem::remove(out);
  const auto plain =
      run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2", "--rare-event", "auto",
                 "--progress", "none", "--set", "review.review_distribution=\"lognormal\""});
  CHECK(plain.exit_code == stsim::cli::exit_ok);
  CHECK(plain.err.find("stsim: rare events: auto chose plain Monte Carlo: component 'review' "
                       "(operators): finite queue") != std::string::npos);

  std::filesystem::remove(out);
  const auto queue = run_stsim(
      {"run", fixture("queue.toml"), "-o", out, "--rare-event", "auto", "--progress", "none"});
  CHECK(queue.exit_code == stsim::cli::exit_ok);
  CHECK(queue.err.find("stsim: rare events: auto chose importance sampling (balanced failure "
                       "biasing of per-task failures, each task weighted by its likelihood "
                       "ratio, and the change of measure of queue 'review' (arrivals and "
                       "reviews drawn at each other's rates from an empty pool until it is "
                       "full, over regenerative cycles))") != std::string::npos);

  std::filesystem::remove(out);
  const auto sampled =
      run_stsim({"run", fixture("layered.toml"), "-o", out, "--reps", "2", "--rare-event", "auto",
                 "--progress", "none", "--set", "review.max_queue=4294967295"});
  CHECK(sampled.exit_code == stsim::cli::exit_ok);
  CHECK(sampled.err.find("stsim: rare events: auto chose importance sampling (balanced failure "
                         "biasing") != std::string::npos);
}

TEST_CASE("rare-event takes none, importance or auto", "[rare-event]") {
  const auto bad = run_stsim({"run", fixture("layered.toml"), "--rare-event", "splitting"});
  CHECK(bad.exit_code == stsim::cli::exit_invalid_input);
  CHECK(bad.err.find("--rare-event") != std::string::npos);
  CHECK(bad.err.find("splitting") != std::string::npos);
}

namespace {

// The warning line `stsim run` prints when the diagnostics of the harm rate's importance
// sampling estimate say it is not yet to be trusted, for point 0 of a scenario with no
// sweep.
std::string untrusted_warning(const std::string& why) {
  return "stsim: warning: the importance sampling estimate of harm_rate is not yet trustworthy "
         "(see /rare_event; more replications help): point 0 (base): " +
         why + "\n";
}

// Runs `text` (a scenario) under importance sampling and returns what it printed on
// stderr.
std::string run_weighted(const std::string& name, const std::string& text) {
  const auto file = scratch_path(name + ".toml");
  std::ofstream(file) << text;
  const auto out = scratch_path(name + ".h5");
  std::filesystem::remove(out);
  const auto run = run_stsim({"run", file, "-o", out, "--progress", "none"});
  INFO(run.err);
  CHECK(run.exit_code == stsim::cli::exit_ok);
  return run.err;
}

// A model that errs with probability 0.001 straight into the world: every harm carries
// the same weight (0.001 / 0.5), so the effective sample is the number of harms seen.
std::string lone_model(const std::string& name, const std::string& horizon, int seed,
                       double reliability = 0.999) {
  return "[scenario]\nname = \"" + name + "\"\nhorizon = \"" + horizon +
         "\"\nseed = " + std::to_string(seed) +
         "\nreplications = 2\nrare_event = \"importance\"\n"
         "[users]\nkind = \"source\"\nrate = \"4/h\"\nnext = \"model\"\n"
         "[model]\nkind = \"ai\"\nreliability = " +
         std::to_string(reliability) +
         "\nnext = \"world\"\n"
         "[world]\nkind = \"outcome\"\nacted = true\n";
}

}  // namespace

// One test per warning of the diagnostics (docs/rare-events.md, Reading the diagnostics),
// each on a scenario built to trip that one alone: the whole warning line is asserted, so
// the others are absent.
TEST_CASE("rare-event warns of an effective sample below 30 events", "[rare-event]") {
  // 2 replications of 20 tasks: 22 harms under the biased draws, equally weighted (one
  // carries 1/22 of the estimate; relative error 0.05).
  const auto err = run_weighted("rare-few", lone_model("few", "5h", 2));
  CHECK(err.find(untrusted_warning("an effective sample of 22 events (< 30)")) !=
        std::string::npos);
}

TEST_CASE("rare-event warns when one event carries more than a tenth of the estimate",
          "[rare-event]") {
  // Routine harms need a miss at 0.001 (weight 0.002 each, about 2,500 of them); one
  // harm in a rare context, where the filter misses half the time, is drawn as written
  // and weighs 1: 0.169 of the estimate, with an effective sample of 35 and a relative
  // error of 0.17.
  const auto err = run_weighted("rare-heavy", R"([scenario]
name = "one-heavy-event"
horizon = "25h"
seed = 1
replications = 4
rare_event = "importance"

[contexts.routine]
weight = 0.9996

[contexts.odd]
weight = 0.0004

[users]
kind = "source"
rate = "100/h"
next = "model"

[model]
kind = "ai"
reliability = 0.5
next = "filter"

[filter]
kind = "safeguard"
detect_error = 0.999
detect_error_by_context = { odd = 0.5 }
next = { pass = "world", block = "held" }

[world]
kind = "outcome"
acted = true

[held]
kind = "outcome"
acted = false
)");
  CHECK(err.find(untrusted_warning("one event carries 0.169 of the estimate (> 0.1)")) !=
        std::string::npos);
}

TEST_CASE("rare-event warns of a relative error above 0.3", "[rare-event]") {
  // 31 equally weighted harms, but 2 replications that disagree (the standard error
  // over replications is itself uncertain with so few).
  const auto err = run_weighted("rare-spread", lone_model("spread", "9h", 8));
  CHECK(err.find(untrusted_warning("a relative error of 0.351 (> 0.3)")) != std::string::npos);
}

TEST_CASE("rare-event warns when no event was seen under the biased draws", "[rare-event]") {
  // A model that never errs: no harm to weigh.
  const auto err = run_weighted("rare-none", lone_model("none", "5h", 1, 1.0));
  CHECK(err.find(untrusted_warning("no event was seen under the biased draws")) !=
        std::string::npos);
}
