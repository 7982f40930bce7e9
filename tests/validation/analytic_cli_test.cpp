// `stsim analytic` end to end: exact values beside simulated ones, and a refusal with
// the reason for a scenario outside the analytic subset.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/validation/command.h"

namespace {

using stsim::validation::Output;

Output run(const std::string& arguments) { return stsim::validation::run_stsim(arguments); }

std::string scenario(const char* name) { return stsim::validation::scenario_path(name); }

}  // namespace

TEST_CASE("stsim analytic prints each exact value beside the simulated one", "[validation][cli]") {
  const auto out = run("analytic " + scenario("review-mmc.toml") + " --reps 10 --threads 2");
  INFO(out.text);
  CHECK(out.status == 0);
  CHECK_THAT(out.text, Catch::Contains("operator_mean_wait") && Catch::Contains("0.128571") &&
                           Catch::Contains("(steady state)") && Catch::Contains("95% interval") &&
                           Catch::Contains("operators 'review'"));
}

TEST_CASE("stsim analytic refuses a scenario outside the subset with the reason",
          "[validation][cli]") {
  struct Refusal {
    const char* scenario;
    const char* change;
    std::vector<std::string> reason;
  };
  const std::vector<Refusal> refusals = {
      {"review-mmc.toml",
       "review.vigilance_floor=0.5",
       {"outside the analytic subset", "'review'", "vigilance_floor"}},
      {"review-mmc.toml", "users.rate=25", {"grows without bound"}},
      {"control-upfront.toml",
       "audit.detect_by_context.default=0.5",
       {"outside the analytic subset",
        "component 'audit': detect_by_context: the control "
        "evaluation's closed form takes one detection"}},
  };
  for (const auto& refusal : refusals) {
    const auto out =
        run("analytic " + scenario(refusal.scenario) + " --set " + std::string(refusal.change));
    INFO(refusal.change << "\n" << out.text);
    CHECK(out.status == 2);
    for (const auto& part : refusal.reason) CHECK_THAT(out.text, Catch::Contains(part));
  }
}

TEST_CASE("stsim analytic: a latent-failure scenario reports the PFD avg", "[validation][cli]") {
  const auto out = run("analytic " + scenario("latent-1oo1.toml") + " --reps 20 --threads 2");
  INFO(out.text);
  CHECK(out.status == 0);
  CHECK_THAT(out.text, Catch::Contains("safeguard 'interlock': PFD avg") &&
                           Catch::Contains("harm_rate") &&
                           Catch::Contains("latent_failures_per_replication"));
}

TEST_CASE("stsim analytic --importance prints exact and simulated measures by layer",
          "[validation][cli]") {
  const auto out = run("analytic " + scenario("independent-layers.toml") +
                       " --importance --reps 50 --threads 2");
  INFO(out.text);
  CHECK(out.status == 0);
  CHECK_THAT(out.text, Catch::Contains("importance for harm_rate, 50 replications per point") &&
                           Catch::Contains("filter           raw") &&
                           Catch::Contains("exact measures inside the simulated 95% intervals"));
  const auto outside = run("analytic " + scenario("review-mmc.toml") +
                           " --importance --set review.vigilance_floor=0.5");
  INFO(outside.text);
  CHECK(outside.status == 2);
  CHECK_THAT(outside.text, Catch::Contains("error: outside the analytic subset: ") &&
                               Catch::Contains("vigilance_floor"));
}
