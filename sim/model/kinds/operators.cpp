#include "sim/model/kinds/operators.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/model/branching.h"
#include "sim/model/builder.h"
#include "sim/model/key_fields.h"
#include "sim/random/distributions.h"
#include "sim/stats/quantile_sketch.h"

namespace stsim::model {

namespace {

constexpr std::int64_t u32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::array<std::string_view, 3> distribution_names = {"exponential", "lognormal",
                                                                "fixed"};
// A coefficient of variation beyond this is a slip (a percentage?); its square must stay
// finite in the lognormal's sigma.
constexpr double max_review_cv = 100.0;

}  // namespace

std::span<const ComponentKey> Operators::keys() {
  static const std::vector<ComponentKey> keys = [] {
    std::vector<ComponentKey> k = {
        {"count", integer(1, u32_max), "1", "Number of people reviewing in parallel",
         field<&OperatorSpec::count>},
        {"review_time", duration(true), "3m", "Mean time of one review",
         field<&OperatorSpec::review_time>},
        {"review_distribution", choice(distribution_names), "\"exponential\"",
         "Distribution of review times", field<&OperatorSpec::review_distribution>},
        {"review_cv", number_at_least(0.0, max_review_cv), "1",
         "Coefficient of variation of review times (lognormal)", field<&OperatorSpec::review_cv>},
        {"max_queue", integer(0, u32_max), "unbounded",
         "Longest queue; tasks arriving at a full queue leave by overflow",
         field<&OperatorSpec::max_queue>},
        {"shift_length", duration(true, true), "8h",
         "Length of a shift; vigilance recovers at each shift change (\"inf\": never)",
         field<&OperatorSpec::shift_length>},
        {"detect", probability(), "0.9",
         "Probability of catching a hazard when fresh, checking and unloaded",
         field<&OperatorSpec::detect>},
        {"vigilance_floor", probability(), "1",
         "Level vigilance decays towards during a shift (1 = no decay)",
         field<&OperatorSpec::vigilance_floor>},
        {"vigilance_time_constant", duration(true), "2h", "Time constant of the decay of vigilance",
         field<&OperatorSpec::vigilance_time_constant>},
        {"trust_initial", probability(), "0.5", "Trust in the AI at the start",
         field<&OperatorSpec::trust_initial>},
        {"trust_gain", probability(), "0",
         "Share of the remaining distrust lost per output seen correct",
         field<&OperatorSpec::trust_gain>},
        {"trust_loss", probability(), "0", "Share of trust lost per error caught",
         field<&OperatorSpec::trust_loss>},
        {"automation_bias", probability(), "0",
         "The chance of checking an unflagged output is 1 - automation_bias * trust",
         field<&OperatorSpec::automation_bias>},
        {"alarm_memory", number_at_least(1.0), "20",
         "Memory, in alarms, of the credibility of past flags", field<&OperatorSpec::alarm_memory>},
        {"alarm_credibility_initial", probability(), "1", "Credibility of flags at the start",
         field<&OperatorSpec::alarm_credibility_initial>},
        {"workload_scale", number_above(0.0, true), "inf (no workload effect)",
         "Queue length at which thoroughness halves", field<&OperatorSpec::workload_scale>},
        {"false_reject", probability(), "0", "Probability of rejecting a non-hazardous output",
         field<&OperatorSpec::false_reject>},
        {"slip", probability(), "0", "Probability of turning a correct output into a hazardous one",
         field<&OperatorSpec::slip>},
        {"detect_by_context", probability(), "detect", "detect in this context, instead of detect",
         field<&OperatorSpec::detect_by_context>, true},
        {"false_reject_by_context", probability(), "false_reject",
         "false_reject in this context, instead of false_reject",
         field<&OperatorSpec::false_reject_by_context>, true},
        {"individual", boolean(), "false",
         "Each reviewer has its own trust, alarm credibility and vigilance clock, and takes a "
         "waiting task when it has been idle longest",
         field<&OperatorSpec::individual>},
        {"detect_by_reviewer", probability(), "detect", "detect of this reviewer (individual)",
         field<&OperatorSpec::detect_by_reviewer>, false, true},
        {"false_reject_by_reviewer", probability(), "false_reject",
         "false_reject of this reviewer (individual)",
         field<&OperatorSpec::false_reject_by_reviewer>, false, true},
        {"automation_bias_by_reviewer", probability(), "automation_bias",
         "automation_bias of this reviewer (individual)",
         field<&OperatorSpec::automation_bias_by_reviewer>, false, true},
        {"trust_initial_by_reviewer", probability(), "trust_initial",
         "trust_initial of this reviewer (individual)",
         field<&OperatorSpec::trust_initial_by_reviewer>, false, true},
        {"vigilance_floor_by_reviewer", probability(), "vigilance_floor",
         "vigilance_floor of this reviewer (individual)",
         field<&OperatorSpec::vigilance_floor_by_reviewer>, false, true},
        {"shift_start_by_reviewer", duration(false), "0",
         "Time of this reviewer's first shift change, to stagger shifts (individual)",
         field<&OperatorSpec::shift_start_by_reviewer>, false, true},
    };
    add_drift_keys<&OperatorSpec::drift>(k);
    add_coverage_keys(k);
    return k;
  }();
  return keys;
}

std::span<const KeyGroup> Operators::groups() {
  static constexpr std::array<KeyGroup, 1> groups = {drift_group};
  return groups;
}

Operators::State Operators::build(const Spec& spec, std::uint32_t node, Builder& builder) {
  State op;
  op.spec = spec;
  op.node = node;
  op.pool = builder.add_pool();
  op.review_sigma = std::sqrt(std::log1p(spec.review_cv * spec.review_cv));
  op.review_mu = std::log(spec.review_time) - 0.5 * op.review_sigma * op.review_sigma;
  op.detect = builder.per_context(spec.detect, spec.detect_by_context);
  op.false_reject = builder.per_context(spec.false_reject, spec.false_reject_by_context);
  op.ring.resize(64);
  if (spec.individual) {
    op.reviewer_parameters.resize(spec.count);
    for (std::uint32_t i = 0; i < spec.count; ++i) {
      ReviewerParameters& p = op.reviewer_parameters[i];
      const std::string index = std::to_string(i);
      // A reviewer's own detect and false_reject are its base; the by_context tables still
      // set them in the contexts they name, for every reviewer.
      p.detect = builder.per_context(in_context(spec.detect_by_reviewer, index, spec.detect),
                                     spec.detect_by_context);
      p.false_reject =
          builder.per_context(in_context(spec.false_reject_by_reviewer, index, spec.false_reject),
                              spec.false_reject_by_context);
      p.automation_bias = in_context(spec.automation_bias_by_reviewer, index, spec.automation_bias);
      p.trust_initial = in_context(spec.trust_initial_by_reviewer, index, spec.trust_initial);
      p.vigilance_floor = in_context(spec.vigilance_floor_by_reviewer, index, spec.vigilance_floor);
      p.shift_start = in_context(spec.shift_start_by_reviewer, index, 0.0);
    }
  }
  builder.expect_event_per_task();  // the end of its review
  return op;
}

void Operators::reset(State& op, std::uint32_t, Replication& r) {
  op.busy = 0;
  op.head = 0;
  op.waiting = 0;
  op.trust = op.spec.trust_initial;
  op.credibility = op.spec.alarm_credibility_initial;
  op.period_filled = false;
  op.reviewers.assign(op.reviewer_parameters.size(), Reviewer{});
  for (std::size_t i = 0; i < op.reviewers.size(); ++i) {
    op.reviewers[i].trust = op.reviewer_parameters[i].trust_initial;
    op.reviewers[i].credibility = op.spec.alarm_credibility_initial;
  }
  OperatorPoolMetrics& pm = r.metrics().operators[op.pool];
  pm.capacity_time = static_cast<double>(op.spec.count) * r.horizon();
  for (const Reviewer& reviewer : op.reviewers) pm.reviewers.push_back({0, 0, 0, reviewer.trust});
}

void Operators::count_entry(Replication& r, State& op) {
  constexpr auto unbounded = std::numeric_limits<std::uint32_t>::max();
  if (op.spec.max_queue == unbounded) return;
  OperatorPoolMetrics& pm = r.metrics().operators[op.pool];
  const std::uint64_t before = op.busy + op.waiting;
  if (before == 0) {
    ++pm.busy_periods;
    op.period_filled = false;
  }
  if (op.period_filled || before + 1 < std::uint64_t{op.spec.count} + op.spec.max_queue) return;
  op.period_filled = true;
  ++pm.filled_periods;
  // Under the queue's change of measure a fill counts by the ratio of its cycle's draws
  // so far (a busy period lies within one cycle); the periods, the exposure, count
  // plainly: whether a cycle's first task enters the pool is drawn as written.
  r.weigh_event(Weighed::pool_fills, r.queue_measure().active() ? r.queue_measure().weight() : 1.0);
}

void Operators::grow(State& op) {
  // Only while warming up: the ring doubles, unrolled so that its head is at 0.
  std::vector<std::uint32_t> bigger(op.ring.size() * 2);
  for (std::size_t i = 0; i < op.waiting; ++i)
    bigger[i] = op.ring[(op.head + i) & (op.ring.size() - 1)];
  op.ring = std::move(bigger);
  op.head = 0;
}

void Operators::retune(Replication& r, State& op, const State& tuned, std::uint32_t) {
  // The capacity is in reviewer-hours: a new count holds from now to the horizon.
  r.metrics().operators[op.pool].capacity_time +=
      (static_cast<double>(tuned.spec.count) - static_cast<double>(op.spec.count)) *
      (r.horizon() - r.now());
  op.spec = tuned.spec;
  op.review_mu = tuned.review_mu;
  op.review_sigma = tuned.review_sigma;
  op.detect = tuned.detect;
  op.false_reject = tuned.false_reject;
  op.reviewer_parameters = tuned.reviewer_parameters;
  // Reviewers added by a larger count start fresh and idle since now.
  while (op.reviewers.size() < op.reviewer_parameters.size()) {
    Reviewer fresh;
    fresh.trust = op.reviewer_parameters[op.reviewers.size()].trust_initial;
    fresh.credibility = op.spec.alarm_credibility_initial;
    fresh.idle_since = r.now();
    op.reviewers.push_back(fresh);
    r.metrics().operators[op.pool].reviewers.push_back({0, 0, 0, fresh.trust});
  }
  // More reviewers take waiting tasks at once; with fewer, no review starts until the
  // reviews under way have brought the busy ones below the new count.
  while (op.busy < op.spec.count && op.waiting > 0) start_next(r, op);
}

void Operators::free_reviewer(Replication& r, State& op, std::uint32_t id) {
  for (Reviewer& reviewer : op.reviewers) {
    if (reviewer.busy && reviewer.task == id) {
      reviewer.busy = false;
      reviewer.idle_since = r.now();
      return;
    }
  }
}

void Operators::start_review(Replication& r, State& op, std::uint32_t id) {
  Task& t = r.task(id);
  const OperatorSpec& s = op.spec;
  // A pool's reviewers share one state, unless individual: then the task goes to the
  // reviewer idle longest (the lowest index among equals), which depends on no draw and
  // spreads the work evenly among reviewers of one speed. One is idle: busy < count.
  double* trust = &op.trust;
  double* credibility = &op.credibility;
  const std::vector<double>* detect = &op.detect;
  const std::vector<double>* false_reject = &op.false_reject;
  double automation_bias = s.automation_bias, vigilance_floor = s.vigilance_floor;
  Time shift_start = 0.0;
  OperatorPoolMetrics& pm = r.metrics().operators[op.pool];
  ReviewerMetrics* own = nullptr;  // the chosen reviewer's counts (individual)
  if (s.individual) {
    std::size_t chosen = op.reviewer_parameters.size();
    for (std::size_t i = 0; i < op.reviewer_parameters.size(); ++i)
      if (!op.reviewers[i].busy && (chosen == op.reviewer_parameters.size() ||
                                    op.reviewers[i].idle_since < op.reviewers[chosen].idle_since))
        chosen = i;
    Reviewer& reviewer = op.reviewers[chosen];
    const ReviewerParameters& p = op.reviewer_parameters[chosen];
    reviewer.busy = true;
    reviewer.task = id;
    trust = &reviewer.trust;
    credibility = &reviewer.credibility;
    detect = &p.detect;
    false_reject = &p.false_reject;
    automation_bias = p.automation_bias;
    vigilance_floor = p.vigilance_floor;
    shift_start = p.shift_start;
    own = &pm.reviewers[chosen];
  }
  const Time now = r.now();
  const TaskDraws d = r.draws(t, op.node);
  using random::Purpose;

  // Workload: a longer queue shortens reviews and makes them less thorough.
  const double thoroughness = std::isfinite(s.workload_scale)
                                  ? 1.0 / (1.0 + static_cast<double>(op.waiting) / s.workload_scale)
                                  : 1.0;
  // Vigilance decays with time since the start of the current shift.
  double vigilance = 1.0;
  if (vigilance_floor < 1.0) {
    // A staggered reviewer is mid-shift at time 0: its shift began shift_length before
    // its first change.
    Time on_shift = now;
    if (std::isfinite(s.shift_length)) {
      on_shift = std::fmod(now - shift_start, s.shift_length);
      if (on_shift < 0.0) on_shift += s.shift_length;
    }
    vigilance =
        vigilance_floor + (1.0 - vigilance_floor) * std::exp(-on_shift / s.vigilance_time_constant);
  }
  const double p_detect =
      std::min(1.0, (*detect)[t.context] * vigilance * thoroughness * r.drift(s.drift));

  double review = s.review_time;
  switch (s.review_distribution) {
    case ServiceDistribution::exponential:
      review = r.queue_measure().active()
                   ? r.queue_measure().review(-std::log(d.uniform(Purpose::service_time)))
                   : -s.review_time * std::log(d.uniform(Purpose::service_time));
      break;
    case ServiceDistribution::lognormal:
      review = std::exp(op.review_mu + op.review_sigma * random::normal_quantile(
                                                             d.uniform(Purpose::service_time)));
      break;
    case ServiceDistribution::fixed:
      break;
  }
  review *= thoroughness;

  ++pm.reviews;
  t.reviewed_by = op.node;
  if (t.enqueued < now) {
    ++pm.waited;
    pm.total_wait += now - t.enqueued;
  }
  // The review's length is drawn at its start, so its time in system is known now, also
  // when it ends past the horizon.
  const double in_system = now - t.enqueued + review;
  pm.total_in_system += in_system;
  ++r.metrics().time_in_system_buckets[op.pool * stats::LogBuckets::count() +
                                       stats::LogBuckets::index(in_system)];
  pm.busy_time += std::min(now + review, r.horizon()) - now;
  if (t.hazardous) ++pm.hazards_seen;
  if (own != nullptr) {
    ++own->reviews;
    if (t.hazardous) ++own->hazards_seen;
  }

  bool blocked = false;
  bool caught = false;
  if (t.alarm) {
    // Alarm fatigue: a flag is heeded as often as past flags were true.
    if (d.chance(Purpose::decision, *credibility, 0)) {
      blocked = true;
      caught = t.hazardous;
    }
    *credibility += ((t.hazardous ? 1.0 : 0.0) - *credibility) / s.alarm_memory;
  }
  const bool attempt = t.attack != Attack::no_attempt;
  if (!blocked && d.chance(Purpose::decision, 1.0 - automation_bias * *trust, 1)) {
    if ((t.hazardous || attempt) && d.chance(Purpose::detection, p_detect)) {
      blocked = true;
      caught = true;
      if (attempt) r.attack_caught();
    } else {
      // Seen as correct (including a hazard that was missed).
      *trust += s.trust_gain * (1.0 - *trust);
      if (!t.hazardous && d.chance(Purpose::false_alarm, (*false_reject)[t.context]))
        blocked = true;
    }
  }
  if (caught) {
    ++pm.caught;
    *trust -= s.trust_loss * *trust;
  }
  if (own != nullptr) {
    own->caught += caught && t.hazardous ? 1 : 0;  // an attempt caught may be harmless
    own->trust = *trust;
  }
  if (!blocked) {
    if (t.hazardous) {
      t.failed |= r.node(op.node).fail_bit;
      t.last_layer = op.node;
    } else if (t.output == Output::correct && r.hazardous(t.context) &&
               d.chance(Purpose::human_error, s.slip)) {
      // Interaction: the operator turns a correct output into a hazardous action.
      t.hazardous = true;
      t.origin = HarmOrigin::operator_induced;
      t.last_layer = op.node;
      ++r.metrics().hazardous_outputs;
      r.weigh(Weighed::hazardous_outputs, t);
    }
  }
  t.decided = blocked ? block : pass;
  ++op.busy;
  r.schedule(now + review, Priority::work_done, op.node, review_done, id);
}

void Operators::validate(const Spec& o, const ComponentSpec& component, const ScenarioSpec&,
                         std::vector<std::string>& faults) {
  const std::pair<std::string_view, const ByContext*> tables[] = {
      {"detect_by_reviewer", &o.detect_by_reviewer},
      {"false_reject_by_reviewer", &o.false_reject_by_reviewer},
      {"automation_bias_by_reviewer", &o.automation_bias_by_reviewer},
      {"trust_initial_by_reviewer", &o.trust_initial_by_reviewer},
      {"vigilance_floor_by_reviewer", &o.vigilance_floor_by_reviewer},
      {"shift_start_by_reviewer", &o.shift_start_by_reviewer}};
  const std::string who = "component '" + component.id + "'";
  if (o.individual && !o.shift_start_by_reviewer.empty() && !std::isfinite(o.shift_length))
    faults.push_back(who +
                     " sets shift_start_by_reviewer with shift_length = inf (no shift "
                     "changes); expected a finite shift_length");
  for (const auto& [key, table] : tables) {
    if (table->empty()) continue;
    if (!o.individual) {
      faults.push_back(who + " sets " + std::string(key) +
                       " without individual = true; expected individual = true");
      continue;
    }
    for (const auto& [index, value] : *table) {
      // The loader stores indices as digits; a spec built in code may not.
      const bool digits =
          !index.empty() && index.size() <= 9 &&
          std::all_of(index.begin(), index.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (!digits || std::stoul(index) >= o.count)
        faults.push_back("'" + component.id + "." + std::string(key) + "." + index +
                         "' names reviewer " + index + ", but count = " + std::to_string(o.count) +
                         "; expected a reviewer index from 0 to " + std::to_string(o.count - 1));
    }
  }
}

std::optional<std::string> Operators::outside_analytic(const Spec& o, const ComponentSpec&,
                                                       const ScenarioSpec&) {
  if (o.individual) {
    // Reviewers of one speed share the work evenly (idle longest first), so a task meets
    // each with probability 1 / count; vigilance and moving trust are refused as below.
    for (const auto& [index, floor] : o.vigilance_floor_by_reviewer)
      if (floor < 1.0)
        return "vigilance_floor_by_reviewer." + index + " = " + format_number(floor) +
               " < 1: vigilance decay over a shift has no closed form here";
    for (const auto& [index, bias] : o.automation_bias_by_reviewer)
      if (bias > 0.0 && (o.trust_gain > 0.0 || o.trust_loss > 0.0))
        return "automation_bias_by_reviewer." + index + " = " + format_number(bias) +
               " with trust_gain/trust_loss > 0: trust that moves with experience";
  }
  if (o.vigilance_floor < 1.0)
    return "vigilance_floor = " + format_number(o.vigilance_floor) +
           " < 1: vigilance decay over a shift has no closed form here";
  if (o.automation_bias > 0.0 && (o.trust_gain > 0.0 || o.trust_loss > 0.0))
    return "automation_bias = " + format_number(o.automation_bias) +
           " with trust_gain/trust_loss > 0: trust that moves with experience";
  if (std::isfinite(o.workload_scale))
    return "workload_scale = " + format_number(o.workload_scale) +
           ": thoroughness that depends on the queue length";
  if (o.drift.enabled) return std::string("drift.enabled = true: organisational drift");
  if (o.review_distribution != ServiceDistribution::exponential &&
      o.max_queue != std::numeric_limits<std::uint32_t>::max())
    return "max_queue = " + std::to_string(o.max_queue) +
           " with non-exponential reviews: the overflow of an M/G/c/K queue has no closed form";
  return std::nullopt;
}

void Operators::branch(const Spec& o, Branching& b, std::uint32_t node, const Branch& in) {
  Branch over = in;
  over.p *= b.overflow(node);
  b.leave(node, overflow, over);
  Branch rest = in;
  rest.p *= 1.0 - b.overflow(node);
  // The subset has no alarms here and constant trust, vigilance 1 and no workload effect.
  // Individual reviewers each take 1 / count of the tasks: the chances of checking and
  // catching (or rejecting) are their mean.
  const std::string_view context = b.context(rest.context).name;
  const std::uint32_t reviewers = o.individual ? o.count : 1;
  double check_detect = 0.0, check_reject = 0.0;
  for (std::uint32_t i = 0; i < reviewers; ++i) {
    const std::string index = std::to_string(i);
    auto own = [&](const ByContext& by_reviewer, double pool) {
      return o.individual ? in_context(by_reviewer, index, pool) : pool;
    };
    const double check = 1.0 - own(o.automation_bias_by_reviewer, o.automation_bias) *
                                   own(o.trust_initial_by_reviewer, o.trust_initial);
    check_detect +=
        check * in_context(o.detect_by_context, context, own(o.detect_by_reviewer, o.detect));
    check_reject += check * in_context(o.false_reject_by_context, context,
                                       own(o.false_reject_by_reviewer, o.false_reject));
  }
  check_detect /= reviewers;
  check_reject /= reviewers;
  if (rest.hazardous) {
    Branch caught = rest;
    caught.p *= check_detect;
    b.leave(node, block, caught);
    rest.p *= 1.0 - check_detect;
    rest.failed |= Branching::bit(node);
    return b.leave(node, pass, rest);
  }
  Branch reject = rest;
  reject.p *= check_reject;
  b.leave(node, block, reject);
  rest.p *= 1.0 - check_reject;
  if (rest.output == Output::correct && b.context(rest.context).hazardous && o.slip > 0.0) {
    // Interaction: a correct output turned into a hazardous action.
    Branch slip = rest;
    slip.p *= o.slip;
    slip.hazardous = true;
    slip.origin = HarmOrigin::operator_induced;
    b.counts().hazardous_output += slip.p;
    b.leave(node, pass, slip);
    rest.p *= 1.0 - o.slip;
  }
  b.leave(node, pass, rest);
}

}  // namespace stsim::model
