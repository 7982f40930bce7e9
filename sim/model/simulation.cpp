// The model's dispatch: every kind's states, and the static dispatch from a component
// to its kind's step, events and latent-failure hook, generated from the kind list
// (sim/model/kinds.h). What each kind does is in its own module (sim/model/kinds/); the
// semantics are stated in docs/model.md. A task is processed synchronously through every
// component that does not make it wait, at its arrival; only the kinds' timed events
// (arrivals, reviews ending, latent failures, proof tests, repairs) are events.

#include "sim/model/simulation.h"

#include <algorithm>
#include <bit>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>

#include "sim/engine/event_loop.h"
#include "sim/model/builder.h"
#include "sim/model/schedule.h"
#include "sim/model/validation.h"

namespace stsim::model {

namespace detail {
template <class List>
struct StatesOf;
template <class... Kind>
struct StatesOf<KindList<Kind...>> {
  using type = std::tuple<std::vector<typename Kind::State>...>;
};
}  // namespace detail

struct KindStates {
  detail::StatesOf<Kinds>::type states;
  std::array<std::vector<std::uint32_t>, kind_count> nodes;  // the component of each state

  template <class Kind>
  std::vector<typename Kind::State>& of() {
    return std::get<kind_index<Kind>>(states);
  }
  template <class Kind>
  const std::vector<typename Kind::State>& of() const {
    return std::get<kind_index<Kind>>(states);
  }
  // f(state, node) for every component of this kind, in scenario order.
  template <class Kind, class F>
  void each(F&& f) {
    auto& all = of<Kind>();
    for (std::size_t j = 0; j < all.size(); ++j) f(all[j], nodes[kind_index<Kind>][j]);
  }
};

namespace {

template <class Kind>
using KindOf = typename Kind::type;

// Validation keeps every edge out of entry components (sources); reaching one is a bug.
[[noreturn, gnu::cold, gnu::noinline]] void entered(std::uint32_t node) {
  throw std::logic_error("a task was sent into the entry component " + std::to_string(node));
}

PortIndex step_at(KindStates& kinds, Replication& r, const Node& n, std::uint32_t id,
                  std::uint32_t node) {
  PortIndex port = kept;
  with_kind(n.kind, [&](auto kind) {
    using K = KindOf<decltype(kind)>;
    if constexpr (role_of<K>() == Role::entry) {
      entered(node);
    } else {
      port = K::step(r, kinds.of<K>()[n.index], r.task(id), id, node);
    }
  });
  return port;
}

}  // namespace

void Replication::advance(std::uint32_t id, std::uint32_t node) {
  while (true) {
    const Node& n = nodes_[node];
    const PortIndex port =
        n.coverage != none && !covers(tasks_[id], node) ? 0 : step_at(*kinds_, *this, n, id, node);
    if (port == kept) return;
    node = route(id, node, port);
    if (node == none) return;
  }
}

void Replication::reveal_latent(std::uint64_t down_passed) {
  for (std::uint64_t bits = down_passed; bits != 0; bits &= bits - 1) {
    const std::uint32_t node = down_owners_[static_cast<std::size_t>(std::countr_zero(bits))];
    const Node& n = nodes_[node];
    with_kind(n.kind, [&](auto kind) {
      using K = KindOf<decltype(kind)>;
      if constexpr (requires(typename K::State & state) { K::reveal(*this, state); })
        K::reveal(*this, kinds_->of<K>()[n.index]);
    });
  }
}

namespace {

// Every component's state for `spec`, into `replication` and `kinds`.
void build(const ScenarioSpec& spec, Replication& replication, KindStates& kinds,
           const ScenarioSpec* evaluation = nullptr) {
  Builder builder(spec, replication, kinds, evaluation);
  for (std::uint32_t i = 0; i < spec.components.size(); ++i) {
    const ComponentSpec& c = spec.components[i];
    with_kind(kind_of(c), [&](auto kind) {
      using K = KindOf<decltype(kind)>;
      kinds.of<K>().push_back(K::build(std::get<typename K::Spec>(c.parameters), i, builder));
      kinds.nodes[kind_index<K>].push_back(i);
    });
  }
  builder.finish();
}

// The schedule's events are of no kind: their kind index is past the list's.
constexpr std::uint32_t schedule_event = std::uint32_t{kind_count} << 8;

}  // namespace

// The spec in force from `at` on (a parameter schedule), built: the states its changed
// components take, and the contexts and coverages.
struct Epoch {
  Time at = 0.0;
  std::vector<std::uint32_t> retuned;  // components whose states change here
  Replication replication;
  KindStates kinds;
};

struct Simulation::State {
  ScenarioSpec spec;
  Replication replication;
  KindStates kinds;
  // With a schedule: the spec at time 0 (to restore at each replication's start), then
  // the spec after each time of change, in time order.
  std::vector<std::unique_ptr<Epoch>> epochs;
  std::vector<std::uint32_t> ever_retuned;  // components some change retunes

  explicit State(const ScenarioSpec& s) : spec(s) {
    validate(spec);
    build(spec, replication, kinds);
    if (!spec.schedule.empty()) build_epochs();
  }

  void build_epochs() {
    std::vector<std::size_t> order(spec.schedule.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return spec.schedule[a].at < spec.schedule[b].at;
    });
    ScenarioSpec current = spec;
    epochs.push_back(std::make_unique<Epoch>());
    build(current, epochs.back()->replication, epochs.back()->kinds);
    std::vector<std::uint8_t> retuned(spec.components.size(), 0);
    for (std::size_t j = 0; j < order.size();) {
      auto epoch = std::make_unique<Epoch>();
      epoch->at = spec.schedule[order[j]].at;
      for (; j < order.size() && spec.schedule[order[j]].at == epoch->at; ++j) {
        const auto target = apply_change(current, spec.schedule[order[j]]);
        if (const auto* fault = std::get_if<std::string>(&target))
          throw std::invalid_argument(*fault);
        const auto& changed = std::get<ChangeTarget>(target);
        if (changed.component != none && changed.state &&
            std::find(epoch->retuned.begin(), epoch->retuned.end(), changed.component) ==
                epoch->retuned.end()) {
          epoch->retuned.push_back(changed.component);
          retuned[changed.component] = 1;
        }
      }
      validate(current);
      build(current, epoch->replication, epoch->kinds, &spec);
      replication.widen_event_limit(epoch->replication);
      epochs.push_back(std::move(epoch));
    }
    for (std::uint32_t i = 0; i < retuned.size(); ++i)
      if (retuned[i] != 0) ever_retuned.push_back(i);
  }

  // The components in `nodes` take their states in `from` (the kinds' retune()).
  void retune(const Epoch& from, const std::vector<std::uint32_t>& nodes) {
    replication.retune(from.replication);
    for (const std::uint32_t node : nodes) {
      const Node& n = replication.node(node);
      with_kind(n.kind, [&](auto kind) {
        using K = KindOf<decltype(kind)>;
        if constexpr (requires(typename K::State & s) { K::retune(replication, s, s, node); }) {
          K::retune(replication, kinds.of<K>()[n.index], from.kinds.of<K>()[n.index], node);
        } else {
          throw std::logic_error("a schedule retunes a kind without retune()");
        }
      });
    }
  }

  // At a replication's start, before the kinds' reset: the spec at time 0 again.
  void restore() {
    const Epoch& base = *epochs.front();
    replication.retune(base.replication);
    for (const std::uint32_t node : ever_retuned) {
      const Node& n = replication.node(node);
      with_kind(n.kind, [&](auto kind) {
        using K = KindOf<decltype(kind)>;
        kinds.of<K>()[n.index] = base.kinds.of<K>()[n.index];
      });
    }
  }

  void reset(std::uint64_t seed, std::uint32_t point, std::uint32_t replication_index,
             ReplicationMetrics& out) {
    replication.begin(seed, point, replication_index, out);
    if (!epochs.empty()) restore();
    for_each_kind([&](auto kind) {
      using K = KindOf<decltype(kind)>;
      if constexpr (requires(typename K::State & s) { K::reset(s, 0u, replication); })
        kinds.each<K>([&](auto& state, std::uint32_t node) { K::reset(state, node, replication); });
    });
    // Initial events in list order, then component order: the order of equal-time
    // events that follows from it is part of the trajectory.
    for_each_kind([&](auto kind) {
      using K = KindOf<decltype(kind)>;
      if constexpr (requires(typename K::State & s) { K::start(s, 0u, replication); })
        kinds.each<K>([&](auto& state, std::uint32_t node) { K::start(state, node, replication); });
    });
    // Changes at a time come before what happens to components then (Priority::component
    // and scheduled first), and so before arrivals.
    for (std::uint32_t j = 1; j < epochs.size(); ++j)
      if (epochs[j]->at < replication.horizon())
        replication.queue().schedule(epochs[j]->at, static_cast<std::int32_t>(Priority::component),
                                     schedule_event, j, 0);
  }

  // The engine's side of the model (engine::EventHandler). An event's kind is its
  // component kind's index and the index of the event among that kind's events; its
  // target, the component (Replication::schedule makes them so).
  bool handle(const engine::Event& e) {
    if (e.kind == schedule_event) {
      retune(*epochs[e.target], epochs[e.target]->retuned);
      return true;
    }
    const std::size_t kind = e.kind >> 8;
    const auto event = static_cast<std::uint8_t>(e.kind & 0xff);
    bool handled = false;
    with_kind(kind, [&](auto k) {
      using K = KindOf<decltype(k)>;
      if constexpr (requires { K::events; }) {
        const KindEvent at{event, e.target, replication.node(e.target).index, e.payload};
        handled = event < K::events.size() && K::handle(replication, kinds.of<K>(), at);
      }
    });
    return handled;
  }

  TraceEvent traced(const engine::Event& e) const {
    if (e.kind == schedule_event) return {e.time, "schedule", 0};
    const std::size_t kind = e.kind >> 8, event = e.kind & 0xff;
    const auto events =
        kind < kind_count ? kind_info(kind).events : std::span<const std::string_view>();
    return {e.time, event < events.size() ? events[event] : std::string_view("unknown"), e.target};
  }

  std::string describe(const engine::Event& e) const {
    const TraceEvent t = traced(e);
    const std::string target = t.component < spec.components.size()
                                   ? "component '" + spec.components[t.component].id + "'"
                                   : "target " + std::to_string(e.target);
    return "event '" + std::string(t.what) + "' (kind " + std::to_string(e.kind) + ") at " + target;
  }
};

Simulation::Simulation(const ScenarioSpec& spec) : state_(std::make_unique<State>(spec)) {}
Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

const ScenarioSpec& Simulation::spec() const { return state_->spec; }

void Simulation::run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
                     ReplicationMetrics& out, Trace* trace) {
  State& s = *state_;
  Replication& r = s.replication;
  s.reset(seed, point, replication, out);
  // The model's trace on the engine's observer hook: stable names and component indices.
  class TraceObserver final : public engine::Observer {
   public:
    TraceObserver(const State& state, Trace& trace) : state_(state), trace_(trace) {}
    void on_event(const engine::Event& event) override { trace_.on_event(state_.traced(event)); }

   private:
    const State& state_;
    Trace& trace_;
  };
  try {
    if (trace != nullptr) {
      TraceObserver observer(s, *trace);
      engine::run_until(r.queue(), r.horizon(), s, &observer);
    } else {
      engine::run_until(r.queue(), r.horizon(), s);
    }
  } catch (const engine::EventLimitExceeded& e) {
    throw engine::EventLimitExceeded(
        "scenario '" + s.spec.name + "': replication " + std::to_string(replication) +
        " exceeded the event limit of " + std::to_string(r.event_limit()) +
        (r.event_limit_derived()
             ? " (derived from the expected load; set scenario.event_limit to raise it)"
             : " (scenario.event_limit)") +
        ": " + e.what());
  }
  out.in_flight = r.live();
  out.events = r.queue().events_processed();
  if (!out.first_harm_observed) out.time_to_first_harm = r.horizon();
}

}  // namespace stsim::model
