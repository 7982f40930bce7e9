// The model: tasks flowing through the control structure. A task is processed
// synchronously through every component that does not make it wait, at its arrival;
// only arrivals, operator reviews and safeguard failures, tests and repairs are events.
// docs/model.md states the semantics this file implements.

#include "sim/model/simulation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "sim/engine/event_loop.h"
#include "sim/engine/event_queue.h"
#include "sim/random/distributions.h"
#include "sim/random/stream.h"

namespace stsim::model {
namespace {

using random::Purpose;
using random::Stream;

constexpr std::uint32_t none = UINT32_MAX;
constexpr std::size_t max_bits = 64;

enum EventKind : std::uint32_t {
  ev_arrival,
  ev_review_done,
  ev_latent_failure,        // a safeguard's independent latent failure
  ev_common_cause_failure,  // fails a safeguard and its coupling partner at once
  ev_proof_test,
  ev_repair_done,
};

// Events at the same instant run in this order: what happens to components (failures,
// proof tests, repairs) first, so a task arriving then meets the state they leave; then
// reviews that end, so their reviewers are free; then arrivals, which a full queue would
// otherwise turn away although a place frees at that instant.
enum Priority : std::int32_t {
  priority_component = 0,
  priority_review_done = 1,
  priority_arrival = 2,
};

enum class Output : std::uint8_t { correct, commission, omission, refused };

struct Task {
  Time enqueued = 0.0;
  // The observable score of intent is normal_quantile(observable) + (malicious ?
  // observability : 0); policies compare the uniform with precomputed tail probabilities.
  double observable = 0.0;
  double difficulty = 0.0;        // U(0,1); the model errs on the hardest (1 - reliability)
  std::uint64_t failed = 0;       // coupling-target components that failed on this task
  std::uint64_t down_passed = 0;  // safeguards passed while down
  std::uint32_t context = 0;
  std::uint32_t last_layer = none;  // last layer that could have stopped the hazard
  std::uint32_t stopped_by = none;  // last component that sent it out of a non-pass port
  Output output = Output::correct;
  HarmOrigin origin = HarmOrigin::model_error;
  Port decided = Port::pass;  // an operator's decision, applied when the review ends
  bool malicious = false;
  bool hazardous = false;
  bool erred = false;
  bool alarm = false;
  bool common_cause = false;
};

struct Node {
  Kind kind = Kind::outcome;
  std::uint32_t index = 0;  // into the per-kind array
  std::array<std::uint32_t, port_count> next{};
  std::uint64_t fail_bit = 0;  // set in Task::failed when this component fails (0: not tracked)
};

struct SourceState {
  SourceSpec spec;
  std::uint32_t node = 0;
  Stream arrivals, context, intent, observable, difficulty;
};

struct AiState {
  AiSpec spec;
  std::vector<double> reliability;  // per context
  // P(score <= refusal_threshold) per (context, malicious): refuse when the task's
  // observable uniform is above it.
  std::vector<double> refuse_above;
  // P(confidence < defer_threshold) for correct and wrong outputs.
  double defer_below_correct = 0.0, defer_below_wrong = 0.0;
  Stream failure_mode, decision;
};

struct SafeguardState {
  SafeguardSpec spec;
  std::uint32_t node = 0;
  std::uint32_t partner = none;        // node index of coupling.with
  std::uint64_t partner_bit = 0;       // its fail bit
  std::uint32_t partner_guard = none;  // safeguard index of the partner, if it is one
  std::uint64_t down_bit = 0;          // bit in Task::down_passed (0: never down)
  bool down = false;
  bool found = false;        // down and known (under repair)
  bool down_common = false;  // down through a common-cause event
  Stream coupling, detection, false_alarm, latent_failure;
};

struct OperatorState {
  OperatorSpec spec;
  std::uint32_t node = 0;
  std::uint32_t ordinal = 0;                   // index into metrics.operators
  double review_mu = 0.0, review_sigma = 0.0;  // lognormal parameters
  std::uint32_t busy = 0;
  std::vector<std::uint32_t> ring;  // FIFO of waiting task ids, capacity a power of two
  std::size_t head = 0, waiting = 0;
  double trust = 0.0;
  double credibility = 1.0;
  Stream service, decision, detection, false_reject, human_error;
};

struct AuditState {
  AuditSpec spec;
  Stream sampling, detection;
};

struct DefenceState {
  DefenceSpec spec;
  Stream detection, false_alarm;
};

// Thrown by the checks below and turned into std::invalid_argument by the constructor,
// which adds the component's position in the scenario file when there is one. The
// checks of contexts use the same helpers with a "context '...'" label.
struct Fault {
  std::string subject;
  std::string problem;
};

[[noreturn]] void fail(const std::string& component, const std::string& problem) {
  throw Fault{component, problem};
}

void require_probability(const std::string& id, const char* name, double p) {
  if (!(p >= 0.0 && p <= 1.0))
    fail(id, std::string(name) + " must be a probability in [0, 1], got " + std::to_string(p));
}

void require_non_negative(const std::string& id, const char* name, double x) {
  if (!(x >= 0.0)) fail(id, std::string(name) + " must be >= 0, got " + std::to_string(x));
}

void require_drift(const std::string& id, const DriftSpec& d) {
  if (!d.enabled) return;
  if (!(d.time_constant > 0.0)) fail(id, "drift.time_constant must be > 0");
  require_probability(id, "drift.floor", d.floor);
  require_non_negative(id, "drift.after_harm", d.after_harm);
}

bool kind_matches(Kind kind, const Parameters& p) {
  switch (kind) {
    case Kind::source:
      return std::holds_alternative<SourceSpec>(p);
    case Kind::ai:
      return std::holds_alternative<AiSpec>(p);
    case Kind::safeguard:
      return std::holds_alternative<SafeguardSpec>(p);
    case Kind::operators:
      return std::holds_alternative<OperatorSpec>(p);
    case Kind::audit:
      return std::holds_alternative<AuditSpec>(p);
    case Kind::defence:
      return std::holds_alternative<DefenceSpec>(p);
    case Kind::outcome:
      return std::holds_alternative<OutcomeSpec>(p);
  }
  return false;
}

}  // namespace

struct Simulation::State {
  ScenarioSpec spec;
  std::vector<Node> nodes;
  std::vector<SourceState> sources;
  std::vector<AiState> ais;
  std::vector<SafeguardState> guards;
  std::vector<OperatorState> operators;
  std::vector<AuditState> audits;
  std::vector<DefenceState> defences;
  std::vector<OutcomeSpec> outcomes;
  std::vector<std::uint32_t> stable_ids;  // per node

  // Scenario-level context data.
  random::AliasTable context_table;
  std::vector<std::uint8_t> context_hazardous;
  std::vector<double> context_severity, context_malicious;

  std::uint64_t event_limit = 0;
  bool event_limit_derived = false;

  // Per replication.
  engine::EventQueue queue;
  std::vector<Task> tasks;
  std::vector<std::uint32_t> free_tasks;
  std::uint64_t live = 0;
  Time horizon = 0.0;
  Time last_harm = 0.0;
  Time paused_until = 0.0;
  ReplicationMetrics* m = nullptr;

  explicit State(const ScenarioSpec& s);
  void validate_and_build();
  void reset(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
             ReplicationMetrics& out);
  // The engine's side of the model (engine::EventHandler).
  bool handle(const engine::Event& e);
  std::string describe(const engine::Event& e) const;
  TraceEvent traced(const engine::Event& e) const;

  Stream stream(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
                std::uint32_t node, Purpose purpose) const {
    return Stream(random::StreamKey{seed, point, replication, stable_ids[node], purpose});
  }

  double drift(const DriftSpec& d, Time now) const {
    if (!d.enabled) return 1.0;
    return std::max(d.floor, d.after_harm * std::exp(-(now - last_harm) / d.time_constant));
  }

  std::uint32_t new_task() {
    ++live;
    if (!free_tasks.empty()) {
      std::uint32_t id = free_tasks.back();
      free_tasks.pop_back();
      return id;
    }
    tasks.emplace_back();
    return static_cast<std::uint32_t>(tasks.size() - 1);
  }

  Time next_arrival(SourceState& s, Time now);
  void arrival(std::uint32_t source_index);
  void advance(std::uint32_t id, std::uint32_t node);
  Port step_ai(Task& t, std::uint32_t node);
  Port step_safeguard(Task& t, std::uint32_t node);
  Port step_audit(Task& t, std::uint32_t node);
  Port step_defence(Task& t, std::uint32_t node);
  bool offer_operator(std::uint32_t id, std::uint32_t node);  // false: overflow
  void start_review(std::uint32_t id, OperatorState& op);
  void review_done(std::uint32_t node, std::uint32_t id);
  void stop(std::uint32_t id, std::uint32_t node);
  void finish(std::uint32_t id, Terminal terminal, std::uint32_t credit);
  void harm(Task& t);
  void latent_failure(std::uint32_t guard_index, bool common);
  void reveal(std::uint32_t guard_index);
  void repaired(std::uint32_t guard_index);
};

Simulation::State::State(const ScenarioSpec& s) : spec(s) {
  try {
    validate_and_build();
  } catch (const Fault& fault) {
    std::string where;
    for (const auto& c : spec.components) {
      if (c.id == fault.subject && !c.where.file.empty()) {
        where = c.where.file + ":" + std::to_string(c.where.line) + ":" +
                std::to_string(c.where.column) + ": ";
        break;
      }
    }
    const bool context = fault.subject.starts_with("context ");
    throw std::invalid_argument(where +
                                (context ? "context '" + fault.subject.substr(8) + "'"
                                         : "component '" + fault.subject + "'") +
                                ": " + fault.problem);
  }
}

void Simulation::State::validate_and_build() {
  const auto& comps = spec.components;
  if (!(spec.horizon > 0.0) || !std::isfinite(spec.horizon))
    throw std::invalid_argument("scenario '" + spec.name + "': horizon must be finite and > 0");
  if (!(spec.pause_after_harm >= 0.0))
    throw std::invalid_argument("scenario '" + spec.name + "': pause_after_harm must be >= 0");
  if (spec.contexts.empty())
    throw std::invalid_argument("scenario '" + spec.name + "': at least one context is needed");
  if (comps.empty()) throw std::invalid_argument("scenario '" + spec.name + "': no components");

  std::vector<double> weights;
  std::unordered_map<std::string, std::uint32_t> context_index;
  for (const auto& c : spec.contexts) {
    const std::string id = "context " + c.name;
    if (!(c.weight >= 0.0) || !std::isfinite(c.weight)) fail(id, "weight must be finite and >= 0");
    require_non_negative(id, "severity", c.severity);
    require_probability(id, "malicious_share", c.malicious_share);
    if (!std::isfinite(c.observability)) fail(id, "observability must be finite");
    if (!context_index.emplace(c.name, static_cast<std::uint32_t>(weights.size())).second)
      fail(id, "context name used twice");
    weights.push_back(c.weight);
    context_hazardous.push_back(c.hazardous ? 1 : 0);
    context_severity.push_back(c.severity);
    context_malicious.push_back(c.malicious_share);
  }
  double total = 0.0;
  for (double w : weights) total += w;
  if (!(total > 0.0))
    throw std::invalid_argument("scenario '" + spec.name + "': context weights sum to 0");
  context_table = random::AliasTable(weights);

  std::unordered_map<std::string, std::uint32_t> index;
  for (std::uint32_t i = 0; i < comps.size(); ++i) {
    if (comps[i].id.empty())
      throw std::invalid_argument("component number " + std::to_string(i + 1) + " has an empty id");
    if (!index.emplace(comps[i].id, i).second) fail(comps[i].id, "id used twice");
    if (!kind_matches(comps[i].kind, comps[i].parameters))
      fail(comps[i].id, std::string("parameters do not match kind ") + to_string(comps[i].kind));
  }

  nodes.resize(comps.size());
  stable_ids.resize(comps.size());
  for (std::uint32_t i = 0; i < comps.size(); ++i) {
    const auto& c = comps[i];
    Node& n = nodes[i];
    n.kind = c.kind;
    stable_ids[i] = random::stable_id(c.id);
    const auto allowed = ports_of(c.kind);
    for (std::size_t p = 0; p < port_count; ++p) {
      n.next[p] = none;
      if (c.next[p].empty()) continue;
      if (!allowed[p])
        fail(c.id, std::string("a ") + to_string(c.kind) + " has no port '" +
                       to_string(static_cast<Port>(p)) + "'");
      auto it = index.find(c.next[p]);
      if (it == index.end())
        fail(c.id, std::string("port '") + to_string(static_cast<Port>(p)) +
                       "' leads to unknown component '" + c.next[p] + "'");
      if (comps[it->second].kind == Kind::source)
        fail(c.id, "an edge leads into source '" + c.next[p] + "'");
      n.next[p] = it->second;
    }
    if (c.kind != Kind::outcome && n.next[static_cast<std::size_t>(Port::pass)] == none)
      fail(c.id, "no edge from port 'pass'");
  }

  // The model visits each component at most once per task (coupling and latent
  // bookkeeping rely on it), so the structure must be acyclic.
  {
    std::vector<std::uint8_t> mark(nodes.size(), 0);  // 0 new, 1 on stack, 2 done
    std::vector<std::pair<std::uint32_t, std::size_t>> stack;
    for (std::uint32_t root = 0; root < nodes.size(); ++root) {
      if (mark[root]) continue;
      stack.push_back({root, 0});
      mark[root] = 1;
      while (!stack.empty()) {
        auto& [v, p] = stack.back();
        if (p == port_count) {
          mark[v] = 2;
          stack.pop_back();
          continue;
        }
        std::uint32_t w = nodes[v].next[p++];
        if (w == none) continue;
        if (mark[w] == 1)
          fail(comps[w].id, "is part of a loop; the control structure must be acyclic");
        if (mark[w] == 0) {
          mark[w] = 1;
          stack.push_back({w, 0});
        }
      }
    }
  }

  std::size_t fail_bits = 0;
  auto fail_bit_of = [&](std::uint32_t node) {
    if (nodes[node].fail_bit == 0) {
      if (fail_bits == max_bits)
        fail(comps[node].id, "more than 64 components are coupling partners");
      nodes[node].fail_bit = std::uint64_t{1} << fail_bits++;
    }
    return nodes[node].fail_bit;
  };

  double expected_tasks = 0.0;
  std::size_t operator_nodes = 0;
  for (std::uint32_t i = 0; i < comps.size(); ++i) {
    const auto& c = comps[i];
    switch (c.kind) {
      case Kind::source: {
        const auto& s = std::get<SourceSpec>(c.parameters);
        if (!(s.rate >= 0.0) || !std::isfinite(s.rate)) fail(c.id, "rate must be finite and >= 0");
        double mean_profile = 1.0;
        if (!s.profile.empty()) {
          if (!(s.profile_period > 0.0) || !std::isfinite(s.profile_period))
            fail(c.id, "profile_period must be finite and > 0");
          double sum = 0.0;
          for (double x : s.profile) {
            if (!(x >= 0.0) || !std::isfinite(x))
              fail(c.id, "profile values must be finite and >= 0");
            sum += x;
          }
          if (!(sum > 0.0)) fail(c.id, "profile is zero everywhere");
          mean_profile = sum / static_cast<double>(s.profile.size());
        }
        expected_tasks += s.rate * mean_profile * spec.horizon;
        nodes[i].index = static_cast<std::uint32_t>(sources.size());
        sources.push_back({s, i, {}, {}, {}, {}, {}});
        break;
      }
      case Kind::ai: {
        const auto& a = std::get<AiSpec>(c.parameters);
        require_probability(c.id, "reliability", a.reliability);
        require_probability(c.id, "commission_share", a.commission_share);
        if (std::isnan(a.refusal_threshold)) fail(c.id, "refusal_threshold is NaN");
        if (std::isnan(a.defer_threshold)) fail(c.id, "defer_threshold is NaN");
        if (!std::isfinite(a.confidence_separation))
          fail(c.id, "confidence_separation must be finite");
        AiState st;
        st.spec = a;
        st.reliability.assign(spec.contexts.size(), a.reliability);
        for (const auto& ctx : spec.contexts) {
          st.refuse_above.push_back(random::normal_cdf(a.refusal_threshold));
          st.refuse_above.push_back(random::normal_cdf(a.refusal_threshold - ctx.observability));
        }
        st.defer_below_correct = random::normal_cdf(a.defer_threshold - a.confidence_separation);
        st.defer_below_wrong = random::normal_cdf(a.defer_threshold);
        for (const auto& [name, r] : a.reliability_by_context) {
          auto it = context_index.find(name);
          if (it == context_index.end())
            fail(c.id, "reliability_by_context names unknown context '" + name + "'");
          require_probability(c.id, "reliability_by_context", r);
          st.reliability[it->second] = r;
        }
        nodes[i].index = static_cast<std::uint32_t>(ais.size());
        ais.push_back(std::move(st));
        break;
      }
      case Kind::safeguard: {
        const auto& g = std::get<SafeguardSpec>(c.parameters);
        require_probability(c.id, "detect_error", g.detect_error);
        require_probability(c.id, "detect_misuse", g.detect_misuse);
        require_probability(c.id, "false_alarm", g.false_alarm);
        if (!(g.latent_failure_rate >= 0.0) || !std::isfinite(g.latent_failure_rate))
          fail(c.id, "latent_failure_rate must be finite and >= 0");
        require_non_negative(c.id, "test_interval", g.test_interval);
        if (!(g.repair_time >= 0.0) || !std::isfinite(g.repair_time))
          fail(c.id, "repair_time must be finite and >= 0");
        require_probability(c.id, "coupling.beta", g.coupling.beta);
        require_probability(c.id, "coupling.difficulty_correlation",
                            g.coupling.difficulty_correlation);
        SafeguardState st;
        st.spec = g;
        st.node = i;
        if (!g.coupling.with.empty()) {
          auto it = index.find(g.coupling.with);
          if (it == index.end())
            fail(c.id, "coupling.with names unknown component '" + g.coupling.with + "'");
          if (it->second == i) fail(c.id, "coupling.with names the component itself");
          const Kind pk = comps[it->second].kind;
          if (pk == Kind::source || pk == Kind::outcome)
            fail(c.id,
                 std::string("coupling.with names a ") + to_string(pk) + ", which cannot fail");
          st.partner = it->second;
        } else if (g.coupling.beta > 0.0) {
          fail(c.id, "coupling.beta > 0 needs coupling.with");
        }
        nodes[i].index = static_cast<std::uint32_t>(guards.size());
        guards.push_back(std::move(st));
        break;
      }
      case Kind::operators: {
        const auto& o = std::get<OperatorSpec>(c.parameters);
        if (o.count == 0) fail(c.id, "count must be >= 1");
        if (!(o.review_time > 0.0) || !std::isfinite(o.review_time))
          fail(c.id, "review_time must be finite and > 0");
        if (!(o.review_cv >= 0.0) || !std::isfinite(o.review_cv))
          fail(c.id, "review_cv must be finite and >= 0");
        if (!(o.shift_length > 0.0)) fail(c.id, "shift_length must be > 0 (infinity: no shifts)");
        require_probability(c.id, "detect", o.detect);
        require_probability(c.id, "vigilance_floor", o.vigilance_floor);
        if (!(o.vigilance_time_constant > 0.0)) fail(c.id, "vigilance_time_constant must be > 0");
        require_probability(c.id, "trust_initial", o.trust_initial);
        require_probability(c.id, "trust_gain", o.trust_gain);
        require_probability(c.id, "trust_loss", o.trust_loss);
        require_probability(c.id, "automation_bias", o.automation_bias);
        if (!(o.alarm_memory >= 1.0)) fail(c.id, "alarm_memory must be >= 1 (alarms)");
        require_probability(c.id, "alarm_credibility_initial", o.alarm_credibility_initial);
        if (!(o.workload_scale > 0.0))
          fail(c.id, "workload_scale must be > 0 (infinity: no workload effect)");
        require_probability(c.id, "false_reject", o.false_reject);
        require_probability(c.id, "slip", o.slip);
        require_drift(c.id, o.drift);
        OperatorState st;
        st.spec = o;
        st.node = i;
        st.ordinal = static_cast<std::uint32_t>(operators.size());
        st.review_sigma = std::sqrt(std::log1p(o.review_cv * o.review_cv));
        st.review_mu = std::log(o.review_time) - 0.5 * st.review_sigma * st.review_sigma;
        st.ring.resize(64);
        nodes[i].index = static_cast<std::uint32_t>(operators.size());
        operators.push_back(std::move(st));
        ++operator_nodes;
        break;
      }
      case Kind::audit: {
        const auto& a = std::get<AuditSpec>(c.parameters);
        require_probability(c.id, "sample", a.sample);
        require_probability(c.id, "detect", a.detect);
        require_drift(c.id, a.drift);
        nodes[i].index = static_cast<std::uint32_t>(audits.size());
        audits.push_back({a, {}, {}});
        break;
      }
      case Kind::defence: {
        const auto& d = std::get<DefenceSpec>(c.parameters);
        require_probability(c.id, "detect_misuse", d.detect_misuse);
        require_probability(c.id, "detect_error", d.detect_error);
        require_probability(c.id, "false_alarm", d.false_alarm);
        nodes[i].index = static_cast<std::uint32_t>(defences.size());
        defences.push_back({d, {}, {}});
        break;
      }
      case Kind::outcome:
        nodes[i].index = static_cast<std::uint32_t>(outcomes.size());
        outcomes.push_back(std::get<OutcomeSpec>(c.parameters));
        break;
    }
  }
  if (sources.empty())
    throw std::invalid_argument("scenario '" + spec.name + "': no source component");

  // Coupling partners and safeguards that can be down get their bits.
  std::size_t down_bits = 0;
  auto down_bit_of = [&](SafeguardState& g) {
    if (g.down_bit == 0) {
      if (down_bits == max_bits)
        fail(comps[g.node].id, "more than 64 safeguards can fail latently");
      g.down_bit = std::uint64_t{1} << down_bits++;
    }
  };
  double latent_events = 0.0;
  for (auto& g : guards) {
    if (g.partner != none) {
      g.partner_bit = fail_bit_of(g.partner);
      if (nodes[g.partner].kind == Kind::safeguard) g.partner_guard = nodes[g.partner].index;
    }
    if (g.spec.latent_failure_rate > 0.0) {
      down_bit_of(g);
      if (g.partner_guard != none && g.spec.coupling.beta > 0.0)
        down_bit_of(guards[g.partner_guard]);
      latent_events += 2.0 * g.spec.latent_failure_rate * spec.horizon;
    }
    if (g.spec.test_interval > 0.0 && std::isfinite(g.spec.test_interval))
      latent_events += spec.horizon / g.spec.test_interval;
  }

  if (spec.event_limit == 0) {
    // Arrivals plus one review completion per operator visit, with a wide margin:
    // exceeding this means the scenario is far from what its parameters predict.
    const double expected =
        expected_tasks * (1.0 + static_cast<double>(operator_nodes)) + latent_events;
    event_limit = static_cast<std::uint64_t>(std::min(20.0 * expected + 100000.0, 1e18));
    event_limit_derived = true;
  } else {
    event_limit = spec.event_limit;
  }
}

void Simulation::State::reset(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
                              ReplicationMetrics& out) {
  // Keep the vectors' storage: a warm replication allocates nothing.
  auto near = std::move(out.near_misses_by_layer);
  auto last = std::move(out.harms_by_last_layer);
  auto ops = std::move(out.operators);
  auto series = std::move(out.harm_series);
  out = ReplicationMetrics{};
  near.assign(nodes.size(), 0);
  last.assign(nodes.size(), 0);
  ops.assign(operators.size(), OperatorPoolMetrics{});
  series.assign(spec.time_bins, 0);
  out.near_misses_by_layer = std::move(near);
  out.harms_by_last_layer = std::move(last);
  out.operators = std::move(ops);
  out.harm_series = std::move(series);
  m = &out;

  horizon = spec.horizon;
  last_harm = 0.0;
  paused_until = 0.0;
  live = 0;
  free_tasks.clear();
  for (std::size_t i = tasks.size(); i-- > 0;) free_tasks.push_back(static_cast<std::uint32_t>(i));
  queue.reset(event_limit);

  for (auto& s : sources) {
    s.arrivals = stream(seed, point, replication, s.node, Purpose::arrivals);
    s.context = stream(seed, point, replication, s.node, Purpose::context);
    s.intent = stream(seed, point, replication, s.node, Purpose::intent);
    s.observable = stream(seed, point, replication, s.node, Purpose::observable);
    s.difficulty = stream(seed, point, replication, s.node, Purpose::difficulty);
  }
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    switch (n.kind) {
      case Kind::ai: {
        auto& a = ais[n.index];
        a.failure_mode = stream(seed, point, replication, i, Purpose::failure_mode);
        a.decision = stream(seed, point, replication, i, Purpose::decision);
        break;
      }
      case Kind::safeguard: {
        auto& g = guards[n.index];
        g.coupling = stream(seed, point, replication, i, Purpose::coupling);
        g.detection = stream(seed, point, replication, i, Purpose::detection);
        g.false_alarm = stream(seed, point, replication, i, Purpose::false_alarm);
        g.latent_failure = stream(seed, point, replication, i, Purpose::latent_failure);
        g.down = false;
        g.found = false;
        break;
      }
      case Kind::operators: {
        auto& o = operators[n.index];
        o.service = stream(seed, point, replication, i, Purpose::service_time);
        o.decision = stream(seed, point, replication, i, Purpose::decision);
        o.detection = stream(seed, point, replication, i, Purpose::detection);
        o.false_reject = stream(seed, point, replication, i, Purpose::false_alarm);
        o.human_error = stream(seed, point, replication, i, Purpose::human_error);
        o.busy = 0;
        o.head = 0;
        o.waiting = 0;
        o.trust = o.spec.trust_initial;
        o.credibility = o.spec.alarm_credibility_initial;
        out.operators[o.ordinal].capacity_time = static_cast<double>(o.spec.count) * horizon;
        break;
      }
      case Kind::audit: {
        auto& a = audits[n.index];
        a.sampling = stream(seed, point, replication, i, Purpose::sampling);
        a.detection = stream(seed, point, replication, i, Purpose::detection);
        break;
      }
      case Kind::defence: {
        auto& d = defences[n.index];
        d.detection = stream(seed, point, replication, i, Purpose::detection);
        d.false_alarm = stream(seed, point, replication, i, Purpose::false_alarm);
        break;
      }
      case Kind::source:
      case Kind::outcome:
        break;
    }
  }

  for (std::uint32_t k = 0; k < sources.size(); ++k) {
    Time t = next_arrival(sources[k], 0.0);
    if (t < horizon) queue.schedule(t, priority_arrival, ev_arrival, k, 0);
  }
  for (std::uint32_t k = 0; k < guards.size(); ++k) {
    auto& g = guards[k];
    const double lambda = g.spec.latent_failure_rate;
    if (lambda > 0.0) {
      const double beta = g.partner_guard != none ? g.spec.coupling.beta : 0.0;
      // Both processes draw from one stream; their order depends only on that stream.
      if (beta < 1.0) {
        Time t = random::exponential(g.latent_failure, (1.0 - beta) * lambda);
        if (t < horizon) queue.schedule(t, priority_component, ev_latent_failure, k, 0);
      }
      if (beta > 0.0) {
        Time t = random::exponential(g.latent_failure, beta * lambda);
        if (t < horizon) queue.schedule(t, priority_component, ev_common_cause_failure, k, 0);
      }
    }
    if (g.spec.test_interval > 0.0 && g.spec.test_interval < horizon)
      queue.schedule(g.spec.test_interval, priority_component, ev_proof_test, k, 0);
  }
}

Time Simulation::State::next_arrival(SourceState& s, Time now) {
  double e = -std::log(s.arrivals.uniform01());
  if (s.spec.profile.empty()) return s.spec.rate > 0.0 ? now + e / s.spec.rate : infinity;
  // Invert the piecewise-constant cumulative intensity, slice by slice.
  const auto n = static_cast<std::uint64_t>(s.spec.profile.size());
  const double slice = s.spec.profile_period / static_cast<double>(n);
  auto j = static_cast<std::uint64_t>(std::floor(now / slice));
  Time t = now;
  while (t < horizon) {
    const double rate = s.spec.rate * s.spec.profile[j % n];
    const Time end = static_cast<double>(j + 1) * slice;
    if (rate * (end - t) >= e) return t + e / rate;
    e -= rate * (end - t);
    t = end;
    ++j;
  }
  return infinity;
}

void Simulation::State::arrival(std::uint32_t k) {
  SourceState& s = sources[k];
  const Time now = queue.now();
  const Time next = next_arrival(s, now);
  if (next < horizon) queue.schedule(next, priority_arrival, ev_arrival, k, 0);

  const std::uint32_t id = new_task();
  Task& t = tasks[id];
  // Every task property is drawn here, from the source's streams, whatever happens next:
  // every sweep point then sees the same environment.
  t.context = context_table.sample(s.context);
  t.malicious = s.intent.uniform01() < context_malicious[t.context];
  t.observable = s.observable.uniform01();
  t.difficulty = s.difficulty.uniform01();
  t.failed = 0;
  t.down_passed = 0;
  t.last_layer = none;
  t.stopped_by = none;
  t.output = Output::correct;
  t.origin = HarmOrigin::model_error;
  t.decided = Port::pass;
  t.hazardous = false;
  t.erred = false;
  t.alarm = false;
  t.common_cause = false;
  ++m->tasks;
  ++(t.malicious ? m->malicious_tasks : m->benign_tasks);

  if (now < paused_until) {
    finish(id, Terminal::paused, none);
    return;
  }
  advance(id, nodes[s.node].next[static_cast<std::size_t>(Port::pass)]);
}

void Simulation::State::advance(std::uint32_t id, std::uint32_t node) {
  while (true) {
    Task& t = tasks[id];
    const Node& n = nodes[node];
    Port port = Port::pass;
    switch (n.kind) {
      case Kind::ai:
        port = step_ai(t, node);
        break;
      case Kind::safeguard:
        port = step_safeguard(t, node);
        break;
      case Kind::audit:
        port = step_audit(t, node);
        break;
      case Kind::defence:
        port = step_defence(t, node);
        break;
      case Kind::operators:
        if (offer_operator(id, node)) return;  // waits for its review
        port = Port::overflow;
        ++m->operators[operators[n.index].ordinal].overflowed;
        break;
      case Kind::outcome:
        if (outcomes[n.index].acted) {
          if (t.hazardous) {
            harm(t);
            finish(id, Terminal::harm, none);
          } else {
            finish(id, t.output == Output::refused ? Terminal::lost : Terminal::served, none);
          }
        } else {
          finish(id, t.hazardous ? Terminal::near_miss : Terminal::lost,
                 t.stopped_by != none ? t.stopped_by : node);
        }
        return;
      case Kind::source:
        return;  // unreachable: validation forbids edges into sources
    }
    if (port != Port::pass) t.stopped_by = node;
    const std::uint32_t next = n.next[static_cast<std::size_t>(port)];
    if (next == none) {
      stop(id, node);
      return;
    }
    node = next;
  }
}

Port Simulation::State::step_ai(Task& t, std::uint32_t node) {
  AiState& a = ais[nodes[node].index];
  const double u_mode = a.failure_mode.uniform01();
  const double u_confidence = a.decision.uniform01();
  // 1. Refusal, on the observable score only: score > threshold.
  if (t.observable > a.refuse_above[2 * t.context + (t.malicious ? 1 : 0)]) {
    t.output = Output::refused;
    t.hazardous = false;
    ++(t.malicious ? m->refused_malicious : m->refused_benign);
    return Port::refuse;
  }
  // 2. Correctness by difficulty: the hardest (1 - reliability) of tasks are wrong.
  const bool wrong = t.difficulty > a.reliability[t.context];
  const bool hazard_context = context_hazardous[t.context] != 0;
  if (wrong) {
    t.erred = true;
    t.failed |= nodes[node].fail_bit;
    ++m->model_errors;
    if (u_mode < a.spec.commission_share) {
      t.output = Output::commission;
      ++m->commission_errors;
    } else {
      t.output = Output::omission;
      ++m->omission_errors;
    }
  } else {
    t.output = Output::correct;
  }
  // 3. Hazard: an unsafe commission, or compliance with malicious intent.
  t.hazardous = hazard_context &&
                (t.output == Output::commission || (t.output == Output::correct && t.malicious));
  if (t.hazardous) {
    t.origin = t.output == Output::commission ? HarmOrigin::model_error : HarmOrigin::misuse;
    t.last_layer = node;
    ++m->hazardous_outputs;
  }
  // 4. Deferral on the model's own confidence.
  if (u_confidence < (wrong ? a.defer_below_wrong : a.defer_below_correct)) {
    ++m->deferred;
    return Port::defer;
  }
  return Port::pass;
}

Port Simulation::State::step_safeguard(Task& t, std::uint32_t node) {
  SafeguardState& g = guards[nodes[node].index];
  const double u_beta = g.coupling.uniform01();
  const double u_corr = g.coupling.uniform01();
  const double u_detect = g.detection.uniform01();
  const double u_false = g.false_alarm.uniform01();
  const double p = t.origin == HarmOrigin::misuse ? g.spec.detect_misuse : g.spec.detect_error;

  bool flag = false;
  if (g.down) {
    t.down_passed |= g.down_bit;
    if (t.hazardous && g.down_common) t.common_cause = true;
  } else if (t.hazardous) {
    if (g.partner_bit != 0 && (t.failed & g.partner_bit) != 0 && u_beta < g.spec.coupling.beta) {
      t.common_cause = true;  // the shared cause that defeated the partner defeats this too
    } else if (t.origin == HarmOrigin::model_error &&
               u_corr < g.spec.coupling.difficulty_correlation) {
      flag = t.difficulty <= p;  // judged by the model's own difficulty: misses the hardest
      if (!flag) t.common_cause = true;
    } else {
      flag = u_detect < p;
    }
  } else if (u_false < g.spec.false_alarm) {
    flag = true;
    ++m->false_alarms;
  }

  if (t.hazardous && !flag) {
    t.failed |= nodes[node].fail_bit;
    if (p > 0.0) t.last_layer = node;
  }
  if (!flag) return Port::pass;
  if (g.spec.blocks) return Port::block;
  t.alarm = true;
  return Port::pass;
}

Port Simulation::State::step_audit(Task& t, std::uint32_t node) {
  AuditState& a = audits[nodes[node].index];
  const double u_sample = a.sampling.uniform01();
  const double u_detect = a.detection.uniform01();
  const double p = std::min(1.0, a.spec.sample * drift(a.spec.drift, queue.now()));
  if (!(u_sample < p)) return Port::pass;
  // The audit examines the task's whole path: any safeguard it passed while down is found.
  for (std::uint64_t bits = t.down_passed; bits != 0; bits &= bits - 1) {
    const auto bit = bits & (~bits + 1);
    for (std::uint32_t k = 0; k < guards.size(); ++k)
      if (guards[k].down_bit == bit) reveal(k);
  }
  if (!t.hazardous) return Port::pass;
  if (u_detect < a.spec.detect) return Port::block;
  t.failed |= nodes[node].fail_bit;
  t.last_layer = node;
  return Port::pass;
}

Port Simulation::State::step_defence(Task& t, std::uint32_t node) {
  DefenceState& d = defences[nodes[node].index];
  const double u_detect = d.detection.uniform01();
  const double u_false = d.false_alarm.uniform01();
  if (t.hazardous) {
    const double p = t.origin == HarmOrigin::misuse ? d.spec.detect_misuse : d.spec.detect_error;
    if (u_detect < p) return Port::block;
    t.failed |= nodes[node].fail_bit;
    if (p > 0.0) t.last_layer = node;
    return Port::pass;
  }
  if (u_false < d.spec.false_alarm) {
    ++m->false_alarms;
    return Port::block;
  }
  return Port::pass;
}

bool Simulation::State::offer_operator(std::uint32_t id, std::uint32_t node) {
  OperatorState& op = operators[nodes[node].index];
  tasks[id].enqueued = queue.now();
  if (op.busy < op.spec.count) {
    start_review(id, op);
    return true;
  }
  if (op.waiting >= op.spec.max_queue) return false;
  if (op.waiting == op.ring.size()) {
    // Grow the ring (only while warming up), unrolling it so the head is at 0.
    std::vector<std::uint32_t> bigger(op.ring.size() * 2);
    for (std::size_t i = 0; i < op.waiting; ++i)
      bigger[i] = op.ring[(op.head + i) & (op.ring.size() - 1)];
    op.ring = std::move(bigger);
    op.head = 0;
  }
  op.ring[(op.head + op.waiting) & (op.ring.size() - 1)] = id;
  ++op.waiting;
  return true;
}

void Simulation::State::start_review(std::uint32_t id, OperatorState& op) {
  Task& t = tasks[id];
  const OperatorSpec& s = op.spec;
  OperatorPoolMetrics& pm = m->operators[op.ordinal];
  const Time now = queue.now();
  const double u_service = op.service.uniform01();
  const double u_heed = op.decision.uniform01();
  const double u_check = op.decision.uniform01();
  const double u_detect = op.detection.uniform01();
  const double u_reject = op.false_reject.uniform01();
  const double u_slip = op.human_error.uniform01();

  // Workload: a longer queue shortens reviews and makes them less thorough.
  const double thoroughness = std::isfinite(s.workload_scale)
                                  ? 1.0 / (1.0 + static_cast<double>(op.waiting) / s.workload_scale)
                                  : 1.0;
  // Vigilance decays with time since the start of the current shift.
  double vigilance = 1.0;
  if (s.vigilance_floor < 1.0) {
    const Time on_shift = std::isfinite(s.shift_length) ? std::fmod(now, s.shift_length) : now;
    vigilance = s.vigilance_floor +
                (1.0 - s.vigilance_floor) * std::exp(-on_shift / s.vigilance_time_constant);
  }
  const double p_detect = std::min(1.0, s.detect * vigilance * thoroughness * drift(s.drift, now));

  double review = s.review_time;
  switch (s.review_distribution) {
    case ServiceDistribution::exponential:
      review = -s.review_time * std::log(u_service);
      break;
    case ServiceDistribution::lognormal:
      review = std::exp(op.review_mu + op.review_sigma * random::normal_quantile(u_service));
      break;
    case ServiceDistribution::fixed:
      break;
  }
  review *= thoroughness;

  ++pm.reviews;
  if (t.enqueued < now) {
    ++pm.waited;
    pm.total_wait += now - t.enqueued;
  }
  pm.busy_time += std::min(now + review, horizon) - now;
  if (t.hazardous) ++pm.hazards_seen;

  bool block = false;
  bool caught = false;
  if (t.alarm) {
    // Alarm fatigue: a flag is heeded as often as past flags were true.
    if (u_heed < op.credibility) {
      block = true;
      caught = t.hazardous;
    }
    op.credibility += ((t.hazardous ? 1.0 : 0.0) - op.credibility) / s.alarm_memory;
  }
  if (!block && u_check < 1.0 - s.automation_bias * op.trust) {
    if (t.hazardous && u_detect < p_detect) {
      block = true;
      caught = true;
    } else {
      // Seen as correct (including a hazard that was missed).
      op.trust += s.trust_gain * (1.0 - op.trust);
      if (!t.hazardous && u_reject < s.false_reject) block = true;
    }
  }
  if (caught) {
    ++pm.caught;
    op.trust -= s.trust_loss * op.trust;
  }
  if (!block) {
    if (t.hazardous) {
      t.failed |= nodes[op.node].fail_bit;
      t.last_layer = op.node;
    } else if (t.output == Output::correct && context_hazardous[t.context] != 0 &&
               u_slip < s.slip) {
      // Interaction: the operator turns a correct output into a hazardous action.
      t.hazardous = true;
      t.origin = HarmOrigin::operator_induced;
      t.last_layer = op.node;
      ++m->hazardous_outputs;
    }
  }
  t.decided = block ? Port::block : Port::pass;
  ++op.busy;
  queue.schedule(now + review, priority_review_done, ev_review_done, op.node, id);
}

void Simulation::State::review_done(std::uint32_t node, std::uint32_t id) {
  OperatorState& op = operators[nodes[node].index];
  --op.busy;
  if (op.waiting > 0) {
    const std::uint32_t next = op.ring[op.head];
    op.head = (op.head + 1) & (op.ring.size() - 1);
    --op.waiting;
    start_review(next, op);
  }
  Task& t = tasks[id];
  const Port port = t.decided;
  if (port != Port::pass) t.stopped_by = node;
  const std::uint32_t target = nodes[node].next[static_cast<std::size_t>(port)];
  if (target == none) {
    stop(id, node);
    return;
  }
  advance(id, target);
}

void Simulation::State::stop(std::uint32_t id, std::uint32_t node) {
  finish(id, tasks[id].hazardous ? Terminal::near_miss : Terminal::lost, node);
}

void Simulation::State::finish(std::uint32_t id, Terminal terminal, std::uint32_t credit) {
  const Task& t = tasks[id];
  ++m->terminal[static_cast<std::size_t>(terminal)];
  if (terminal == Terminal::near_miss) ++m->near_misses_by_layer[credit];
  if (!t.malicious) {
    if (terminal == Terminal::served) ++m->benign_served;
    if (terminal == Terminal::lost || terminal == Terminal::paused) ++m->benign_lost;
  }
  if (t.erred && terminal != Terminal::harm) ++m->model_errors_no_harm;
  --live;
  free_tasks.push_back(id);
}

void Simulation::State::harm(Task& t) {
  const Time now = queue.now();
  ++m->harms;
  m->harm_severity += context_severity[t.context];
  ++m->harms_by_origin[static_cast<std::size_t>(t.origin)];
  if (t.origin != HarmOrigin::model_error) ++m->harms_with_correct_output;
  if (t.down_passed != 0) ++m->harms_latent_involved;
  if (t.common_cause) ++m->harms_common_cause;
  if (t.last_layer != none) ++m->harms_by_last_layer[t.last_layer];
  if (!m->first_harm_observed) {
    m->first_harm_observed = true;
    m->time_to_first_harm = now;
  }
  if (spec.time_bins > 0) {
    auto bin = static_cast<std::size_t>(now / horizon * static_cast<double>(spec.time_bins));
    ++m->harm_series[std::min(bin, m->harm_series.size() - 1)];
  }
  last_harm = now;
  if (spec.pause_after_harm > 0.0) {
    const Time until = now + spec.pause_after_harm;
    m->paused_time += std::max(0.0, std::min(until, horizon) - std::max(now, paused_until));
    paused_until = std::max(paused_until, until);
  }
}

void Simulation::State::latent_failure(std::uint32_t k, bool common) {
  SafeguardState& g = guards[k];
  if (g.down) return;
  g.down = true;
  g.down_common = common;
  g.found = false;
  ++m->latent_failures;
}

void Simulation::State::reveal(std::uint32_t k) {
  SafeguardState& g = guards[k];
  if (!g.down || g.found) return;
  g.found = true;
  ++m->latent_failures_found;
  if (g.spec.repair_time > 0.0)
    queue.schedule(queue.now() + g.spec.repair_time, priority_component, ev_repair_done, k, 0);
  else
    repaired(k);
}

void Simulation::State::repaired(std::uint32_t k) {
  guards[k].down = false;
  guards[k].found = false;
}

TraceEvent Simulation::State::traced(const engine::Event& e) const {
  switch (e.kind) {
    case ev_arrival:
      return {e.time, "arrival", sources[e.target].node};
    case ev_review_done:
      return {e.time, "review_done", e.target};
    case ev_latent_failure:
      return {e.time, "latent_failure", guards[e.target].node};
    case ev_common_cause_failure:
      return {e.time, "common_cause_failure", guards[e.target].node};
    case ev_proof_test:
      return {e.time, "proof_test", guards[e.target].node};
    case ev_repair_done:
      return {e.time, "repair_done", guards[e.target].node};
    default:
      return {e.time, "unknown", e.target};
  }
}

std::string Simulation::State::describe(const engine::Event& e) const {
  const TraceEvent t = traced(e);
  const std::string target = t.component < spec.components.size()
                                 ? "component '" + spec.components[t.component].id + "'"
                                 : "target " + std::to_string(e.target);
  return "event '" + std::string(t.what) + "' (kind " + std::to_string(e.kind) + ") at " + target;
}

bool Simulation::State::handle(const engine::Event& e) {
  switch (e.kind) {
    case ev_arrival:
      arrival(e.target);
      return true;
    case ev_review_done:
      review_done(e.target, e.payload);
      return true;
    case ev_latent_failure:
    case ev_common_cause_failure: {
      SafeguardState& g = guards[e.target];
      const bool common = e.kind == ev_common_cause_failure;
      latent_failure(e.target, common);
      if (common) latent_failure(g.partner_guard, true);
      const double beta = g.partner_guard != none ? g.spec.coupling.beta : 0.0;
      const double rate = (common ? beta : 1.0 - beta) * g.spec.latent_failure_rate;
      const Time next = e.time + random::exponential(g.latent_failure, rate);
      if (next < horizon) queue.schedule(next, priority_component, e.kind, e.target, 0);
      return true;
    }
    case ev_proof_test: {
      reveal(e.target);
      const Time next = e.time + guards[e.target].spec.test_interval;
      if (next < horizon) queue.schedule(next, priority_component, ev_proof_test, e.target, 0);
      return true;
    }
    case ev_repair_done:
      repaired(e.target);
      return true;
    default:
      return false;
  }
}

Simulation::Simulation(const ScenarioSpec& spec) : state_(std::make_unique<State>(spec)) {}
Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

const ScenarioSpec& Simulation::spec() const { return state_->spec; }

void Simulation::run(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
                     ReplicationMetrics& out, Trace* trace) {
  State& s = *state_;
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
      engine::run_until(s.queue, s.horizon, s, &observer);
    } else {
      engine::run_until(s.queue, s.horizon, s);
    }
  } catch (const engine::EventLimitExceeded& e) {
    throw engine::EventLimitExceeded(
        "scenario '" + s.spec.name + "': replication " + std::to_string(replication) +
        " exceeded the event limit of " + std::to_string(s.event_limit) +
        (s.event_limit_derived
             ? " (derived from the expected load; set scenario.event_limit to raise it)"
             : " (scenario.event_limit)") +
        ": " + e.what());
  }
  out.in_flight = s.live;
  out.events = s.queue.events_processed();
  if (!out.first_harm_observed) out.time_to_first_harm = s.horizon;
}

}  // namespace stsim::model
