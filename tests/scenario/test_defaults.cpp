// What a scenario gets for every key it leaves out.

#include <catch2/catch.hpp>

#include "sim/scenario/parameters.h"
#include "sim/scenario/scenario.h"
#include "tests/scenario/texts.h"

using namespace stsim;
using namespace stsim::scenario;

TEST_CASE("left-out keys take the documented defaults", "[defaults]") {
  const std::string text = std::string(testing::minimal_text) + R"toml(
[model]
kind = "ai"
[filter]
kind = "safeguard"
[review]
kind = "operators"
[check]
kind = "audit"
[guard]
kind = "defence"
)toml";
  const auto result = load_string(text, "dir/my-scenario.toml");
  REQUIRE(result.ok());
  const auto& spec = result.scenario->spec;
  CHECK(spec.name == "my-scenario");  // the file's stem
  CHECK(spec.description.empty());
  CHECK(spec.horizon == 365 * 24.0);
  CHECK(spec.seed == 1);
  CHECK(spec.replications == 100);
  CHECK(spec.time_bins == 52);
  CHECK(spec.pause_after_harm == 0.0);
  CHECK(spec.event_limit == 0);

  // No [contexts.*]: one context "default".
  REQUIRE(spec.contexts.size() == 1);
  const auto& context = spec.contexts[0];
  CHECK(context.name == "default");
  CHECK(context.weight == 1.0);
  CHECK(context.hazardous);
  CHECK(context.severity == 1.0);
  CHECK(context.malicious_share == 0.0);
  CHECK(context.observability == 1.0);

  REQUIRE(spec.components.size() == 7);
  const auto& source = std::get<model::SourceSpec>(spec.components[0].parameters);
  CHECK(source.rate == 10.0);
  CHECK(source.profile.empty());
  CHECK(source.profile_period == 24.0);
  CHECK(std::get<model::OutcomeSpec>(spec.components[1].parameters).acted);

  const auto& ai = std::get<model::AiSpec>(spec.components[2].parameters);
  CHECK(ai.reliability == 0.99);
  CHECK(ai.reliability_by_context.empty());
  CHECK(ai.commission_share == 1.0);
  CHECK(ai.refusal_threshold == model::infinity);
  CHECK(ai.defer_threshold == -model::infinity);
  CHECK(ai.confidence_separation == 2.0);
  CHECK(spec.components[2].next.empty());

  const auto& safeguard = std::get<model::SafeguardSpec>(spec.components[3].parameters);
  CHECK(safeguard.detect_error == 0.9);
  CHECK(safeguard.detect_misuse == 0.0);
  CHECK(safeguard.false_alarm == 0.01);
  CHECK(safeguard.blocks);
  CHECK(safeguard.latent_failure_rate == 0.0);
  CHECK(safeguard.test_interval == 0.0);
  CHECK(safeguard.repair_time == 0.0);
  CHECK(safeguard.coupling.with.empty());
  CHECK(safeguard.coupling.demand_beta == 0.0);
  CHECK(safeguard.coupling.latent_beta == 0.0);
  CHECK(safeguard.coupling.difficulty_correlation == 0.0);

  const auto& operators = std::get<model::OperatorSpec>(spec.components[4].parameters);
  CHECK(operators.count == 1);
  CHECK(operators.review_time == 0.05);
  CHECK(operators.review_distribution == model::ServiceDistribution::exponential);
  CHECK(operators.review_cv == 1.0);
  CHECK(operators.max_queue == std::numeric_limits<std::uint32_t>::max());
  CHECK(operators.shift_length == 8.0);
  CHECK(operators.detect == 0.9);
  CHECK(operators.vigilance_floor == 1.0);
  CHECK(operators.vigilance_time_constant == 2.0);
  CHECK(operators.trust_initial == 0.5);
  CHECK(operators.trust_gain == 0.0);
  CHECK(operators.trust_loss == 0.0);
  CHECK(operators.automation_bias == 0.0);
  CHECK(operators.alarm_memory == 20.0);
  CHECK(operators.alarm_credibility_initial == 1.0);
  CHECK(operators.workload_scale == model::infinity);
  CHECK(operators.false_reject == 0.0);
  CHECK(operators.slip == 0.0);
  CHECK_FALSE(operators.drift.enabled);
  CHECK(operators.drift.time_constant == 90 * 24.0);
  CHECK(operators.drift.floor == 0.2);
  CHECK(operators.drift.after_harm == 1.0);

  const auto& audit = std::get<model::AuditSpec>(spec.components[5].parameters);
  CHECK(audit.sample == 0.05);
  CHECK(audit.detect == 0.95);
  CHECK_FALSE(audit.drift.enabled);

  const auto& defence = std::get<model::DefenceSpec>(spec.components[6].parameters);
  CHECK(defence.detect_misuse == 0.5);
  CHECK(defence.detect_error == 0.0);
  CHECK(defence.false_alarm == 0.0);

  const auto& sweep = result.scenario->sweep;
  CHECK(sweep.design == SweepDesign::none);
  CHECK(sweep.dimensions.empty());
  CHECK(sweep.relative_error == 0.0);
  CHECK(result.scenario->text == text);
  CHECK(result.scenario->file == "dir/my-scenario.toml");
}

TEST_CASE("sweep defaults", "[defaults]") {
  const auto result = load_string(std::string(testing::minimal_text) + R"toml(
[[sweep.dimensions]]
path = "users.rate"
values = [1, "2/h"]
[sweep.precision]
metric = "harm_rate"
relative_error = 0.1
)toml",
                                  "sweep.toml");
  REQUIRE(result.ok());
  const auto& sweep = result.scenario->sweep;
  CHECK(sweep.design == SweepDesign::grid);
  CHECK(sweep.design_seed == 1);
  CHECK(sweep.common_random_numbers);
  CHECK(sweep.baseline.empty());
  REQUIRE(sweep.dimensions.size() == 1);
  CHECK(sweep.dimensions[0].values ==
        std::vector<ParameterValue>{std::int64_t{1}, std::string("2/h")});
  CHECK(sweep.dimensions[0].labels.empty());
  CHECK_FALSE(sweep.dimensions[0].log_scale);
  CHECK(sweep.dimensions[0].where.line == 8);  // minimal_text has 6 lines, then a blank one
  // Unset counts stay 0: the runner applies one set of defaults, the same for
  // [sweep.precision] and for --until-rel-error.
  CHECK(sweep.min_replications == 0);
  CHECK(sweep.max_replications == 0);
  CHECK(sweep.block_size == 0);
  CHECK(stsim::scenario::default_min_replications == 100);
  CHECK(stsim::scenario::default_max_replications == 10000);
  CHECK(stsim::scenario::default_precision_block_size == 50);
}

TEST_CASE("a sampled sweep keeps its bounds", "[defaults]") {
  const auto result = load_string(testing::sampled_text, "lhs.toml");
  REQUIRE(result.ok());
  const auto& sweep = result.scenario->sweep;
  CHECK(sweep.design == SweepDesign::latin_hypercube);
  CHECK(sweep.points == 16);
  CHECK(sweep.design_seed == 7);
  REQUIRE(sweep.dimensions.size() == 2);
  CHECK(sweep.dimensions[0].low == 0.5);
  CHECK(sweep.dimensions[0].high == 0.999);
  CHECK(sweep.dimensions[1].log_scale);
}
