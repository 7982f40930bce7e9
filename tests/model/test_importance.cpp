// The importance counterfactuals each kind declares (sim/model/importance.h).

#include <catch2/catch.hpp>
#include <cmath>
#include <type_traits>

#include "sim/model/importance.h"
#include "sim/model/kinds.h"
#include "tests/model/helpers.h"

namespace stsim::model {
namespace {

using testing::every_kind;

// A layer kind without counterfactuals would silently drop out of every importance table.
TEST_CASE("every kind that can be a layer or originate hazards declares counterfactuals",
          "[model][importance]") {
  std::size_t layers = 0;
  for (std::size_t k = 0; k < kind_count; ++k) {
    const KindInfo& kind = kind_info(k);
    ComponentSpec c;
    kind.set_defaults(c);
    const bool layer = kind.is_layer(c) || kind.originates_hazards;
    INFO("kind " << kind.name);
    if (layer) {
      ++layers;
      CHECK(kind.counterfactual != nullptr);
    }
  }
  CHECK(layers >= 5);  // ai, safeguard, operators, audit, defence
}

TEST_CASE("importance components are the layers and the AI, in scenario order",
          "[model][importance]") {
  const auto spec = every_kind();
  std::vector<std::string> ids;
  for (auto i : importance_components(spec)) ids.push_back(spec.components[i].id);
  // The alarm-only monitor stops nothing; users and outcomes are not layers.
  CHECK(ids ==
        std::vector<std::string>{"model", "filter", "reviewers", "appeal", "audit", "shield"});
}

TEST_CASE("counterfactuals set each kind's miss probabilities", "[model][importance]") {
  const auto spec = every_kind();
  const auto index = [&](std::string_view id) {
    for (std::uint32_t i = 0; i < spec.components.size(); ++i)
      if (spec.components[i].id == id) return i;
    FAIL("no component " << id);
    return 0u;
  };
  // The parameters of component `id` under counterfactual `c`, as its kind's spec.
  const auto under = [&]<class Spec>(std::type_identity<Spec>, std::string_view id,
                                     Counterfactual c) {
    return std::get<Spec>(with_counterfactual(spec, index(id), c).components[index(id)].parameters);
  };
  const auto filter = [&](Counterfactual c) {
    return under(std::type_identity<SafeguardSpec>{}, "filter", c);
  };
  CHECK(filter(Counterfactual::perfect).detect_error == 1.0);
  CHECK(filter(Counterfactual::perfect).detect_misuse == 1.0);
  CHECK(filter(Counterfactual::perfect).latent_failure_rate == 0.0);
  CHECK(filter(Counterfactual::perfect).coupling.demand_beta == 0.0);
  CHECK(filter(Counterfactual::perfect).coupling.latent_beta == 0.0);
  CHECK(filter(Counterfactual::removed).detect_error == 0.0);
  CHECK(filter(Counterfactual::removed).false_alarm == 0.0);
  CHECK(filter(Counterfactual::nudged).detect_error == Approx(0.8 - importance_step));
  CHECK(filter(Counterfactual::nudged).detect_misuse == Approx(0.3 - importance_step));

  const auto model = [&](Counterfactual c) {
    return under(std::type_identity<AiSpec>{}, "model", c);
  };
  CHECK(model(Counterfactual::perfect).reliability == 1.0);
  CHECK(model(Counterfactual::removed).reliability == 0.0);
  CHECK(std::isinf(model(Counterfactual::removed).refusal_threshold));
  CHECK(model(Counterfactual::nudged).reliability == Approx(0.9 - importance_step));
  // Untrusted: its attacks are misses too.
  CHECK(model(Counterfactual::perfect).attack.probability == 0.0);
  CHECK(model(Counterfactual::removed).attack.probability == 1.0);
  CHECK(model(Counterfactual::nudged).attack.probability == Approx(0.02 + importance_step));

  const auto audit = [&](Counterfactual c) {
    return under(std::type_identity<AuditSpec>{}, "audit", c);
  };
  CHECK(audit(Counterfactual::perfect).sample == 1.0);
  CHECK_FALSE(audit(Counterfactual::perfect).drift.enabled);
  CHECK(audit(Counterfactual::removed).sample == 0.0);

  const auto reviewers = [&](Counterfactual c) {
    return under(std::type_identity<OperatorSpec>{}, "reviewers", c);
  };
  CHECK(reviewers(Counterfactual::perfect).detect == 1.0);
  CHECK(reviewers(Counterfactual::perfect).vigilance_floor == 1.0);
  CHECK(reviewers(Counterfactual::perfect).slip == 0.0);
  CHECK(reviewers(Counterfactual::removed).detect == 0.0);
  CHECK(reviewers(Counterfactual::nudged).automation_bias == 0.5);  // only detection moves

  // Nothing else in the scenario changes.
  const auto other = with_counterfactual(spec, index("filter"), Counterfactual::removed);
  CHECK(std::get<DefenceSpec>(other.components[index("shield")].parameters).detect_misuse == 0.6);
}

TEST_CASE("importance measures from the four values", "[model][importance]") {
  // Two independent layers in series, misses q1 = 0.1, q2 = 0.2, errors at rate e = 0.01:
  // H = e q1 q2; for layer 1 the measures are known by hand.
  const double e = 0.01, q1 = 0.1, q2 = 0.2, step = 0.02;
  const double h = e * q1 * q2;
  const auto v = importance_values(h, 0.0, e * q2, e * (q1 + step) * q2, step);
  CHECK(v.birnbaum == Approx(e * q2));
  CHECK(v.fussell_vesely == Approx(1.0));
  CHECK(v.raw == Approx(1.0 / q1));
  CHECK(std::isinf(v.rrw));
  CHECK(value_of(v, ImportanceMeasure::raw) == v.raw);
  CHECK(to_string(ImportanceMeasure::fussell_vesely) == "fussell_vesely");
}

}  // namespace
}  // namespace stsim::model
