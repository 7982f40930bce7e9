// The red team's best response (sim/runner/worst_case.h): reproducible under common
// random numbers, whatever the threads; one search per group of sweep points; the
// arg-min of upfront auditing where the closed form has it (docs/validation.md).

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "sim/analytic/control.h"
#include "sim/runner/runner.h"

namespace stsim::runner {
namespace {

// source -> untrusted ai -> upfront audit of the first 10 of 100 tasks; a caught attempt
// shuts the deployment down. Safety falls with the attack probability a at first (more
// attempts) and rises again (an attempt among the audited tasks is caught).
std::string upfront_text(const std::string& sweep) {
  return R"toml([scenario]
name = "worst-case"
horizon = "100h"
seed = 7
replications = 4000
episode_tasks = 100
shutdown_on_catch = true
[contexts.c]
hazardous = false
[users]
kind = "source"
rate = "10/h"
next = "u"
[u]
kind = "ai"
reliability = 1.0
untrusted = true
attack = { probability = 0.01, success = 0.5 }
next = "audit"
[audit]
kind = "audit"
policy = "upfront"
budget = 10
detect = 1.0
next = { pass = "world", block = "held" }
[world]
kind = "outcome"
[held]
kind = "outcome"
acted = false
)toml" + sweep;
}

const std::string search = R"toml([sweep.worst_case]
parameter = "u.attack.probability"
low = 0.001
high = 1.0
)toml";

Plan plan_of(const std::string& text, RunOptions options = {}) {
  const auto loaded = scenario::load_string(text, "worst-case.toml");
  REQUIRE(loaded.ok());
  return make_plan(*loaded.scenario, options);
}

TEST_CASE("the worst case of upfront auditing is where the closed form has it",
          "[runner][control][statistical]") {
  RunOptions options;
  options.threads = 2;
  const auto plan = plan_of(upfront_text(search));
  const auto wc = worst_case_search(plan, options);
  REQUIRE(wc.searches.size() == 1);
  const auto& s = wc.searches.front();
  CHECK(wc.replications == 4000);
  CHECK(s.label == "as written");
  // 9 grid values and 8 of the refinement (bracket 2/8 of the range down to 1/100).
  CHECK(golden_iterations(0.25, 1.0, 0.01) == 7);
  CHECK(s.values.size() == 9 + 8);
  CHECK(s.bracket_low <= s.argmin * (1 + 1e-12));
  CHECK(s.argmin <= s.bracket_high * (1 + 1e-12));
  // The exact curve, minimised finely on the same log scale.
  const auto exact = [](double a) { return analytic::upfront_safety(100, 10, a, 0.5, 1.0); };
  double best = 1.0, best_a = 0.0;
  for (int i = 0; i <= 3000; ++i) {
    const double a = std::pow(10.0, -3.0 + 3.0 * i / 3000.0);
    if (exact(a) < best) {
      best = exact(a);
      best_a = a;
    }
  }
  const auto k = static_cast<std::size_t>(MetricId::safety);
  const auto& minimum = s.at_argmin[k];
  INFO("exact minimum " << best << " at a = " << best_a << "; found " << minimum.mean << " +- "
                        << minimum.standard_error << " at " << s.argmin);
  // The minimum found is within 4 SE of the exact one, and the arg-min's exact safety is
  // within 4 SE of the exact minimum: the red team loses little by the search's choice.
  CHECK(std::abs(minimum.mean - best) < 4.0 * minimum.standard_error);
  CHECK(exact(s.argmin) - best < 4.0 * minimum.standard_error);
  CHECK(minimum.ci_low <= minimum.mean);
  CHECK(minimum.mean <= minimum.ci_high);
}

TEST_CASE("the worst-case search is reproducible whatever the threads, one per group",
          "[runner][control]") {
  const std::string sweep = search + R"toml(replications = 50
[[sweep.dimensions]]
path = "audit.budget"
values = [5, 20]
[[sweep.dimensions]]
path = "u.attack.probability"
values = [0.01, 0.1]
)toml";
  const auto plan = plan_of(upfront_text(sweep));
  REQUIRE(plan.design.size() == 4);
  RunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const auto a = worst_case_search(plan, one);
  const auto b = worst_case_search(plan, two);
  // The searched parameter's own dimension is set aside: one search per budget.
  REQUIRE(a.searches.size() == 2);
  CHECK(a.searches[0].label == "audit.budget = 5");
  CHECK(a.searches[1].point == 2);
  for (std::size_t s = 0; s < 2; ++s) {
    CHECK(a.searches[s].values == b.searches[s].values);
    CHECK(a.searches[s].means == b.searches[s].means);
    CHECK(a.searches[s].argmin == b.searches[s].argmin);
  }
  // A larger budget is safer at the red team's best response.
  const auto k = static_cast<std::size_t>(MetricId::safety);
  CHECK(a.searches[1].at_argmin[k].mean > a.searches[0].at_argmin[k].mean);
}

TEST_CASE("a worst-case search the scenario cannot run is refused before any work",
          "[runner][control]") {
  const auto refused = [](const std::string& table) {
    const auto loaded = scenario::load_string(upfront_text(table), "worst-case.toml");
    REQUIRE(loaded.ok());
    try {
      (void)make_plan(*loaded.scenario, {});
    } catch (const InvalidSweep& e) {
      REQUIRE(e.diagnostics().size() == 1);
      return scenario::format(e.diagnostics().front());
    }
    return std::string("accepted");
  };
  CHECK(refused("[sweep.worst_case]\nparameter = \"u.attack.probability\"\nmetric = "
                "\"safty\"\nlow = 0.01\nhigh = 1\n") ==
        "worst-case.toml:31:1: error: unknown worst-case metric 'safty'; expected a metric of "
        "docs/output.md such as safety");
  CHECK(refused("[sweep.worst_case]\nparameter = \"u.policy\"\nlow = 0.01\nhigh = 1\n") ==
        "worst-case.toml:31:1: error: 'sweep.worst_case.parameter' is 'u.policy', not a number "
        "parameter of the scenario; expected a path such as \"<ai>.attack.probability\"");
  CHECK(refused("[sweep.worst_case]\nparameter = \"u.attack.probability\"\nlow = 0.01\nhigh = "
                "2\n")
            .find("sweep.worst_case: ") != std::string::npos);
}

}  // namespace
}  // namespace stsim::runner
