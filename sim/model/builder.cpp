#include "sim/model/builder.h"

#include <algorithm>
#include <stdexcept>

#include "sim/model/failure_biasing.h"
#include "sim/model/keys.h"
#include "sim/model/latent_measure.h"
#include "sim/model/queue_measure.h"

namespace stsim::model {

namespace {
constexpr std::size_t max_bits = 64;
}

Builder::Builder(const ScenarioSpec& spec, Replication& replication, KindStates& kinds,
                 const ScenarioSpec* evaluation)
    : spec_(spec), evaluation_(evaluation != nullptr ? evaluation : &spec), r_(replication) {
  r_.kinds_ = &kinds;
  std::vector<double> weights;
  for (std::uint32_t k = 0; k < spec.contexts.size(); ++k) {
    const ContextSpec& c = spec.contexts[k];
    contexts_by_name_.emplace(c.name, k);
    weights.push_back(c.weight);
    r_.context_hazardous_.push_back(c.hazardous ? 1 : 0);
    r_.context_severity_.push_back(c.severity);
    r_.context_malicious_.push_back(c.malicious_share);
    r_.context_omission_hazardous_.push_back(c.omission_hazardous ? 1 : 0);
    r_.context_omission_severity_.push_back(c.omission_severity);
    r_.context_deadline_.push_back(c.deadline);
    r_.context_late_severity_.push_back(c.late_severity);
  }
  r_.context_table_ = random::AliasTable(weights);

  const auto& components = spec.components;
  r_.nodes_.resize(components.size());
  r_.stable_ids_.resize(components.size());
  std::array<std::uint32_t, kind_count> per_kind{};
  for (std::uint32_t i = 0; i < components.size(); ++i) {
    Node& n = r_.nodes_[i];
    n.kind = static_cast<std::uint8_t>(model::kind_of(components[i]));
    n.index = per_kind[n.kind]++;
    n.next.fill(none);
    r_.stable_ids_[i] = random::stable_id(components[i].id);
    nodes_by_id_.emplace(components[i].id, i);
  }
  for (std::uint32_t i = 0; i < components.size(); ++i) {
    Node& n = r_.nodes_[i];
    for (const Edge& e : components[i].next)
      n.next[*port_of(components[i], e.port)] = node_of(e.target);
    for (const auto& [port_name, bound] : components[i].bounds) {
      if (bound.at_most == EdgeBound::unbounded) continue;
      const PortIndex port = *port_of(components[i], port_name);
      n.bounded |= static_cast<std::uint8_t>(1u << port);
      n.at_most[port] = static_cast<std::uint8_t>(bound.at_most);  // at most max_returns
      n.fallback[port] = bound.fallback.empty() ? none : node_of(bound.fallback);
      most_returns_ = std::max(most_returns_, bound.at_most);
    }
  }
  // Layers that handle only a share of some context's tasks keep their coverage by context.
  for (std::uint32_t i = 0; i < components.size(); ++i) {
    const ComponentSpec& c = components[i];
    if (covers_every_task(c)) continue;
    r_.nodes_[i].coverage = static_cast<std::uint32_t>(r_.coverage_.size());
    for (const auto& context : spec.contexts) r_.coverage_.push_back(c.coverage_of(context.name));
  }

  r_.horizon_ = spec.horizon;
  r_.time_bins_ = spec.time_bins;
  r_.pause_after_harm_ = spec.pause_after_harm;
  r_.episode_tasks_ = spec.episode_tasks;
  r_.shutdown_on_catch_ = spec.shutdown_on_catch;
  if (uses_importance_sampling(spec)) {
    for (const ComponentSpec& c : components) r_.biasing_.push_back(failure_sides(c));
    configure_queue_measure();
    if (const auto interval = common_test_interval(spec)) r_.latent_measure_.configure(*interval);
  }
}

void Builder::configure_queue_measure() {
  const auto& components = spec_.components;
  const ComponentSpec* pool = finite_queue_pool(spec_);
  if (pool == nullptr) return;  // importance sampling accepted the pool: the only one
  const auto source = std::find_if(components.begin(), components.end(),
                                   [](const auto& c) { return is<Source>(c); });
  const auto& o = std::get<OperatorSpec>(pool->parameters);
  const std::uint32_t pool_node = node_of(pool->id);
  r_.queue_measure_.configure(node_of(source->id), pool_node,
                              std::get<SourceSpec>(source->parameters).rate, 1.0 / o.review_time,
                              o.count, o.count + o.max_queue);
  // A decision that can decide whether a task reaches the pool changes its arrivals, and
  // hence what every later task in the cycle meets, which no one task's weight corrects:
  // the components from which the pool can be reached draw as written.
  std::vector<std::uint8_t> ahead(components.size(), 0);
  std::vector<std::uint32_t> frontier = {pool_node};
  while (!frontier.empty()) {
    const std::uint32_t target = frontier.back();
    frontier.pop_back();
    for (std::uint32_t i = 0; i < components.size(); ++i) {
      if (ahead[i] != 0 || !leads_to(components[i], components[target].id)) continue;
      ahead[i] = 1;
      r_.biasing_[i] = FailureSides{};
      frontier.push_back(i);
    }
  }
}

bool Builder::leads_to(const ComponentSpec& from, std::string_view to) {
  for (const Edge& e : from.next)
    if (e.target == to) return true;
  for (const auto& [port, bound] : from.bounds)
    if (bound.fallback == to) return true;
  return false;
}

std::uint32_t Builder::node_of(std::string_view id) const {
  const auto found = nodes_by_id_.find(id);
  return found == nodes_by_id_.end() ? none : found->second;
}

std::uint32_t Builder::context_of(std::string_view name) const {
  const auto found = contexts_by_name_.find(name);
  return found == contexts_by_name_.end() ? none : found->second;
}

std::vector<double> Builder::per_context(double value, const ByContext& by_context) const {
  std::vector<double> values(spec_.contexts.size(), value);
  for (const auto& [context, override_value] : by_context)
    values[context_of(context)] = override_value;
  return values;
}

std::uint64_t Builder::fail_bit(std::uint32_t node) {
  Node& n = r_.nodes_[node];
  if (n.fail_bit == 0) {
    if (fail_bits_ == max_bits) fail(node, "more than 64 components are coupling partners");
    n.fail_bit = std::uint64_t{1} << fail_bits_++;
  }
  return n.fail_bit;
}

void Builder::latent_process(double rate) {
  if (!r_.latent_measure_.active() || !(rate > 0.0)) return;
  r_.latent_measure_.add_process(rate);
  // The failures drawn beyond those the kind expects at its written rate.
  expect_events(2.0 * (r_.latent_measure_.biased(rate) - rate) * spec_.horizon);
}

std::uint64_t Builder::down_bit(std::uint32_t node) {
  Node& n = r_.nodes_[node];
  if (n.down_bit == 0) {
    if (r_.down_owners_.size() == max_bits) fail(node, "more than 64 components can fail latently");
    n.down_bit = std::uint64_t{1} << r_.down_owners_.size();
    r_.down_owners_.push_back(node);
  }
  return n.down_bit;
}

void Builder::finish() {
  if (spec_.event_limit == 0) {
    // Arrivals plus one event per task per component that makes one (a review's end), with
    // a wide margin: exceeding this means the scenario is far from what its parameters
    // predict.
    // The queue's change of measure draws arrivals faster while it twists them.
    const double tasks = expected_tasks_ * r_.queue_measure_.arrival_speedup();
    // A task sent back by a bounded loop makes its steps again, at most most_returns_ times.
    const double expected =
        tasks * (1.0 + static_cast<double>(events_per_task_) * (1.0 + most_returns_)) +
        expected_events_;
    if (!(expected <= max_expected_events))
      throw std::invalid_argument(
          "one replication is expected to take about " + format_bound(expected) +
          " events (tasks and their steps, failures, proof tests and profile slices over the "
          "horizon), more than " +
          format_bound(max_expected_events) +
          ", which cannot finish in reasonable time; check the units of the rates, intervals "
          "and horizon, or set scenario.event_limit to run that long anyway");
    r_.event_limit_ = static_cast<std::uint64_t>(std::min(20.0 * expected + 100000.0, 1e18));
    r_.event_limit_derived_ = true;
  } else {
    r_.event_limit_ = spec_.event_limit;
  }
}

void Builder::fail(std::uint32_t node, const std::string& problem) const {
  const ComponentSpec& c = spec_.components[node];
  std::string where;
  if (!c.where.file.empty())
    where = c.where.file + ":" + std::to_string(c.where.line) + ":" +
            std::to_string(c.where.column) + ": ";
  throw std::invalid_argument(where + "component '" + c.id + "': " + problem);
}

}  // namespace stsim::model
