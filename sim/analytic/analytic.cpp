// Exact answers by enumeration and Markov chains. A task's path through the control
// structure is enumerated branch by branch with its probability (the event tree a fault
// tree is the dual of), given which safeguards are down; the down states are a
// continuous-time Markov chain between proof tests, solved with matrix exponentials.
// Each kind's branching is in its own module (model::KindInfo::branch, next to its
// step), with the semantics of docs/model.md; this file drives it through the structure
// and solves what is not per task: the latent-failure chain of the safeguards and the
// queues of the operator pools.

#include "sim/analytic/analytic.h"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <unordered_map>
#include <unsupported/Eigen/MatrixFunctions>

#include "sim/analytic/closed_forms.h"
#include "sim/analytic/control.h"
#include "sim/model/branching.h"

namespace stsim::analytic {
namespace {

using model::Branch;
using model::ComponentSpec;
using model::PortIndex;
using model::ScenarioSpec;
using model::Terminal;

constexpr std::uint32_t none = UINT32_MAX;
constexpr std::uint32_t unbounded = std::numeric_limits<std::uint32_t>::max();

using model::format_number;

std::string who(const ComponentSpec& c) {
  return "component '" + c.id + "' (" + std::string(model::kind_name(c)) + ")";
}

bool is_operators(const ComponentSpec& c) { return model::is<model::Operators>(c); }

// The structure with ids resolved to indices.
struct Graph {
  const ScenarioSpec* spec = nullptr;
  std::vector<std::array<std::uint32_t, model::max_ports>> next;
  std::vector<std::uint32_t> partner;  // coupling.with of safeguards, else none
  std::uint32_t ai = none;

  explicit Graph(const ScenarioSpec& s) : spec(&s) {
    std::unordered_map<std::string, std::uint32_t> index;
    for (std::uint32_t i = 0; i < s.components.size(); ++i) index.emplace(s.components[i].id, i);
    auto find = [&](const std::string& id) {
      auto it = index.find(id);
      return it == index.end() ? none : it->second;
    };
    next.resize(s.components.size());
    partner.assign(s.components.size(), none);
    for (std::uint32_t i = 0; i < s.components.size(); ++i) {
      const auto& c = s.components[i];
      next[i].fill(none);
      const auto ports = model::info_of(c).ports;
      for (std::size_t p = 0; p < ports.size(); ++p) {
        const std::string_view target = c.target(ports[p].name);
        if (!target.empty()) next[i][p] = find(std::string(target));
      }
      if (const auto* g = std::get_if<model::SafeguardSpec>(&c.parameters))
        if (!g->coupling.with.empty()) partner[i] = find(g->coupling.with);
      if (model::is<model::Ai>(c)) ai = i;
    }
  }

  const ComponentSpec& at(std::uint32_t i) const { return spec->components[i]; }
  std::size_t size() const { return next.size(); }

  // Components reachable from `from` (not including it).
  std::vector<bool> reachable_from(std::uint32_t from) const {
    std::vector<bool> seen(size(), false);
    std::vector<std::uint32_t> stack{from};
    while (!stack.empty()) {
      const std::uint32_t v = stack.back();
      stack.pop_back();
      for (std::uint32_t w : next[v]) {
        if (w != none && !seen[w]) {
          seen[w] = true;
          stack.push_back(w);
        }
      }
    }
    return seen;
  }
};

bool latent(const ComponentSpec& c) {
  const auto* g = std::get_if<model::SafeguardSpec>(&c.parameters);
  return g != nullptr && g->latent_failure_rate > 0.0;
}

// What can be down latently: a safeguard, or one channel of a vote.
struct ChainMember {
  std::uint32_t node = 0;
  std::uint32_t channel = 0;
  double first_test = 0.0, test_interval = 0.0, repair_time = 0.0;
};

// An event failing several members at once (or one), at a constant rate while any is up.
struct Shock {
  double rate = 0.0;
  std::vector<std::size_t> members;
};

struct ChainSpec {
  std::vector<ChainMember> members;
  std::vector<Shock> shocks;
};

// The safeguards that fail latently and those a common-cause latent event takes down
// with them, and the channels of votes that fail latently.
ChainSpec chain_spec(const Graph& g) {
  ChainSpec out;
  std::vector<std::size_t> member_of(g.size(), none);
  auto guard = [&](std::uint32_t i) {
    if (member_of[i] == none) {
      const auto& s = std::get<model::SafeguardSpec>(g.at(i).parameters);
      member_of[i] = out.members.size();
      out.members.push_back({i, 0, s.test_interval, s.test_interval, s.repair_time});
    }
    return member_of[i];
  };
  for (std::uint32_t i = 0; i < g.size(); ++i) {
    if (!latent(g.at(i))) continue;
    const auto rates = model::Safeguard::latent_rates(g.at(i), *g.spec);
    const std::size_t self = guard(i);
    if (rates.independent > 0.0) out.shocks.push_back({rates.independent, {self}});
    if (rates.common > 0.0) out.shocks.push_back({rates.common, {self, guard(g.partner[i])}});
  }
  for (std::uint32_t i = 0; i < g.size(); ++i) {
    const auto* v = std::get_if<model::VoteSpec>(&g.at(i).parameters);
    if (v == nullptr || !(v->latent_failure_rate > 0.0)) continue;
    const std::size_t first = out.members.size();
    for (std::uint32_t c = 0; c < v->channels; ++c)
      out.members.push_back(
          {i, c, model::Vote::first_test(*v, c), v->test_interval, v->repair_time});
    const auto rates = model::Vote::set_intensities(*v, v->latent_failure_rate);
    for (std::uint32_t set = 1; set < (1u << v->channels); ++set) {
      if (!(rates[set - 1] > 0.0)) continue;
      Shock shock{rates[set - 1], {}};
      for (std::uint32_t c = 0; c < v->channels; ++c)
        if ((set >> c & 1u) != 0) shock.members.push_back(first + c);
      out.shocks.push_back(std::move(shock));
    }
  }
  return out;
}

std::optional<std::string> check_subset(const ScenarioSpec& spec, const Graph& g) {
  if (spec.pause_after_harm > 0.0)
    return "scenario: pause_after_harm = " + format_number(spec.pause_after_harm) +
           " h > 0: suspending service after a harm makes tasks dependent";
  if (spec.components.size() > 64)
    return "scenario: " + std::to_string(spec.components.size()) +
           " components; the enumeration tracks at most 64";
  std::uint32_t ais = 0;
  for (const auto& c : spec.components)
    if (model::is<model::Ai>(c)) ++ais;
  if (ais != 1)
    return "scenario: " + std::to_string(ais) + " ai components; the subset has exactly one";

  const auto chain = chain_spec(g).members;
  bool any_operators = false;
  for (std::uint32_t i = 0; i < g.size(); ++i) {
    const auto& c = g.at(i);
    const auto& kind = model::info_of(c);
    if (kind.role != model::Role::entry && kind.branch == nullptr)
      return who(c) + ": a " + std::string(kind.name) + " has no closed form";
    if (auto reason = kind.outside_analytic(c, spec)) return who(c) + ": " + *reason;
    any_operators = any_operators || is_operators(c);
    if (model::is<model::Audit>(c) && !chain.empty())
      return who(c) + ": an audit that reveals latent safeguard failures (here '" +
             g.at(chain.front().node).id + "') couples tasks with the failure process";
  }
  if (chain.size() > max_latent_safeguards)
    return "scenario: " + std::to_string(chain.size()) +
           " safeguards or vote channels can be down latently; the Markov chain is solved for "
           "at most " +
           std::to_string(max_latent_safeguards);
  if (any_operators)
    for (const auto& context : spec.contexts)
      if (std::isfinite(context.deadline))
        return "contexts." + context.name + ": deadline = " + format_number(context.deadline) +
               " h with operators: whether a task is late depends on its time in their queue";
  if (any_operators && !chain.empty())
    return who(g.at(chain.front().node)) +
           ": latent_failure_rate > 0 with operators: review arrivals are then not Poisson";

  for (std::uint32_t i = 0; i < g.size(); ++i) {
    const auto& c = g.at(i);
    if (const auto* sg = std::get_if<model::SafeguardSpec>(&c.parameters)) {
      const auto& s = *sg;
      if (!s.blocks && model::flagging::can_flag(s)) {
        const auto after = g.reachable_from(i);
        for (std::uint32_t j = 0; j < g.size(); ++j) {
          if (after[j] && is_operators(g.at(j)))
            return who(c) + ": blocks = false passes alarms to operators '" + g.at(j).id +
                   "', whose alarm fatigue depends on the alarm history";
        }
      }
    }
    if (const auto* op = std::get_if<model::OperatorSpec>(&c.parameters)) {
      // Burke's theorem keeps the departures of an M/M/c queue Poisson; nothing else does.
      const auto& o = *op;
      const bool poisson_out = o.max_queue == unbounded &&
                               o.review_distribution == model::ServiceDistribution::exponential;
      if (!poisson_out) {
        const auto after = g.reachable_from(i);
        for (std::uint32_t j = 0; j < g.size(); ++j) {
          if (after[j] && is_operators(g.at(j)))
            return who(c) + ": feeds operators '" + g.at(j).id +
                   "' but is not M/M/c with an unbounded queue, so its departures are not Poisson";
        }
      }
    }
  }
  return std::nullopt;
}

// Expected values per task born, given which safeguards are down.
// (What the kinds' branches count is in model::BranchCounts.)
struct TaskTotals : model::BranchCounts {
  double harm = 0.0, harm_severity = 0.0, harm_correct = 0.0;
  double near_miss = 0.0, model_error_no_harm = 0.0;
  double benign = 0.0, malicious = 0.0, benign_lost = 0.0;
  std::vector<double> arrivals;  // per component: probability the task reaches it

  void add(const TaskTotals& o, double w) {
    harm += w * o.harm;
    harm_severity += w * o.harm_severity;
    harm_correct += w * o.harm_correct;
    model_error += w * o.model_error;
    hazardous_output += w * o.hazardous_output;
    near_miss += w * o.near_miss;
    model_error_no_harm += w * o.model_error_no_harm;
    false_alarms += w * o.false_alarms;
    benign += w * o.benign;
    malicious += w * o.malicious;
    refused_benign += w * o.refused_benign;
    refused_malicious += w * o.refused_malicious;
    benign_lost += w * o.benign_lost;
    if (arrivals.size() < o.arrivals.size()) arrivals.resize(o.arrivals.size(), 0.0);
    for (std::size_t i = 0; i < o.arrivals.size(); ++i) arrivals[i] += w * o.arrivals[i];
  }
};

class Enumerator final : public model::Branching {
 public:
  Enumerator(const Graph& g, std::vector<std::uint32_t> down, const std::vector<double>& overflow)
      : g_(g), down_(std::move(down)), overflow_(overflow) {
    totals_.arrivals.assign(g.size(), 0.0);
  }

  TaskTotals run() {
    const auto& ctx = g_.spec->contexts;
    double weight_sum = 0.0;
    for (const auto& c : ctx) weight_sum += c.weight;
    for (std::uint32_t k = 0; k < ctx.size(); ++k) {
      const double pc = ctx[k].weight / weight_sum;
      for (int m = 0; m < 2; ++m) {
        Branch b;
        b.context = k;
        b.malicious = m == 1;
        b.p = pc * (b.malicious ? ctx[k].malicious_share : 1.0 - ctx[k].malicious_share);
        if (b.p <= 0.0) continue;
        (b.malicious ? totals_.malicious : totals_.benign) += b.p;
        visit(g_.ai, b);
      }
    }
    return totals_;
  }

  void leave(std::uint32_t node, PortIndex port, const Branch& b) override {
    if (b.p <= 0.0) return;
    const std::uint32_t to = g_.next[node][port];
    if (to == none) {
      end(b, b.hazardous ? Terminal::near_miss : Terminal::lost);
      return;
    }
    visit(to, b);
  }

  void end(const Branch& b, Terminal t) override {
    const model::ContextSpec& context = g_.spec->contexts[b.context];
    // As Replication::finish: help withheld where that is hazardous is a harm. Nothing is
    // late: without operators a task is acted on at its birth.
    if (!b.malicious && context.omission_hazardous && model::withholds_help(t, b.output)) {
      totals_.harm += b.p;
      totals_.harm_severity += b.p * context.omission_severity;
      return;
    }
    switch (t) {
      case Terminal::harm:
        totals_.harm += b.p;
        totals_.harm_severity += b.p * g_.spec->contexts[b.context].severity;
        if (b.origin != model::HarmOrigin::model_error) totals_.harm_correct += b.p;
        break;
      case Terminal::near_miss:
        totals_.near_miss += b.p;
        break;
      case Terminal::lost:
        if (!b.malicious) totals_.benign_lost += b.p;
        break;
      case Terminal::served:
      case Terminal::paused:
        break;
    }
    if (b.erred && t != Terminal::harm) totals_.model_error_no_harm += b.p;
  }

  model::BranchCounts& counts() override { return totals_; }
  const model::ContextSpec& context(std::uint32_t index) const override {
    return g_.spec->contexts[index];
  }
  bool down(std::uint32_t node) const override { return down_[node] != 0; }
  std::uint32_t down_channels(std::uint32_t node) const override { return down_[node]; }
  std::uint32_t node_of(std::string_view id) const override {
    for (std::uint32_t i = 0; i < g_.size(); ++i)
      if (g_.at(i).id == id) return i;
    return none;
  }
  double overflow(std::uint32_t node) const override { return overflow_[node]; }

 private:
  void visit(std::uint32_t node, const Branch& b) {
    if (b.p <= 0.0) return;
    const auto& c = g_.at(node);
    // The tasks a layer does not cover pass by its first port without meeting it.
    const double covered = c.coverage_of(context(b.context).name);
    Branch handled = b;
    if (covered < 1.0) {
      Branch passed = b;
      passed.p = b.p * (1.0 - covered);
      leave(node, 0, passed);
      handled.p = b.p * covered;
      if (handled.p <= 0.0) return;
    }
    totals_.arrivals[node] += handled.p;
    model::info_of(c).branch(c, *this, node, handled);
  }

  const Graph& g_;
  std::vector<std::uint32_t> down_;  // per component: bit c for channel c down (0 for a safeguard)
  const std::vector<double>& overflow_;
  TaskTotals totals_;
};

// The down states of the chain's members: each is up (0), down and unknown (1) or
// found and under repair (2); state = sum digit_i 3^i.
class LatentChain {
 public:
  LatentChain(const Graph& g, ChainSpec chain) : g_(g), members_(std::move(chain.members)) {
    n_ = 1;
    for (std::size_t i = 0; i < members_.size(); ++i) n_ *= 3;
    q_ = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n_), static_cast<Eigen::Index>(n_));
    down_rate_.assign(n_, 0.0);
    for (std::size_t s = 0; s < n_; ++s) {
      for (const Shock& shock : chain.shocks) {
        std::size_t to = s;
        for (std::size_t i : shock.members) to = set_down(to, i);
        add_rate(s, to, shock.rate);
      }
    }
  }

  std::size_t states() const { return n_; }
  std::size_t members() const { return members_.size(); }
  const ChainMember& member(std::size_t i) const { return members_[i]; }
  // What is down in state s, per component: bit c for channel c of a vote, bit 0 for a
  // safeguard.
  std::vector<std::uint32_t> down_channels(std::size_t s) const {
    std::vector<std::uint32_t> down(g_.size(), 0);
    for (std::size_t i = 0; i < members_.size(); ++i)
      if (digit(s, i) != 0) down[members_[i].node] |= 1u << members_[i].channel;
    return down;
  }
  bool member_down(std::size_t s, std::size_t i) const { return digit(s, i) != 0; }
  // Expected safeguard failures per hour in state s (a common-cause event failing two up
  // safeguards counts two).
  double failure_rate(std::size_t s) const { return down_rate_[s]; }

  struct Solution {
    Eigen::VectorXd occupancy;       // expected hours in each state over [0, horizon]
    double survival = 1.0;           // P(no killing event in [0, horizon])
    double survival_integral = 0.0;  // integral of the survival function over [0, horizon]
  };

  // Solves over [0, horizon] from all up; `kill` is the killing rate per state (harms
  // per hour), for the time to the first harm.
  Solution solve(double horizon, const Eigen::VectorXd& kill) const {
    struct Event {
      double time;
      std::size_t member;
      bool test;  // else repair done
    };
    std::vector<Event> events;
    for (std::size_t i = 0; i < members_.size(); ++i) {
      const auto& m = members_[i];
      if (!(m.test_interval > 0.0)) continue;
      // The model schedules each test from the previous one.
      for (double t = m.first_test; t < horizon; t += m.test_interval) {
        events.push_back({t, i, true});
        if (m.repair_time > 0.0 && t + m.repair_time < horizon)
          events.push_back({t + m.repair_time, i, false});
      }
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.time < b.time; });

    const auto n = static_cast<Eigen::Index>(n_);
    Eigen::MatrixXd qk = q_;
    qk.diagonal() -= kill;
    Eigen::RowVectorXd p = Eigen::RowVectorXd::Zero(n), pk = Eigen::RowVectorXd::Zero(n);
    p(0) = 1.0;
    pk(0) = 1.0;
    Solution out;
    out.occupancy = Eigen::VectorXd::Zero(n);
    std::map<long long, std::array<Eigen::MatrixXd, 4>> cache;
    double now = 0.0;
    auto advance = [&](double to) {
      const double dt = to - now;
      if (dt <= 0.0) return;
      // Equal test intervals give the same step: one matrix exponential for each.
      const auto key = std::llround(dt * 1e9);
      auto it = cache.find(key);
      if (it == cache.end()) {
        auto [e, integral] = exponential_and_integral(q_, dt);
        auto [ek, integral_k] = exponential_and_integral(qk, dt);
        it = cache.emplace(key, std::array<Eigen::MatrixXd, 4>{e, integral, ek, integral_k}).first;
      }
      const auto& m = it->second;
      out.occupancy += (p * m[1]).transpose();
      out.survival_integral += (pk * m[3]).sum();
      p = p * m[0];
      pk = pk * m[2];
      now = to;
    };
    for (const Event& e : events) {
      advance(e.time);
      p = jump(p, e);
      pk = jump(pk, e);
    }
    advance(horizon);
    out.survival = pk.sum();
    return out;
  }

 private:
  static std::size_t power3(std::size_t i) {
    std::size_t r = 1;
    while (i-- > 0) r *= 3;
    return r;
  }
  static std::size_t digit(std::size_t s, std::size_t i) { return s / power3(i) % 3; }
  static std::size_t with_digit(std::size_t s, std::size_t i, std::size_t d) {
    return s + (d - digit(s, i)) * power3(i);
  }
  // A failure takes an up safeguard down; one already down stays as it is.
  static std::size_t set_down(std::size_t s, std::size_t i) {
    return digit(s, i) == 0 ? with_digit(s, i, 1) : s;
  }

  void add_rate(std::size_t from, std::size_t to, double rate) {
    if (rate <= 0.0) return;
    for (std::size_t i = 0; i < members_.size(); ++i)
      if (digit(from, i) == 0 && digit(to, i) != 0) down_rate_[from] += rate;
    if (to == from) return;
    const auto f = static_cast<Eigen::Index>(from), t = static_cast<Eigen::Index>(to);
    q_(f, t) += rate;
    q_(f, f) -= rate;
  }

  Eigen::RowVectorXd jump(const Eigen::RowVectorXd& p, const auto& e) const {
    Eigen::RowVectorXd out = Eigen::RowVectorXd::Zero(p.size());
    const double repair = members_[e.member].repair_time;
    for (std::size_t s = 0; s < n_; ++s) {
      std::size_t to = s;
      const std::size_t d = digit(s, e.member);
      if (e.test && d == 1) to = with_digit(s, e.member, repair > 0.0 ? 2 : 0);
      if (!e.test && d == 2) to = with_digit(s, e.member, 0);
      out(static_cast<Eigen::Index>(to)) += p(static_cast<Eigen::Index>(s));
    }
    return out;
  }

  // exp(Q t) and its integral over [0, t], from one exponential of the block matrix
  // [[Q, I], [0, 0]] (Van Loan, IEEE TAC 23, 1978).
  static std::pair<Eigen::MatrixXd, Eigen::MatrixXd> exponential_and_integral(
      const Eigen::MatrixXd& q, double t) {
    const Eigen::Index n = q.rows();
    Eigen::MatrixXd block = Eigen::MatrixXd::Zero(2 * n, 2 * n);
    block.topLeftCorner(n, n) = q * t;
    block.topRightCorner(n, n) = Eigen::MatrixXd::Identity(n, n) * t;
    const Eigen::MatrixXd e = block.exp();
    return {e.topLeftCorner(n, n), e.topRightCorner(n, n)};
  }

  const Graph& g_;
  std::vector<ChainMember> members_;
  std::size_t n_ = 1;
  Eigen::MatrixXd q_;
  std::vector<double> down_rate_;
};

}  // namespace

const ExactMetric* Analysis::find(const std::string& name) const {
  for (const auto& m : metrics)
    if (m.name == name) return &m;
  return nullptr;
}

std::optional<std::string> outside_subset(const ScenarioSpec& spec) {
  for (const auto& c : spec.components)
    for (const auto& [port, bound] : c.bounds)
      if (bound.at_most != model::EdgeBound::unbounded)
        return who(c) + ": next." + port + " sends tasks back to '" + std::string(c.target(port)) +
               "' at most " + std::to_string(bound.at_most) +
               " times, a bounded loop; the subset has no closed form for a task's repeated "
               "passes";
  const auto control = control_case(spec);
  if (std::holds_alternative<ControlCase>(control)) return std::nullopt;
  // An attacking AI is in the subset only as part of a control protocol: say why not.
  for (const auto& c : spec.components)
    if (const auto* ai = std::get_if<model::AiSpec>(&c.parameters);
        ai != nullptr && ai->untrusted && ai->attack.probability > 0.0)
      return who(c) + ": an attack policy outside the control protocols of the subset: " +
             std::get<std::string>(control);
  const Graph g(spec);
  return check_subset(spec, g);
}

Analysis analyse(const ScenarioSpec& spec) {
  if (auto reason = outside_subset(spec)) throw std::invalid_argument(*reason);
  if (const auto control = control_case(spec); std::holds_alternative<ControlCase>(control)) {
    const auto& c = std::get<ControlCase>(control);
    Analysis out;
    out.metrics.push_back(
        {"safety", c.upfront ? upfront_safety(c.tasks, c.budget, c.attack, c.success, c.detect)
                             : control_safety(c)});
    return out;
  }
  const Graph g(spec);
  Analysis out;
  for (const auto& c : spec.components)
    if (const auto* source = std::get_if<model::SourceSpec>(&c.parameters))
      out.task_rate += source->rate;
  const double horizon = spec.horizon;

  // Operator pools: the overflow probability of each depends on the traffic that
  // reaches it, which depends on the pools upstream; in a structure without loops,
  // iterating as many times as there are pools settles every one.
  std::vector<std::uint32_t> pools;
  for (std::uint32_t i = 0; i < g.size(); ++i)
    if (is_operators(g.at(i))) pools.push_back(i);
  std::vector<double> overflow(g.size(), 0.0);
  std::vector<QueueResult> queues(g.size());
  for (std::size_t iteration = 0; iteration <= pools.size() && !pools.empty(); ++iteration) {
    const TaskTotals t = Enumerator(g, std::vector<std::uint32_t>(g.size(), 0), overflow).run();
    for (std::uint32_t k : pools) {
      const auto& o = std::get<model::OperatorSpec>(g.at(k).parameters);
      queues[k] = mmc(out.task_rate * t.arrivals[k], 1.0 / o.review_time, o.count, o.max_queue);
      overflow[k] = queues[k].p_overflow;
    }
  }
  for (std::uint32_t k : pools) {
    if (!queues[k].stable)
      throw std::invalid_argument(
          who(g.at(k)) + ": offered load " + format_number(queues[k].offered_load) +
          " Erlangs >= count = " +
          std::to_string(std::get<model::OperatorSpec>(g.at(k).parameters).count) +
          ": the queue grows without bound");
  }

  // The latent chain; without latent failures it has one state and no events.
  const LatentChain chain(g, chain_spec(g));
  std::vector<TaskTotals> per_state(chain.states());
  std::map<std::vector<std::uint32_t>, TaskTotals> by_mask;
  Eigen::VectorXd kill(static_cast<Eigen::Index>(chain.states()));
  for (std::size_t s = 0; s < chain.states(); ++s) {
    const auto mask = chain.down_channels(s);
    auto it = by_mask.find(mask);
    if (it == by_mask.end()) it = by_mask.emplace(mask, Enumerator(g, mask, overflow).run()).first;
    per_state[s] = it->second;
    kill(static_cast<Eigen::Index>(s)) = out.task_rate * it->second.harm;
  }
  const auto solution = chain.solve(horizon, kill);
  TaskTotals avg;
  double latent_failures = 0.0;
  for (std::size_t s = 0; s < chain.states(); ++s) {
    const double hours = solution.occupancy(static_cast<Eigen::Index>(s));
    avg.add(per_state[s], hours / horizon);
    latent_failures += hours * chain.failure_rate(s);
  }
  for (std::size_t i = 0; i < chain.members(); ++i) {
    double hours_down = 0.0;
    for (std::size_t s = 0; s < chain.states(); ++s)
      if (chain.member_down(s, i)) hours_down += solution.occupancy(static_cast<Eigen::Index>(s));
    const auto& m = chain.member(i);
    std::string id = g.at(m.node).id;
    // A vote's channels by index (GCC 12 warns falsely on "[" + std::to_string(...)).
    if (model::is<model::Vote>(g.at(m.node))) {
      id.push_back('[');
      id.append(std::to_string(m.channel));
      id.push_back(']');
    }
    out.safeguards.push_back({id, hours_down / horizon});
  }

  // With operators, tasks still in review at the horizon are neither harmed nor served:
  // per-task values are exact in the long run.
  const bool queued = !pools.empty();
  auto put = [&](const char* name, double value, bool steady = false) {
    out.metrics.push_back({name, value, steady || queued});
  };
  put("harm_rate", avg.harm);
  put("model_error_rate", avg.model_error);
  put("hazardous_output_rate", avg.hazardous_output);
  put("near_miss_rate", avg.near_miss);
  put("harm_with_correct_output_rate", avg.harm_correct);
  put("model_error_no_harm_rate", avg.model_error_no_harm);
  put("false_alarm_rate", avg.false_alarms);
  if (avg.benign > 0.0) {
    put("refused_benign_share", avg.refused_benign / avg.benign);
    put("benign_lost_share", avg.benign_lost / avg.benign);
  }
  if (avg.malicious > 0.0) put("refused_malicious_share", avg.refused_malicious / avg.malicious);
  put("harms_per_hour", out.task_rate * avg.harm);
  if (!queued) {
    // Harms happen at arrival, so the harm process is Poisson modulated by the chain.
    put("first_harm_probability", 1.0 - solution.survival);
    put("time_to_first_harm", solution.survival_integral);
  }
  // Given n > 0 tasks, each is born at an independent uniform time: E[severity / n] is the
  // time-averaged severity per task, and a replication without tasks counts 0.
  put("harm_severity_per_task", avg.harm_severity * -std::expm1(-out.task_rate * horizon));
  put("tasks_per_replication", out.task_rate * horizon);
  if (queued) {
    double busy = 0.0, capacity = 0.0, wait = 0.0, reviews = 0.0, waiting = 0.0;
    double busy_periods = 0.0, filled_periods = 0.0;  // per hour
    for (std::uint32_t k : pools) {
      const auto& o = std::get<model::OperatorSpec>(g.at(k).parameters);
      const auto& q = queues[k];
      const double lambda = out.task_rate * avg.arrivals[k];
      PoolAnalysis pa;
      pa.id = g.at(k).id;
      pa.arrival_rate = lambda;
      pa.service_rate = 1.0 / o.review_time;
      pa.servers = o.count;
      pa.p_wait = q.p_wait;
      pa.mean_wait = q.mean_wait;
      pa.utilisation = q.utilisation;
      pa.p_overflow = q.p_overflow;
      pa.stable = q.stable;
      const bool exponential = o.review_distribution == model::ServiceDistribution::exponential;
      if (!exponential && o.count == 1 && o.max_queue == unbounded) {
        // M/G/1: Pollaczek-Khinchine, E[S^2] = (1 + cv^2) E[S]^2.
        const double cv =
            o.review_distribution == model::ServiceDistribution::fixed ? 0.0 : o.review_cv;
        const double rho = lambda * o.review_time;
        pa.p_wait = rho;
        pa.mean_wait =
            lambda * (1.0 + cv * cv) * o.review_time * o.review_time / (2.0 * (1.0 - rho));
      } else if (!exponential) {
        pa.p_wait = pa.mean_wait = std::numeric_limits<double>::quiet_NaN();
      }
      pa.p_fill_before_empty = o.max_queue != unbounded && exponential
                                   ? q.p_fill_before_empty
                                   : std::numeric_limits<double>::quiet_NaN();
      if (o.max_queue != unbounded) {
        // Busy periods begin at the arrivals that find the pool empty (PASTA).
        busy_periods += lambda * q.p_empty;
        filled_periods += lambda * q.p_empty * pa.p_fill_before_empty;
      }
      busy += lambda * (1.0 - q.p_overflow) * o.review_time;
      capacity += static_cast<double>(o.count);
      wait += lambda * (1.0 - q.p_overflow) * pa.mean_wait;
      reviews += lambda * (1.0 - q.p_overflow);
      waiting += lambda * (1.0 - q.p_overflow) * pa.p_wait;
      out.pools.push_back(pa);
    }
    put("operator_utilisation", busy / capacity, true);
    if (reviews > 0.0 && std::isfinite(wait)) put("operator_mean_wait", wait / reviews, true);
    if (reviews > 0.0 && std::isfinite(waiting))
      put("operator_wait_probability", waiting / reviews, true);
    if (busy_periods > 0.0 && std::isfinite(filled_periods))
      put("operator_fill_before_empty", filled_periods / busy_periods, true);
  }
  put("latent_failures_per_replication", latent_failures);
  return out;
}

}  // namespace stsim::analytic
