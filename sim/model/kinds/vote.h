#pragma once
// The vote: a k-out-of-n group of identical channels (safeguards or monitors), as the
// functional-safety standards build redundancy. Each channel detects per demand and can
// fail latently, found by proof tests (simultaneous or staggered) and repaired; the
// group flags when at least `required` of its working channels flag. Common causes over
// the group, for per-demand misses and latent failures alike: beta factor (IEC 61508-6
// convention), multiple Greek letter or alpha factor (NUREG/CR-5485). docs/model.md, Vote.

#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/kind.h"
#include "sim/model/kinds/flagging.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

// By index, as common_cause.model names them: "none" (independent channels), "beta", "mgl",
// "alpha".
enum class CommonCauseModel : std::uint8_t { independent, beta, mgl, alpha };

// How a channel's failures divide into events of each multiplicity (how many channels
// one event fails). Every model keeps each channel's total: a channel fails at its own
// rate (or misses with its own probability per demand), of which a share is common.
struct CommonCauseSpec {
  CommonCauseModel model = CommonCauseModel::independent;
  double beta = 0.0;          // beta factor; in the MGL model, rho_2
  double gamma = 0.0;         // MGL rho_3: of the common failures, the share that fail a third
  double delta = 0.0;         // MGL rho_4: of those, the share that fail a fourth
  std::vector<double> alpha;  // alpha factors, one per multiplicity 1..channels
};

struct VoteSpec {
  std::uint32_t channels = 2;
  std::uint32_t required = 1;  // the group flags when at least this many channels flag
  double detect_error = 0.9;   // per channel and demand, when up
  double detect_misuse = 0.0;
  double false_alarm = 0.01;  // per channel, on a non-hazardous output
  // Overrides of the three by context name.
  ByContext detect_error_by_context, detect_misuse_by_context, false_alarm_by_context;
  bool blocks = true;
  double latent_failure_rate = 0.0;  // per channel and hour, its common part included
  Time test_interval = 0.0;          // proof tests of each channel (0 = never)
  bool staggered_tests = false;      // channel i tested at i T / n, then every T
  Time repair_time = 0.0;
  CommonCauseSpec common_cause;
};

struct Vote {
  using Spec = VoteSpec;
  static constexpr std::string_view name = "vote";
  static constexpr std::uint32_t max_channels = 4;
  static constexpr std::uint32_t max_sets = (1u << max_channels) - 1;  // sets of channels
  enum Port : PortIndex { pass, block };
  static_assert(pass == flagging::pass && block == flagging::block);
  static constexpr std::array<PortInfo, 2> ports = {
      {{"pass", HazardFlow::carried}, {"block", HazardFlow::stopped}}};
  enum Event : std::uint8_t { latent_failure, proof_test, repair_done };
  static constexpr std::array<std::string_view, 3> events = {
      "latent_failure",  // fails a set of channels at once (one, or several by a common cause)
      "proof_test",      // of one channel (the payload)
      "repair_done"};
  static constexpr bool can_fail = true;

  // Per set of channels (a bit mask; index mask - 1), from a channel's total failure
  // intensity h: the intensity of events failing exactly that set.
  using SetValues = std::array<double, max_sets>;

  struct State {
    VoteSpec spec;
    std::uint32_t node = 0;
    std::uint32_t all = 0;                // mask of the group's channels
    std::uint32_t down = 0;               // channels down (a latent failure)
    std::uint32_t found = 0;              // of them, found and under repair
    std::uint32_t down_common = 0;        // of them, down through a common-cause event
    flagging::ByContextIndex by_context;  // its probabilities in each context
    // P(an event fails this set on a demand), for model errors [0] and misuse [1], by
    // context.
    std::vector<std::array<SetValues, 2>> demand_shock;
    SetValues latent_rate{};  // per hour
    double latent_total = 0.0;
    random::Stream latent_failure;  // not about a task: its own stream
  };

  static std::span<const ComponentKey> keys();
  static std::span<const KeyGroup> groups();
  static void validate(const Spec& spec, const ComponentSpec& component, const ScenarioSpec&,
                       std::vector<std::string>& faults);
  static State build(const Spec& spec, std::uint32_t node, Builder& builder);
  static void reset(State& g, std::uint32_t node, Replication& r);
  static void start(State& g, std::uint32_t node, Replication& r);
  static bool handle(Replication& r, std::vector<State>& states, KindEvent e);
  // Found down (by an audit of a task that passed it): every down channel is repaired.
  static void reveal(Replication& r, State& g);

  // The intensity of events failing each set of channels, from a channel's total
  // intensity h, by the common-cause model. Sets of one size share the intensity alike.
  static SetValues set_intensities(const Spec& spec, double h);
  // P(an event fails the set on one demand) for a channel missing with probability q:
  // a channel's misses are a Poisson shock of intensity -ln(1 - q), split into sets.
  static SetValues demand_shocks(const Spec& spec, double q);
  // When channel i is first tested (each test then schedules the next, T later).
  static Time first_test(const Spec& spec, std::uint32_t channel);

  static PortIndex step(Replication& r, State& g, Task& t, std::uint32_t, std::uint32_t node) {
    // Draws keyed by the set of channels (k = its mask) and by the channel, so that a
    // channel's draws are the same whatever the group's size.
    if (r.node(node).down_bit != 0) r.weigh_latent(t);
    const TaskDraws d = r.draws(t, node);
    using random::Purpose;
    const std::uint32_t up = g.all & ~g.down;
    const auto required = static_cast<int>(g.spec.required);
    bool flag = false;
    if (g.down != 0) t.down_passed |= r.node(node).down_bit;
    if (t.hazardous) {
      const auto& shock = g.demand_shock[t.context][t.origin == HarmOrigin::misuse ? 1 : 0];
      std::uint32_t missed = 0, missed_alone = 0;
      for (std::uint32_t set = 1; set <= g.all; ++set) {
        if (d.chance(Purpose::detection, shock[set - 1], set)) {
          missed |= set;
          if (std::has_single_bit(set)) missed_alone |= set;
        }
      }
      flag = std::popcount(up & ~missed) >= required;
      // It would have flagged but for the events failing several channels at once.
      if (!flag && std::popcount((up | g.down_common) & ~missed_alone) >= required)
        t.common_cause = true;
    } else {
      int alarms = 0;
      for (std::uint32_t i = 0; i < g.spec.channels; ++i)
        if ((up >> i & 1u) != 0 &&
            d.chance(Purpose::false_alarm, g.by_context.false_alarm[t.context], i))
          ++alarms;
      flag = alarms >= required;
      if (flag) {
        ++r.metrics().false_alarms;
        r.weigh(Weighed::false_alarms, t);
      }
    }

    return flagging::route(r, t, node, g.spec, g.by_context.detection(t), flag);
  }

  static bool is_layer(const Spec& spec) { return spec.blocks; }
  // Perfect: every channel flags every hazard, never fails latently, shares no cause.
  // Removed: no channel flags anything. Nudged: each channel's detection probabilities
  // lowered by the step (the group's Birnbaum measure for its channels' quality).
  static void counterfactual(Spec& spec, Counterfactual c, double step) {
    flagging::counterfactual_detection(spec, c, step);
    if (c == Counterfactual::perfect) {
      spec.latent_failure_rate = 0.0;
      spec.common_cause = CommonCauseSpec{};
    }
  }
  static HazardFlow hazard_flow(const Spec& spec, PortIndex port) {
    return flagging::hazard_flow(spec, port);
  }
  static bool port_used(const Spec& spec, PortIndex port) {
    return flagging::port_used(spec, port);
  }
  static NodeStyle style(const Spec&) { return {"hexagon", "#DDCC77"}; }
  static std::string label(const Spec& spec) {
    return std::to_string(spec.required) + "oo" + std::to_string(spec.channels) + " vote" +
           (spec.blocks ? "" : ", alarm only");
  }
  static std::optional<std::string> outside_analytic(const Spec& spec, const ComponentSpec&,
                                                     const ScenarioSpec& scenario);
  static void branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in);

 private:
  static void fail_channels(Replication& r, State& g, std::uint32_t set);
  static void find_channel(Replication& r, State& g, std::uint32_t channel);
};

}  // namespace stsim::model
