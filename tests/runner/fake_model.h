#pragma once
// A replication model with known answers, so the runner can be tested without the full
// simulation: `tasks` tasks evenly spread over the horizon, each harmed with probability
// 1 - reliability of the scenario's first ai component, using one uniform per task from
// a stream keyed like the model's (so common random numbers work the same way).

#include <cmath>
#include <string>
#include <utility>
#include <variant>

#include "sim/random/stream.h"
#include "sim/runner/runner.h"

namespace stsim::test {

class FakeModel final : public runner::ReplicationModel {
 public:
  FakeModel(const model::ScenarioSpec& spec, std::uint32_t tasks) : spec_(spec), tasks_(tasks) {
    for (const auto& c : spec.components) {
      if (const auto* ai = std::get_if<model::AiSpec>(&c.parameters)) {
        reliability_ = ai->reliability;
        break;
      }
    }
  }

  void run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
           model::ReplicationMetrics& out) override {
    out = model::ReplicationMetrics{};
    out.near_misses_by_layer.assign(spec_.components.size(), 0);
    out.harms_by_last_layer.assign(spec_.components.size(), 0);
    out.harm_series.assign(spec_.time_bins, 0);
    random::Stream stream(
        {seed, point, replication, random::stable_id("fake"), random::Purpose::test});
    out.time_to_first_harm = spec_.horizon;
    for (std::uint32_t i = 0; i < tasks_; ++i) {
      const double t = (i + 0.5) / tasks_ * spec_.horizon;
      ++out.tasks;
      ++out.benign_tasks;
      if (stream.uniform01() < 1.0 - reliability_) {
        ++out.model_errors;
        ++out.hazardous_outputs;
        ++out.harms;
        out.harm_severity += 1.0;
        ++out.harms_by_origin[0];
        ++out.terminal[static_cast<std::size_t>(model::Terminal::harm)];
        const auto bin = static_cast<std::size_t>(t / spec_.horizon * spec_.time_bins);
        ++out.harm_series[bin];
        if (!out.first_harm_observed) {
          out.first_harm_observed = true;
          out.time_to_first_harm = t;
        }
        if (!out.harms_by_last_layer.empty()) ++out.harms_by_last_layer.back();
      } else {
        ++out.benign_served;
        ++out.terminal[static_cast<std::size_t>(model::Terminal::served)];
      }
      ++out.events;
    }
  }

 private:
  const model::ScenarioSpec& spec_;
  std::uint32_t tasks_;
  double reliability_ = 1.0;
};

inline runner::ModelFactory fake_factory(std::uint32_t tasks) {
  return [tasks](const model::ScenarioSpec& spec) -> std::unique_ptr<runner::ReplicationModel> {
    return std::make_unique<FakeModel>(spec, tasks);
  };
}

// A bare system users -> model -> world with the given reliability.
inline model::ScenarioSpec bare_spec(double reliability) {
  model::ScenarioSpec spec;
  spec.name = "bare";
  spec.horizon = 100.0;
  spec.time_bins = 4;
  spec.contexts.push_back({});
  spec.contexts.back().name = "default";
  const auto component = [](std::string id, model::Parameters parameters) {
    model::ComponentSpec c;
    c.id = std::move(id);
    c.parameters = std::move(parameters);
    return c;
  };
  model::ComponentSpec users = component("users", model::SourceSpec{});
  users.connect("pass", "model");
  model::AiSpec ai;
  ai.reliability = reliability;
  model::ComponentSpec ai_component = component("model", ai);
  ai_component.connect("pass", "world");
  model::ComponentSpec world = component("world", model::OutcomeSpec{});
  spec.components = {users, ai_component, world};
  return spec;
}

// A plan sweeping model.reliability over `reliabilities` (a grid of one dimension),
// built without the scenario loader.
inline runner::Plan reliability_plan(const std::vector<double>& reliabilities,
                                     std::optional<double> baseline = std::nullopt) {
  scenario::SweepSpec sweep;
  sweep.design = scenario::SweepDesign::grid;
  scenario::SweepDimension d;
  d.path = "model.reliability";
  for (double r : reliabilities) d.values.emplace_back(r);
  sweep.dimensions.push_back(d);
  if (baseline) sweep.baseline.emplace_back(*baseline);
  runner::Plan plan;
  plan.base.spec = bare_spec(reliabilities.front());
  plan.base.sweep = sweep;
  plan.design = runner::make_design(sweep);
  for (double r : reliabilities) {
    plan.specs.push_back(bare_spec(r));
    plan.resolved.push_back(runner::resolved_parameters(plan.specs.back()));
  }
  plan.replications.seed = 7;
  plan.replications.max_replications = 40;
  plan.replications.min_replications = 40;
  plan.replications.block_size = 8;
  return plan;
}

}  // namespace stsim::test
