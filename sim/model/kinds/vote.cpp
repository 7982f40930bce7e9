#include "sim/model/kinds/vote.h"

#include <cmath>

#include "sim/model/branching.h"
#include "sim/model/builder.h"
#include "sim/model/key_fields.h"
#include "sim/model/kinds/safeguard.h"

namespace stsim::model {

namespace {

constexpr std::array<std::string_view, 4> model_names = {"none", "beta", "mgl", "alpha"};

double choose(std::uint32_t n, std::uint32_t k) {
  double c = 1.0;
  for (std::uint32_t i = 1; i <= k; ++i) c = c * static_cast<double>(n - k + i) / i;
  return c;
}

}  // namespace

std::span<const ComponentKey> Vote::keys() {
  static const std::vector<ComponentKey> keys = with_coverage_keys(flagging::with_context_keys<
                                                                   VoteSpec>({
      {"channels", integer(1, max_channels), "2", "Number of identical channels in the group",
       field<&VoteSpec::channels>},
      {"required", integer(1, max_channels), "1",
       "Channels that must flag for the group to flag (k of k-out-of-n)",
       field<&VoteSpec::required>},
      {"detect_error", probability(), "0.9",
       "Probability that one working channel flags a hazardous output from a model error",
       field<&VoteSpec::detect_error>},
      {"detect_misuse", probability(), "0",
       "Probability that one working channel flags a hazardous output serving malicious intent",
       field<&VoteSpec::detect_misuse>},
      {"false_alarm", probability(), "0.01",
       "Probability that one working channel flags a non-hazardous output",
       field<&VoteSpec::false_alarm>},
      {"blocks", boolean(), "true",
       "true: flagged tasks leave by block; false: they pass on carrying an alarm",
       field<&VoteSpec::blocks>},
      {"latent_failure_rate", rate(false), "0/h",
       "Rate of silent failures of each channel, its common-cause part included",
       field<&VoteSpec::latent_failure_rate>},
      {"test_interval", duration(false), "0h (never tested)",
       "Period of the proof tests of each channel", field<&VoteSpec::test_interval>},
      {"staggered_tests", boolean(), "false",
       "false: every channel tested at once; true: channel i at i test_interval / channels",
       field<&VoteSpec::staggered_tests>},
      {"repair_time", duration(false), "0h", "Time to repair a channel once its failure is found",
       field<&VoteSpec::repair_time>},
      {"common_cause.model", choice(model_names), "\"none\"",
       "How the channels' failures divide into common-cause events: none, beta, mgl or alpha",
       field<&VoteSpec::common_cause, &CommonCauseSpec::model>},
      {"common_cause.beta", probability(), "0",
       "Share of each channel's failures that fail every channel (beta), or more than one (mgl)",
       field<&VoteSpec::common_cause, &CommonCauseSpec::beta>},
      {"common_cause.gamma", probability(), "0",
       "MGL: of the failures shared by two channels, the share that fail a third too",
       field<&VoteSpec::common_cause, &CommonCauseSpec::gamma>},
      {"common_cause.delta", probability(), "0",
       "MGL: of the failures shared by three channels, the share that fail a fourth too",
       field<&VoteSpec::common_cause, &CommonCauseSpec::delta>},
      {"common_cause.alpha", of_type(ValueType::number_list), "[] (required by alpha)",
       "Alpha factors: the shares of failure events that fail 1, 2, ... channels",
       field<&VoteSpec::common_cause, &CommonCauseSpec::alpha>},
  }));
  return keys;
}

std::span<const KeyGroup> Vote::groups() {
  static constexpr std::array<KeyGroup, 1> groups = {
      {{"common_cause", "a table such as { model = \"beta\", beta = 0.1 }"}}};
  return groups;
}

void Vote::validate(const Spec& spec, const ComponentSpec& component, const ScenarioSpec&,
                    std::vector<std::string>& faults) {
  const std::string who = "component '" + component.id + "'";
  if (spec.required > spec.channels)
    faults.push_back(who + " requires " + std::to_string(spec.required) +
                     " channels to flag but has " + std::to_string(spec.channels) +
                     "; expected required <= channels");
  // A model's parameters are read by that model only (as review_cv by lognormal reviews).
  const auto& cc = spec.common_cause;
  if (cc.model == CommonCauseModel::alpha && cc.alpha.size() != spec.channels)
    faults.push_back(who + " has " + std::to_string(cc.alpha.size()) +
                     " common_cause.alpha factors for " + std::to_string(spec.channels) +
                     " channels; expected one per multiplicity, [alpha_1, ..., alpha_" +
                     std::to_string(spec.channels) + "]");
}

Vote::SetValues Vote::set_intensities(const Spec& spec, double h) {
  const std::uint32_t n = spec.channels;
  // share[k]: the part of a channel's intensity in events that fail k channels.
  std::array<double, max_channels + 2> share{};
  const auto& cc = spec.common_cause;
  switch (n == 1 ? CommonCauseModel::independent : cc.model) {
    case CommonCauseModel::independent:
      share[1] = 1.0;
      break;
    case CommonCauseModel::beta:
      share[1] = 1.0 - cc.beta;
      share[n] = cc.beta;
      break;
    case CommonCauseModel::mgl: {
      // NUREG/CR-5485: Q_k = (prod_{i<=k} rho_i)(1 - rho_{k+1}) Q_t / C(n-1, k-1).
      const std::array<double, max_channels + 2> rho = {0.0, 1.0, cc.beta, cc.gamma, cc.delta, 0.0};
      double product = 1.0;
      for (std::uint32_t k = 1; k <= n; ++k) {
        product *= rho[k];
        share[k] = product * (k == n ? 1.0 : 1.0 - rho[k + 1]);
      }
      break;
    }
    case CommonCauseModel::alpha: {
      // NUREG/CR-5485 (non-staggered): Q_k = k alpha_k Q_t / (C(n-1, k-1) alpha_t).
      double total = 0.0;
      for (std::uint32_t k = 1; k <= n; ++k) total += k * cc.alpha[k - 1];
      for (std::uint32_t k = 1; k <= n; ++k) share[k] = k * cc.alpha[k - 1] / total;
      break;
    }
  }
  SetValues out{};
  for (std::uint32_t set = 1; set < (1u << n); ++set) {
    const auto k = static_cast<std::uint32_t>(std::popcount(set));
    if (share[k] > 0.0) out[set - 1] = share[k] * h / choose(n - 1, k - 1);
  }
  return out;
}

Vote::SetValues Vote::demand_shocks(const Spec& spec, double q) {
  SetValues out{};
  if (!(q > 0.0)) return out;
  out = set_intensities(spec, -std::log1p(-q));
  for (double& x : out) x = x > 0.0 ? -std::expm1(-x) : 0.0;
  return out;
}

Time Vote::first_test(const Spec& spec, std::uint32_t channel) {
  if (!spec.staggered_tests || channel == 0) return spec.test_interval;
  return spec.test_interval * channel / spec.channels;
}

Vote::State Vote::build(const Spec& spec, std::uint32_t node, Builder& builder) {
  State g;
  g.spec = spec;
  g.node = node;
  g.all = (1u << spec.channels) - 1;
  g.by_context = flagging::per_context(spec, builder);
  for (std::size_t c = 0; c < g.by_context.detect_error.size(); ++c)
    g.demand_shock.push_back({demand_shocks(spec, 1.0 - g.by_context.detect_error[c]),
                              demand_shocks(spec, 1.0 - g.by_context.detect_misuse[c])});
  g.latent_rate = set_intensities(spec, spec.latent_failure_rate);
  for (double x : g.latent_rate) g.latent_total += x;
  builder.latent_process(g.latent_total);
  const double horizon = builder.spec().horizon;
  if (g.latent_total > 0.0) {
    builder.down_bit(node);
    builder.expect_events(2.0 * g.latent_total * horizon);
  }
  if (spec.test_interval > 0.0) builder.expect_events(spec.channels * horizon / spec.test_interval);
  return g;
}

void Vote::reset(State& g, std::uint32_t node, Replication& r) {
  g.latent_failure = r.stream(node, random::Purpose::latent_failure);
  g.down = g.found = g.down_common = 0;
}

void Vote::start(State& g, std::uint32_t node, Replication& r) {
  if (g.latent_total > 0.0) {
    const Time t = random::exponential(g.latent_failure, r.latent_measure().biased(g.latent_total));
    if (t < r.horizon()) r.schedule(t, Priority::component, node, latent_failure);
  }
  if (g.spec.test_interval > 0.0) {
    for (std::uint32_t i = 0; i < g.spec.channels; ++i) {
      const Time t = first_test(g.spec, i);
      if (t < r.horizon()) r.schedule(t, Priority::component, node, proof_test, i);
    }
  }
}

void Vote::fail_channels(Replication& r, State& g, std::uint32_t set) {
  const std::uint32_t newly = set & ~g.down;
  g.down |= newly;
  if (std::popcount(set) > 1) g.down_common |= newly;
  r.metrics().latent_failures += static_cast<std::uint64_t>(std::popcount(newly));
}

void Vote::find_channel(Replication& r, State& g, std::uint32_t channel) {
  const std::uint32_t bit = 1u << channel;
  if ((g.down & bit) == 0 || (g.found & bit) != 0) return;
  ++r.metrics().latent_failures_found;
  if (g.spec.repair_time > 0.0) {
    g.found |= bit;
    r.schedule(r.now() + g.spec.repair_time, Priority::component, g.node, repair_done, channel);
  } else {
    g.down &= ~bit;
    g.down_common &= ~bit;
  }
}

void Vote::reveal(Replication& r, State& g) {
  for (std::uint32_t i = 0; i < g.spec.channels; ++i) find_channel(r, g, i);
}

bool Vote::handle(Replication& r, std::vector<State>& states, KindEvent e) {
  State& g = states[e.index];
  switch (e.event) {
    case latent_failure: {
      // The events of every set form one Poisson process; each picks its set by rate.
      const double pick = g.latent_failure.uniform01() * g.latent_total;
      double cumulative = 0.0;
      std::uint32_t set = g.all;
      for (std::uint32_t s = 1; s <= g.all; ++s) {
        cumulative += g.latent_rate[s - 1];
        if (pick < cumulative) {
          set = s;
          break;
        }
      }
      fail_channels(r, g, set);
      r.latent_measure().event(g.latent_total);
      const Time next = r.now() + random::exponential(g.latent_failure,
                                                      r.latent_measure().biased(g.latent_total));
      if (next < r.horizon()) r.schedule(next, Priority::component, e.node, latent_failure);
      return true;
    }
    case proof_test: {
      find_channel(r, g, e.payload);
      r.latent_measure().renewed(r.now());
      const Time next = r.now() + g.spec.test_interval;
      if (next < r.horizon()) r.schedule(next, Priority::component, e.node, proof_test, e.payload);
      return true;
    }
    case repair_done: {
      const std::uint32_t bit = 1u << e.payload;
      g.down &= ~bit;
      g.found &= ~bit;
      g.down_common &= ~bit;
      return true;
    }
    default:
      return false;
  }
}

std::optional<std::string> Vote::outside_analytic(const Spec& spec, const ComponentSpec&,
                                                  const ScenarioSpec& scenario) {
  return Safeguard::overlapping_repairs(spec.latent_failure_rate, spec.test_interval,
                                        spec.repair_time, scenario.horizon);
}

void Vote::branch(const Spec& s, Branching& b, std::uint32_t node, const Branch& in) {
  const std::uint32_t all = (1u << s.channels) - 1;
  const std::uint32_t up = all & ~b.down_channels(node);
  const std::string_view context = b.context(in.context).name;
  double p_flag = 0.0;
  if (in.hazardous) {
    const SetValues shock = demand_shocks(s, 1.0 - flagging::detection(s, context, in.origin));
    // P(every channel of t escapes every event), for t within the working channels.
    auto escape = [&](std::uint32_t t) {
      double p = 1.0;
      for (std::uint32_t set = 1; set <= all; ++set)
        if ((set & t) != 0) p *= 1.0 - shock[set - 1];
      return p;
    };
    // P(the channels that detect are exactly s) by inclusion-exclusion over supersets.
    for (std::uint32_t set = up;; set = (set - 1) & up) {
      if (std::popcount(set) >= static_cast<int>(s.required)) {
        const std::uint32_t rest = up & ~set;
        for (std::uint32_t extra = rest;; extra = (extra - 1) & rest) {
          const double sign = std::popcount(extra) % 2 == 0 ? 1.0 : -1.0;
          p_flag += sign * escape(set | extra);
          if (extra == 0) break;
        }
      }
      if (set == 0) break;
    }
  } else {
    const auto m = static_cast<std::uint32_t>(std::popcount(up));
    const double f = flagging::false_alarm(s, context);
    for (std::uint32_t j = s.required; j <= m; ++j)
      p_flag += choose(m, j) * std::pow(f, j) * std::pow(1.0 - f, m - j);
  }
  Branch flagged = in, rest = in;
  flagged.p *= p_flag;
  rest.p *= 1.0 - p_flag;
  if (!in.hazardous) b.counts().false_alarms += flagged.p;
  if (s.blocks) {
    b.leave(node, block, flagged);
  } else {
    flagged.alarm = true;
    b.leave(node, pass, flagged);
  }
  if (rest.hazardous) rest.failed |= Branching::bit(node);
  b.leave(node, pass, rest);
}

}  // namespace stsim::model
