#pragma once
// The source: the environment, where tasks are born. An arrival process (Poisson, or
// non-homogeneous with a periodic profile); at birth each task gets its context and
// intent from the source's draws, and its observable score and difficulty, also the
// source's draws, where first read (docs/model.md, Birth).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

struct SourceSpec {
  double rate = 10.0;  // tasks per hour
  // Optional time-varying profile: multipliers of the rate over equal slices of
  // profile_period (e.g. 24 hourly values). Empty = constant rate.
  std::vector<double> profile;
  Time profile_period = 24.0;
};

struct Source {
  using Spec = SourceSpec;
  static constexpr std::string_view name = "source";
  static constexpr Role role = Role::entry;
  static constexpr std::array<PortInfo, 1> ports = {{{"pass", HazardFlow::carried}}};
  enum Event : std::uint8_t { arrival };
  static constexpr std::array<std::string_view, 1> events = {"arrival"};

  struct State {
    SourceSpec spec;
    random::Stream arrivals;
    std::uint64_t births = 0;          // tasks born so far: the next task's birth number
    engine::EventHandle pending = {};  // the next arrival
  };

  static std::span<const ComponentKey> keys();
  static State build(const Spec& spec, std::uint32_t node, Builder& builder);
  static void reset(State& s, std::uint32_t node, Replication& r);
  static void start(State& s, std::uint32_t node, Replication& r);
  static bool handle(Replication& r, std::vector<State>& states, KindEvent e);
  // A schedule may change the rate and the profile's period (docs/model.md, Change over
  // time).
  static bool retunes(std::string_view key) { return key == "rate" || key == "profile_period"; }
  static void retune(Replication& r, State& s, const State& tuned, std::uint32_t node);

  static NodeStyle style(const Spec&) { return {"invhouse", "#99DDFF"}; }
  static std::optional<std::string> outside_analytic(const Spec& spec,
                                                     const ComponentSpec& component,
                                                     const ScenarioSpec& scenario);

  // The first arrival after `now`, or infinity if there is none before the horizon.
  static Time next_arrival(State& s, Time now, Time horizon);
};

}  // namespace stsim::model
