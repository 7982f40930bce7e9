#pragma once
// The monitor: gives every output a suspicion score, drawn from one distribution for
// outputs carrying an attack attempt and another for benign ones, and sends it out by one
// of three zones: audit (score at or above the audit threshold), defer (at or above the
// defer threshold) or pass (run). An untrusted monitor, a copy of the model, may collude:
// it scores its own attacks as benign (docs/model.md, Monitor).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

enum class ScoreDistribution : std::uint8_t { normal, beta };

// One score distribution: N(mean, sd) or Beta(alpha, beta).
struct ScoreSpec {
  double mean = 0.0, sd = 1.0;
  double alpha = 2.0, beta = 2.0;
};

struct MonitorSpec {
  ScoreDistribution distribution = ScoreDistribution::normal;
  ScoreSpec benign{0.0, 1.0, 2.0, 5.0};
  ScoreSpec attack{2.0, 1.0, 5.0, 2.0};
  // Zone boundaries, as scores or as exact false-positive rates on benign outputs (the
  // share of benign scores at or above the boundary); one of each pair, not both.
  double audit_threshold = infinity, defer_threshold = infinity;
  double audit_false_positive = 0.0, defer_false_positive = 0.0;
  bool trusted = true;
  double collusion = 0.0;  // untrusted: P(scoring an attack of the model as benign)
  // Set by the importance counterfactuals only (no key): added to an attack's probability
  // of scoring below each zone that exists, the sum kept within [0, 1].
  double attack_miss_shift = 0.0;
};

struct Monitor {
  using Spec = MonitorSpec;
  static constexpr std::string_view name = "monitor";
  enum Port : PortIndex { pass, audit, defer };
  static constexpr std::array<PortInfo, 3> ports = {{{"pass", HazardFlow::carried},
                                                     {"audit", HazardFlow::carried},
                                                     {"defer", HazardFlow::carried}}};

  struct State {
    MonitorSpec spec;
    // P(score < boundary) for benign and for attack scores: the zone of a score drawn
    // by inversion from uniform u is audit iff u >= below_audit, defer iff u >= below_defer.
    double below_audit[2] = {1.0, 1.0}, below_defer[2] = {1.0, 1.0};
  };

  static std::span<const ComponentKey> keys();
  static std::span<const KeyGroup> groups();
  static void validate(const Spec& spec, const ComponentSpec& component, const ScenarioSpec&,
                       std::vector<std::string>& faults);
  static State build(const Spec& spec, std::uint32_t node, Builder& builder);

  // The boundaries of the zones as scores (a false-positive rate turned into a quantile
  // of the benign distribution).
  static double audit_boundary(const Spec& spec);
  static double defer_boundary(const Spec& spec);
  // P(score >= x) for benign (attack = false) or attack scores.
  static double above(const Spec& spec, bool attack, double x);

  static PortIndex step(Replication& r, State& m, Task& t, std::uint32_t, std::uint32_t node) {
    const TaskDraws d = r.draws(t, node);
    // A colluding copy of the model scores its own attack as a benign output.
    const bool scored_as_attack =
        t.attack != Attack::no_attempt && !d.chance(random::Purpose::collusion, m.spec.collusion);
    const int k = scored_as_attack ? 1 : 0;
    const double u = d.uniform(random::Purpose::suspicion);
    t.audit_zone = u >= m.below_audit[k];
    if (t.audit_zone) return audit;
    if (u >= m.below_defer[k]) return defer;
    return pass;
  }

  // It is no layer (every port carries a hazard on), but it chooses what the audit after
  // it examines, so importance measures it as one. Perfect: every attack in its highest
  // zone, no collusion. Removed: no zone, every output passes. Nudged: an attack's
  // probability of missing each zone raised by the step.
  static constexpr bool steers_layers = true;
  static void counterfactual(Spec& spec, Counterfactual c, double step) {
    switch (c) {
      case Counterfactual::perfect:
        spec.collusion = 0.0;
        spec.attack_miss_shift = -1.0;
        break;
      case Counterfactual::removed:
        spec.audit_threshold = spec.defer_threshold = infinity;
        spec.audit_false_positive = spec.defer_false_positive = 0.0;
        break;
      case Counterfactual::nudged:
        spec.attack_miss_shift = step;
        break;
    }
  }

  // Every parameter may change during a replication: the state is nothing but them.
  static bool retunes(std::string_view) { return true; }
  static void retune(Replication&, State& s, const State& tuned, std::uint32_t) { s = tuned; }
  static NodeStyle style(const Spec&) { return {"trapezium", "#AAAA00"}; }
  static std::string label(const Spec& spec) {
    return spec.trusted ? "monitor, trusted" : "monitor, untrusted";
  }
};

}  // namespace stsim::model
