// Bookkeeping, reproducibility and validation, on a scenario using every component kind.

#include <catch2/catch.hpp>
#include <numeric>

#include "sim/engine/event_queue.h"
#include "tests/model/helpers.h"

using namespace stsim::model;
using namespace stsim::model::testing;

namespace {

std::uint64_t terminal(const ReplicationMetrics& m, Terminal t) {
  return m.terminal[static_cast<std::size_t>(t)];
}

}  // namespace

TEST_CASE("every task ends in exactly one terminal state, and the counters agree", "[model]") {
  const auto spec = every_kind();
  const auto t = run(spec, 4, 11);
  std::uint64_t in_flight = 0;
  for (const auto& m : t.replications) {
    const auto ended =
        std::accumulate(std::begin(m.terminal), std::end(m.terminal), std::uint64_t{0});
    CHECK(ended + m.in_flight == m.tasks);
    CHECK(m.benign_tasks + m.malicious_tasks == m.tasks);
    CHECK(m.harms == terminal(m, Terminal::harm));
    CHECK(m.model_errors == m.commission_errors + m.omission_errors);
    const auto by_origin = std::accumulate(std::begin(m.harms_by_origin),
                                           std::end(m.harms_by_origin), std::uint64_t{0});
    CHECK(by_origin == m.harms);
    CHECK(m.harms_with_correct_output ==
          m.harms_by_origin[static_cast<std::size_t>(HarmOrigin::misuse)] +
              m.harms_by_origin[static_cast<std::size_t>(HarmOrigin::operator_induced)]);
    CHECK(std::accumulate(m.near_misses_by_layer.begin(), m.near_misses_by_layer.end(),
                          std::uint64_t{0}) == terminal(m, Terminal::near_miss));
    // Every hazard arises at a layer (the model or an operator), so every harm has a last layer.
    CHECK(std::accumulate(m.harms_by_last_layer.begin(), m.harms_by_last_layer.end(),
                          std::uint64_t{0}) == m.harms);
    CHECK(std::accumulate(m.harm_series.begin(), m.harm_series.end(), std::uint64_t{0}) == m.harms);
    // Per context, the same totals.
    REQUIRE(m.harms_by_context.size() == spec.contexts.size());
    CHECK(std::accumulate(m.harms_by_context.begin(), m.harms_by_context.end(), std::uint64_t{0}) ==
          m.harms);
    CHECK(std::accumulate(m.near_misses_by_context.begin(), m.near_misses_by_context.end(),
                          std::uint64_t{0}) == terminal(m, Terminal::near_miss));
    CHECK(std::accumulate(m.model_errors_by_context.begin(), m.model_errors_by_context.end(),
                          std::uint64_t{0}) == m.model_errors);
    // A hazard never becomes safe again: it ends as a harm or a near miss, or is in flight.
    CHECK(m.hazardous_outputs >= m.harms + terminal(m, Terminal::near_miss));
    CHECK(m.hazardous_outputs <= m.harms + terminal(m, Terminal::near_miss) + m.in_flight);
    // Benign tasks: served, lost, harmed or caught (an erroneous output), or still in flight.
    CHECK(m.benign_served <= terminal(m, Terminal::served));
    CHECK(m.benign_lost <= terminal(m, Terminal::lost) + terminal(m, Terminal::paused));
    CHECK(m.benign_served + m.benign_lost <= m.benign_tasks);
    CHECK(m.model_errors_no_harm <= m.model_errors);
    CHECK(m.latent_failures_found <= m.latent_failures);
    CHECK(m.time_to_first_harm <= spec.horizon);
    CHECK(m.paused_time <= spec.horizon);
    CHECK(m.events >= m.tasks);
    in_flight += m.in_flight;
  }
  // Every counter is produced by this scenario.
  const auto& m = t.replications.front();
  CHECK(m.tasks > 0);
  CHECK(in_flight > 0);
  for (std::size_t i = 0; i < terminal_count; ++i) CHECK(m.terminal[i] > 0);
  CHECK(m.refused_benign > 0);
  CHECK(m.refused_malicious > 0);
  CHECK(m.benign_served > 0);
  CHECK(m.benign_lost > 0);
  CHECK(m.deferred > 0);
  CHECK(m.false_alarms > 0);
  CHECK(m.harm_severity == Approx(static_cast<double>(m.harms)));
  // The harms of omission and timing have their own scenarios (test_omission.cpp).
  for (std::size_t i = 0; i < static_cast<std::size_t>(HarmOrigin::omission); ++i)
    CHECK(t.by_origin[i] > 0);
  CHECK(t.latent_involved > 0);
  CHECK(t.common_cause > 0);
  CHECK(m.model_errors_no_harm > 0);
  CHECK(m.latent_failures > 0);
  CHECK(t.latent_found > 0);
  CHECK(m.first_harm_observed);
  CHECK(m.paused_time > 0.0);
  for (const char* layer : {"filter", "appeal", "audit", "shield"}) {
    const auto it = std::find_if(spec.components.begin(), spec.components.end(),
                                 [&](const ComponentSpec& c) { return c.id == layer; });
    const auto index = static_cast<std::size_t>(it - spec.components.begin());
    INFO(layer);
    CHECK(t.near_by_layer[index] + t.harm_by_last_layer[index] > 0);
  }
  REQUIRE(m.operators.size() == 2);
  for (const auto& o : m.operators) {
    CHECK(o.reviews > 0);
    CHECK(o.busy_time > 0.0);
    CHECK(o.busy_time <= o.capacity_time);
    CHECK(o.waited > 0);
    CHECK(o.total_wait > 0.0);
    CHECK(o.hazards_seen > 0);
    CHECK(o.caught > 0);
    CHECK(o.caught <= o.hazards_seen);
  }
  CHECK(t.operators[0].overflowed > 0);
  CHECK(m.operators[0].capacity_time == Approx(2.0 * spec.horizon));
}

TEST_CASE("the same seed gives identical metrics, another replication or seed does not",
          "[model]") {
  const auto spec = every_kind();
  Simulation a(spec);
  Simulation b(spec);
  ReplicationMetrics first, again, other, reused;
  a.run(5, 0, 3, first);
  b.run(5, 0, 3, again);
  a.run(5, 0, 4, other);
  a.run(5, 0, 3, reused);  // after another replication: storage reused, same result
  auto same = [](const ReplicationMetrics& x, const ReplicationMetrics& y) {
    return x.tasks == y.tasks && x.harms == y.harms && x.model_errors == y.model_errors &&
           x.false_alarms == y.false_alarms && x.events == y.events &&
           x.time_to_first_harm == y.time_to_first_harm && x.harm_series == y.harm_series &&
           x.near_misses_by_layer == y.near_misses_by_layer &&
           x.harms_by_last_layer == y.harms_by_last_layer &&
           x.operators[0].total_wait == y.operators[0].total_wait &&
           x.operators[1].busy_time == y.operators[1].busy_time && x.paused_time == y.paused_time &&
           std::equal(std::begin(x.terminal), std::end(x.terminal), std::begin(y.terminal));
  };
  CHECK(same(first, again));
  CHECK(same(first, reused));
  CHECK_FALSE(same(first, other));
  ReplicationMetrics seeded;
  a.run(6, 0, 3, seeded);
  CHECK_FALSE(same(first, seeded));
  ReplicationMetrics pointed;
  a.run(5, 1, 3, pointed);
  CHECK_FALSE(same(first, pointed));
}

TEST_CASE("sweep points sharing a point key see the same environment", "[model]") {
  // Common random numbers: changing a safeguard and the reviewers leaves the tasks, their
  // intents and the model's errors untouched (with no pause after harm, which would
  // turn different tasks away).
  auto base = every_kind();
  base.pause_after_harm = 0.0;
  auto changed = base;
  std::get<SafeguardSpec>(changed.components[2].parameters).detect_error = 0.3;
  std::get<OperatorSpec>(changed.components[4].parameters).detect = 0.5;
  Simulation a(base), b(changed);
  ReplicationMetrics x, y;
  a.run(9, 0, 0, x);
  b.run(9, 0, 0, y);
  CHECK(x.tasks == y.tasks);
  CHECK(x.malicious_tasks == y.malicious_tasks);
  CHECK(x.refused_benign == y.refused_benign);
  CHECK(x.model_errors == y.model_errors);
  CHECK(x.deferred == y.deferred);
  CHECK(x.harms != y.harms);
}

TEST_CASE("time to first harm is censored at the horizon when nothing happens", "[model]") {
  auto s = scenario(100.0, {context("c")},
                    {component("src", source(10.0), {.pass = "ai"}),
                     component("ai", ai(1.0), {.pass = "out"}), component("out", OutcomeSpec{})});
  const auto t = run(s, 1);
  const auto& m = t.replications.front();
  CHECK(m.harms == 0);
  CHECK_FALSE(m.first_harm_observed);
  CHECK(m.time_to_first_harm == 100.0);
  CHECK(m.benign_served == m.tasks);
}

TEST_CASE("exceeding the event limit is an error naming the scenario and the limit", "[model]") {
  auto s = every_kind();
  s.name = "busy-system";
  s.event_limit = 1000;
  Simulation sim(s);
  ReplicationMetrics m;
  try {
    sim.run(1, 0, 0, m);
    FAIL("no exception");
  } catch (const stsim::engine::EventLimitExceeded& e) {
    const std::string what = e.what();
    CHECK(what.find("busy-system") != std::string::npos);
    CHECK(what.find("1000") != std::string::npos);
  }
  // The derived limit lets a normal replication through.
  s.event_limit = 0;
  Simulation derived(s);
  CHECK_NOTHROW(derived.run(1, 0, 0, m));
}

TEST_CASE("the constructor rejects specs it cannot run, as the loader words it", "[model]") {
  auto base = [] {
    return scenario(
        10.0, {context("c")},
        {component("src", source(1.0), {.pass = "ai"}), component("ai", ai(0.9), {.pass = "guard"}),
         component("guard", safeguard(0.9), {.pass = "out"}), component("out", OutcomeSpec{})});
  };
  auto refusal = [](const ScenarioSpec& s) -> std::string {
    try {
      Simulation sim(s);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(accepted)";
  };
  CHECK_NOTHROW(Simulation(base()));
  {
    auto s = base();
    s.components[2].connect("pass", "nowhere");
    CHECK(refusal(s) == "'guard.next.pass' refers to 'nowhere', which is not a component");
  }
  {
    auto s = base();
    std::get<SafeguardSpec>(s.components[2].parameters).detect_error = 1.5;
    CHECK(refusal(s) == "'guard.detect_error' must be a probability in [0, 1]; got 1.5");
  }
  {
    auto s = base();
    s.components[2].where = {"plant.toml", 12, 1};
    std::get<SafeguardSpec>(s.components[2].parameters).false_alarm = -0.1;
    CHECK(refusal(s) ==
          "plant.toml:12:1: 'guard.false_alarm' must be a probability in [0, 1]; got -0.1");
  }
  {
    auto s = base();
    s.contexts[0].malicious_share = 2.0;
    CHECK(refusal(s) == "'contexts.c.malicious_share' must be a probability in [0, 1]; got 2");
  }
  {
    auto s = base();
    s.components[2].connect("pass", "ai");  // loop
    CHECK(refusal(s) ==
          "component 'ai': is part of a loop; the control structure must be acyclic "
          "but for edges with a bound (next.<port>.at_most)");
  }
  {
    auto s = base();
    s.components[1].connect("block", "out");  // an ai has no block port
    CHECK(refusal(s) == "component 'ai' (kind ai) has no port 'block'");
  }
  {
    auto s = base();
    std::get<SafeguardSpec>(s.components[2].parameters).coupling.with = "ghost";
    CHECK(refusal(s) == "'guard.coupling.with' refers to 'ghost', which is not a component");
  }
  {
    auto s = base();
    std::get<AiSpec>(s.components[1].parameters).reliability_by_context["unknown"] = 0.5;
    CHECK(refusal(s) ==
          "'ai.reliability_by_context.unknown' refers to context 'unknown', which does not exist");
  }
  {
    auto s = base();
    s.components[2].connect("pass", "");
    CHECK(refusal(s) == "component 'guard': no edge from port 'pass'");
  }
  {
    auto s = base();
    s.components.push_back(component("ops", OperatorSpec{}, {.pass = "out"}));
    std::get<OperatorSpec>(s.components.back().parameters).count = 0;
    CHECK(refusal(s) == "'ops.count' must be an integer >= 1; got 0");
  }
  {
    auto s = base();
    s.components[0].connect("pass", "src");  // into a source
    CHECK(refusal(s) ==
          "'src.next.pass' refers to 'src', which is a source; tasks cannot be sent to a source");
  }
}
