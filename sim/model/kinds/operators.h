#pragma once
// Operators: a pool of human reviewers with one FIFO queue. A review takes time; its
// outcome depends on vigilance over the shift, trust in the AI, alarm fatigue, workload
// and drift (docs/model.md, Operators).

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/drift.h"
#include "sim/model/kind.h"
#include "sim/model/replication.h"

namespace stsim::model {

class Builder;

enum class ServiceDistribution : std::uint8_t { exponential, lognormal, fixed };

struct OperatorSpec {
  std::uint32_t count = 1;
  Time review_time = 0.05;  // mean hours per review
  ServiceDistribution review_distribution = ServiceDistribution::exponential;
  double review_cv = 1.0;  // coefficient of variation (lognormal)
  std::uint32_t max_queue = std::numeric_limits<std::uint32_t>::max();  // else "overflow"
  Time shift_length = 8.0;  // vigilance recovers at each shift change (infinity: never)
  double detect = 0.9;      // P(catch a hazard) when fresh, checking and unloaded
  // Vigilance: 1 at shift start, decays towards vigilance_floor with this time constant.
  double vigilance_floor = 1.0;
  Time vigilance_time_constant = 2.0;
  // Trust in the AI: rises by trust_gain * (1 - trust) per output seen correct, falls
  // by trust_loss * trust per error caught. The chance of checking an unflagged output
  // is 1 - automation_bias * trust.
  double trust_initial = 0.5;
  double trust_gain = 0.0;
  double trust_loss = 0.0;
  double automation_bias = 0.0;
  // Alarm fatigue: the chance of heeding a flag is the credibility of past flags, an
  // exponentially weighted share of true alarms with this memory (in alarms).
  double alarm_memory = 20.0;
  double alarm_credibility_initial = 1.0;
  // Workload: thoroughness (review time and detection) scales by 1 / (1 + queue / workload_scale).
  double workload_scale = infinity;
  double false_reject = 0.0;  // P(reject a non-hazardous output)
  double slip = 0.0;          // P(turn a correct output into a hazardous one)
  DriftSpec drift;
  // detect and false_reject in some contexts, instead of the pool's own.
  ByContext detect_by_context, false_reject_by_context;
  // Individual reviewers: each has its own trust, alarm credibility and vigilance clock,
  // and takes the parameters below by reviewer index ("0", "1", ...) where they name it.
  bool individual = false;
  ByContext detect_by_reviewer, false_reject_by_reviewer, automation_bias_by_reviewer,
      trust_initial_by_reviewer, vigilance_floor_by_reviewer;
  // Staggered shifts: the time of each reviewer's first shift change (0 by default).
  ByContext shift_start_by_reviewer;
};

struct Operators {
  using Spec = OperatorSpec;
  static constexpr std::string_view name = "operators";
  enum Port : PortIndex { pass, block, overflow };
  static constexpr std::array<PortInfo, 3> ports = {{{"pass", HazardFlow::carried},
                                                     {"block", HazardFlow::stopped},
                                                     {"overflow", HazardFlow::carried}}};
  enum Event : std::uint8_t { review_done };
  static constexpr std::array<std::string_view, 1> events = {"review_done"};
  static constexpr bool can_fail = true;

  // One reviewer's parameters (individual pools), from the spec and its _by_reviewer tables.
  struct ReviewerParameters {
    std::vector<double> detect, false_reject;  // per context index
    double automation_bias = 0.0, trust_initial = 0.5, vigilance_floor = 1.0;
    Time shift_start = 0.0;
  };
  struct Reviewer {
    double trust = 0.0, credibility = 1.0;
    Time idle_since = 0.0;
    bool busy = false;
    std::uint32_t task = 0;  // the task under review, while busy
  };

  struct State {
    OperatorSpec spec;
    std::uint32_t node = 0;
    std::uint32_t pool = 0;                      // index into ReplicationMetrics::operators
    double review_mu = 0.0, review_sigma = 0.0;  // lognormal parameters
    std::vector<double> detect, false_reject;    // per context index
    std::uint32_t busy = 0;
    std::vector<std::uint32_t> ring;  // FIFO of waiting task ids, capacity a power of two
    std::size_t head = 0, waiting = 0;
    double trust = 0.0;
    double credibility = 1.0;
    // Whether the current busy period (from a task entering the empty pool until it is
    // empty again) has filled the pool.
    bool period_filled = false;
    // Individual pools only: the parameters of reviewers 0 .. count - 1, and the state of
    // every reviewer (after a schedule lowers count, those beyond it finish their reviews).
    std::vector<ReviewerParameters> reviewer_parameters;
    std::vector<Reviewer> reviewers;
  };

  static std::span<const ComponentKey> keys();
  static std::span<const KeyGroup> groups();
  static State build(const Spec& spec, std::uint32_t node, Builder& builder);
  static void reset(State& op, std::uint32_t node, Replication& r);
  // A review ends: the next waiting task starts its review, and the task leaves by the
  // port the review chose.
  static bool handle(Replication& r, std::vector<State>& states, KindEvent e) {
    if (e.event != review_done) return false;
    State& op = states[e.index];
    --op.busy;
    if (op.spec.individual) free_reviewer(r, op, e.payload);
    if (r.queue_measure().active()) r.queue_measure().left();
    if (op.waiting > 0) start_next(r, op);
    r.leave(e.payload, e.node, r.task(e.payload).decided);
    return true;
  }

  // A task offered to the pool: reviewed now, queued, or turned away by a full queue.
  static PortIndex step(Replication& r, State& op, Task& t, std::uint32_t id, std::uint32_t) {
    t.enqueued = r.now();
    if (op.busy < op.spec.count) {
      // Counted in before its review is drawn, under the measure a full pool sets.
      if (r.queue_measure().active()) r.queue_measure().entered();
      count_entry(r, op);
      start_review(r, op, id);
      return kept;
    }
    if (op.waiting >= op.spec.max_queue) {
      ++r.metrics().operators[op.pool].overflowed;
      return overflow;
    }
    if (r.queue_measure().active()) r.queue_measure().entered();
    count_entry(r, op);
    if (op.waiting == op.ring.size()) grow(op);
    op.ring[(op.head + op.waiting) & (op.ring.size() - 1)] = id;
    ++op.waiting;
    return kept;
  }

  static bool is_layer(const Spec&) { return true; }
  // Perfect: reviews every task it is offered (no overflow) and catches every hazard it
  // checks, at full vigilance, unloaded, without automation bias, drift or slips (a flag
  // is still heeded only as often as flags were true). Removed: catches nothing, rejects
  // and spoils nothing. Nudged: its base detection lowered by the step.
  static void counterfactual(Spec& spec, Counterfactual c, double step) {
    spec.detect = detection_under(c, spec.detect, step);
    for (auto& [context, detect] : spec.detect_by_context)
      detect = detection_under(c, detect, step);
    if (c == Counterfactual::nudged) return;
    spec.slip = 0.0;
    if (c == Counterfactual::removed) {
      spec.false_reject = 0.0;
      for (auto& [context, reject] : spec.false_reject_by_context) reject = 0.0;
      return;
    }
    spec.max_queue = std::numeric_limits<std::uint32_t>::max();
    spec.vigilance_floor = 1.0;
    spec.workload_scale = infinity;
    spec.automation_bias = 0.0;
    spec.drift.enabled = false;
  }
  // Any parameter but the initial trust and credibility (set at a replication's start) may
  // change during a replication; reviews under way keep what was decided at their start.
  // An individual pool's reviewers and their own parameters are fixed for a replication.
  static bool retunes(std::string_view key) {
    return key != "trust_initial" && key != "alarm_credibility_initial" && key != "individual" &&
           !key.ends_with("_by_reviewer");
  }
  static void retune(Replication& r, State& op, const State& tuned, std::uint32_t node);
  static NodeStyle style(const Spec&) { return {"ellipse", "#FFAABB"}; }
  static void validate(const Spec& spec, const ComponentSpec& component, const ScenarioSpec&,
                       std::vector<std::string>& faults);
  static std::optional<std::string> outside_analytic(const Spec& spec, const ComponentSpec&,
                                                     const ScenarioSpec&);
  static void branch(const Spec& spec, Branching& b, std::uint32_t node, const Branch& in);

 private:
  // Everything about a review is decided when it starts; the task leaves when it ends.
  static void start_review(Replication& r, State& op, std::uint32_t id);
  // The review of the task that has waited longest starts.
  static void start_next(Replication& r, State& op) {
    const std::uint32_t next = op.ring[op.head];
    op.head = (op.head + 1) & (op.ring.size() - 1);
    --op.waiting;
    start_review(r, op, next);
  }
  static void grow(State& op);
  // The reviewer of task `id` is free again.
  static void free_reviewer(Replication& r, State& op, std::uint32_t id);
  // A task enters the pool: a busy period starts if it was empty, and one that brings a
  // finite pool to its capacity fills it (operator_fill_before_empty).
  static void count_entry(Replication& r, State& op);
};

}  // namespace stsim::model
