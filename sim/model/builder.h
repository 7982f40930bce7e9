#pragma once
// Building a Simulation from a validated spec, as each kind's build() sees it: where the
// other components and contexts are, the bits a task carries, and the expected load
// from which the event limit is derived.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/model/replication.h"
#include "sim/model/spec.h"

namespace stsim::model {

class Builder {
 public:
  // Sets up `replication` for `spec` (validated, see validation.h): its nodes (kinds
  // and edges resolved), contexts, horizon and time bins. The kinds' build() follow.
  // `evaluation`: the spec at time 0, when `spec` is one a parameter schedule leads to.
  Builder(const ScenarioSpec& spec, Replication& replication, KindStates& kinds,
          const ScenarioSpec* evaluation = nullptr);

  const ScenarioSpec& spec() const { return spec_; }
  // The contexts' weights as the file gives them: the mix a model is evaluated on, which
  // a schedule may shift (docs/model.md, Change over time).
  const std::vector<ContextSpec>& evaluation_contexts() const { return evaluation_->contexts; }
  const ComponentSpec& component(std::uint32_t node) const { return spec_.components[node]; }
  // none when there is no such component or context.
  std::uint32_t node_of(std::string_view id) const;
  std::uint32_t context_of(std::string_view name) const;
  // A parameter in each context, by index: `value`, or its override in `by_context`.
  std::vector<double> per_context(double value, const ByContext& by_context) const;
  std::size_t kind_of(std::uint32_t node) const { return r_.nodes_[node].kind; }
  std::uint32_t index_of(std::uint32_t node) const { return r_.nodes_[node].index; }

  // A component's bit in Task::failed, given on first use. A task carries at most 64.
  std::uint64_t fail_bit(std::uint32_t node);
  // A component's bit in Task::down_passed (it can be down: a latent failure), given on
  // first use; an audit that finds it calls its kind's reveal().
  std::uint64_t down_bit(std::uint32_t node);
  // The index of a new operator pool in ReplicationMetrics::operators.
  std::uint32_t add_pool() { return r_.pools_++; }

  // The expected load of one replication, for the derived event limit: tasks born, events
  // per task per component that makes one (a review's end), events of components' own.
  void expect_tasks(double tasks) { expected_tasks_ += tasks; }
  void expect_event_per_task() { ++events_per_task_; }
  void expect_events(double events) { expected_events_ += events; }
  // A latent failure process of `rate` per hour (latent_measure.h); under the latent change
  // of measure its failures are drawn faster.
  void latent_process(double rate);

  // Sets the event limit from the expected load (or the scenario's own).
  void finish();

  [[noreturn]] void fail(std::uint32_t node, const std::string& problem) const;

 private:
  // Importance sampling of a finite queue's overflow: its change of measure, when the
  // scenario has such a pool (queue_measure.h).
  void configure_queue_measure();
  // Whether an edge of `from` (a port or a bound's fallback) goes to component `to`.
  static bool leads_to(const ComponentSpec& from, std::string_view to);

  const ScenarioSpec& spec_;
  const ScenarioSpec* evaluation_;
  Replication& r_;
  std::unordered_map<std::string_view, std::uint32_t> nodes_by_id_;
  std::unordered_map<std::string_view, std::uint32_t> contexts_by_name_;
  std::size_t fail_bits_ = 0;
  double expected_tasks_ = 0.0;
  std::uint32_t events_per_task_ = 0;
  std::uint32_t most_returns_ = 0;  // the largest bound of a bounded edge
  double expected_events_ = 0.0;
};

}  // namespace stsim::model
