#pragma once
// The outcome: where a task ends. At an acted outcome its output is acted on: a harm if
// it is hazardous, utility if not; at a stopped one it is held (docs/model.md, Terminal
// states).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

struct OutcomeSpec {
  bool acted = true;  // outputs reaching it are acted on (harm or utility); else stopped
};

struct Outcome {
  using Spec = OutcomeSpec;
  static constexpr std::string_view name = "outcome";
  static constexpr Role role = Role::terminal;
  static constexpr std::array<PortInfo, 0> ports = {};

  struct State {
    OutcomeSpec spec;
  };

  static std::span<const ComponentKey> keys();
  static State build(const Spec& spec, std::uint32_t, Builder&) { return {spec}; }

  static PortIndex step(Replication& r, State& o, Task& t, std::uint32_t id, std::uint32_t node) {
    if (o.spec.acted) {
      if (t.hazardous) {
        r.harm(t);
        r.finish(id, Terminal::harm, none);
      } else {
        r.finish(id, t.output == Output::refused ? Terminal::lost : Terminal::served, none);
      }
    } else {
      r.finish(id, t.hazardous ? Terminal::near_miss : Terminal::lost,
               t.stopped_by != none ? t.stopped_by : node);
    }
    return kept;
  }

  static bool acts(const Spec& spec) { return spec.acted; }
  static NodeStyle style(const Spec& spec) {
    return spec.acted ? NodeStyle{"doublecircle", "#44BB99"} : NodeStyle{"circle", "#DDDDDD", true};
  }
  static std::string label(const Spec& spec) { return spec.acted ? "acted" : "stopped"; }
  static void branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in);
};

}  // namespace stsim::model
