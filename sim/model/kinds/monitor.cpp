#include "sim/model/kinds/monitor.h"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>

#include "sim/model/builder.h"
#include "sim/model/key_fields.h"
#include "sim/random/distributions.h"

namespace stsim::model {

namespace {

constexpr std::array<std::string_view, 2> distribution_names = {"normal", "beta"};

const ScoreSpec& scores(const MonitorSpec& spec, bool attack) {
  return attack ? spec.attack : spec.benign;
}

// The benign score with this share of benign scores at or above it.
double benign_quantile_above(const MonitorSpec& spec, double share) {
  if (share <= 0.0) return infinity;
  if (share >= 1.0) return -infinity;
  const ScoreSpec& s = spec.benign;
  if (spec.distribution == ScoreDistribution::normal)
    return s.mean + s.sd * random::normal_quantile(1.0 - share);
  return boost::math::ibetac_inv(s.alpha, s.beta, share);
}

template <auto threshold, auto false_positive>
double boundary(const MonitorSpec& spec) {
  return spec.*false_positive > 0.0 ? benign_quantile_above(spec, spec.*false_positive)
                                    : spec.*threshold;
}

}  // namespace

std::span<const ComponentKey> Monitor::keys() {
  static const std::vector<ComponentKey> keys = [] {
    std::vector<ComponentKey> k = {
        {"distribution", choice(distribution_names), "\"normal\"",
         "Distribution of suspicion scores: normal (mean, sd) or beta (alpha, beta)",
         field<&MonitorSpec::distribution>},
        {"audit_threshold", threshold(), "inf (never)", "Scores at or above this leave by audit",
         field<&MonitorSpec::audit_threshold>},
        {"defer_threshold", threshold(), "inf (never)",
         "Scores at or above this (and below the audit zone) leave by defer",
         field<&MonitorSpec::defer_threshold>},
        {"audit_false_positive", probability(), "0 (use audit_threshold)",
         "Share of benign outputs in the audit zone: sets the audit threshold exactly",
         field<&MonitorSpec::audit_false_positive>},
        {"defer_false_positive", probability(), "0 (use defer_threshold)",
         "Share of benign outputs at or above the defer threshold: sets it exactly",
         field<&MonitorSpec::defer_false_positive>},
        {"trusted", boolean(), "true",
         "true: independent of the model; false: a copy of the model, which may collude",
         field<&MonitorSpec::trusted>},
        {"collusion", probability(), "0",
         "Untrusted: probability of scoring an attack of the model as a benign output",
         field<&MonitorSpec::collusion>},
    };
    // The two score distributions, each read by the parameters of `distribution`.
    const std::vector<ComponentKey> scores = {
        {"benign.mean", of_type(ValueType::number), "0", "Mean score of benign outputs (normal)",
         field<&MonitorSpec::benign, &ScoreSpec::mean>},
        {"benign.sd", number_above(0.0), "1", "Standard deviation of benign scores (normal)",
         field<&MonitorSpec::benign, &ScoreSpec::sd>},
        {"benign.alpha", number_above(0.0), "2", "First shape of benign scores (beta)",
         field<&MonitorSpec::benign, &ScoreSpec::alpha>},
        {"benign.beta", number_above(0.0), "5", "Second shape of benign scores (beta)",
         field<&MonitorSpec::benign, &ScoreSpec::beta>},
        {"attack.mean", of_type(ValueType::number), "2",
         "Mean score of outputs carrying an attack (normal)",
         field<&MonitorSpec::attack, &ScoreSpec::mean>},
        {"attack.sd", number_above(0.0), "1",
         "Standard deviation of the scores of attacks (normal)",
         field<&MonitorSpec::attack, &ScoreSpec::sd>},
        {"attack.alpha", number_above(0.0), "5", "First shape of the scores of attacks (beta)",
         field<&MonitorSpec::attack, &ScoreSpec::alpha>},
        {"attack.beta", number_above(0.0), "2", "Second shape of the scores of attacks (beta)",
         field<&MonitorSpec::attack, &ScoreSpec::beta>},
    };
    k.insert(k.end(), scores.begin(), scores.end());
    add_coverage_keys(k);
    return k;
  }();
  return keys;
}

std::span<const KeyGroup> Monitor::groups() {
  static constexpr std::array<KeyGroup, 2> groups = {
      {{"benign", "a table such as { mean = 0, sd = 1 }"},
       {"attack", "a table such as { mean = 2, sd = 1 }"}}};
  return groups;
}

void Monitor::validate(const Spec& spec, const ComponentSpec& component, const ScenarioSpec&,
                       std::vector<std::string>& faults) {
  const std::string who = "component '" + component.id + "'";
  if (spec.audit_false_positive > 0.0 && std::isfinite(spec.audit_threshold))
    faults.push_back(who +
                     " sets both audit_threshold and audit_false_positive; expected one of them");
  if (spec.defer_false_positive > 0.0 && std::isfinite(spec.defer_threshold))
    faults.push_back(who +
                     " sets both defer_threshold and defer_false_positive; expected one of them");
  if (spec.trusted && spec.collusion > 0.0)
    faults.push_back(who +
                     " sets collusion but is trusted; expected trusted = false for a monitor that "
                     "may collude");
}

double Monitor::audit_boundary(const Spec& spec) {
  return boundary<&MonitorSpec::audit_threshold, &MonitorSpec::audit_false_positive>(spec);
}

double Monitor::defer_boundary(const Spec& spec) {
  return boundary<&MonitorSpec::defer_threshold, &MonitorSpec::defer_false_positive>(spec);
}

double Monitor::above(const Spec& spec, bool attack, double x) {
  if (x == infinity) return 0.0;
  if (x == -infinity) return 1.0;
  const ScoreSpec& s = scores(spec, attack);
  if (spec.distribution == ScoreDistribution::normal)
    return random::normal_cdf((s.mean - x) / s.sd);
  if (x <= 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  return boost::math::ibetac(s.alpha, s.beta, x);
}

Monitor::State Monitor::build(const Spec& spec, std::uint32_t, Builder&) {
  State m;
  m.spec = spec;
  for (const int d : {0, 1}) {
    m.below_audit[d] = 1.0 - above(spec, d == 1, audit_boundary(spec));
    m.below_defer[d] = 1.0 - above(spec, d == 1, defer_boundary(spec));
  }
  // A false-positive rate is the benign zone's share exactly, not through a quantile.
  if (spec.audit_false_positive > 0.0) m.below_audit[0] = 1.0 - spec.audit_false_positive;
  if (spec.defer_false_positive > 0.0) m.below_defer[0] = 1.0 - spec.defer_false_positive;
  const auto shifted = [&](double below, double boundary) {
    return boundary == infinity ? below : std::clamp(below + spec.attack_miss_shift, 0.0, 1.0);
  };
  m.below_audit[1] = shifted(m.below_audit[1], audit_boundary(spec));
  m.below_defer[1] = shifted(m.below_defer[1], defer_boundary(spec));
  return m;
}

}  // namespace stsim::model
