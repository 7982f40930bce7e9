// Every parameter of a spec written as "path = value" lines, in the dotted paths of the
// scenario format, so a result file shows exactly what each point ran. Durations are in
// hours and rates per hour (bare numbers in the scenario format mean the same).

#include <fmt/core.h>

#include <cmath>
#include <type_traits>

#include "sim/runner/runner.h"

namespace stsim::runner {

namespace {

std::string number(double x) {
  if (std::isinf(x)) return x > 0 ? "\"inf\"" : "\"-inf\"";
  return fmt::format("{}", x);
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

class Lines {
 public:
  void add(const std::string& path, const std::string& value) { text_ += path + " = " + value + "\n"; }
  void num(const std::string& path, double x) { add(path, number(x)); }
  void integer(const std::string& path, std::uint64_t x) { add(path, fmt::format("{}", x)); }
  void flag(const std::string& path, bool x) { add(path, x ? "true" : "false"); }
  void str(const std::string& path, const std::string& x) { add(path, quoted(x)); }
  void drift(const std::string& p, const model::DriftSpec& d) {
    flag(p + ".enabled", d.enabled);
    num(p + ".time_constant", d.time_constant);
    num(p + ".floor", d.floor);
    num(p + ".after_harm", d.after_harm);
  }
  std::string text() && { return std::move(text_); }

 private:
  std::string text_;
};

void parameters(Lines& out, const std::string& id, const model::SourceSpec& s) {
  out.num(id + ".rate", s.rate);
  std::string profile = "[";
  for (std::size_t i = 0; i < s.profile.size(); ++i) profile += (i ? ", " : "") + number(s.profile[i]);
  out.add(id + ".profile", profile + "]");
  out.num(id + ".profile_period", s.profile_period);
}

void parameters(Lines& out, const std::string& id, const model::AiSpec& s) {
  out.num(id + ".reliability", s.reliability);
  for (const auto& [context, r] : s.reliability_by_context) {
    out.num(id + ".reliability_by_context." + context, r);
  }
  out.num(id + ".commission_share", s.commission_share);
  out.num(id + ".refusal_threshold", s.refusal_threshold);
  out.num(id + ".defer_threshold", s.defer_threshold);
  out.num(id + ".confidence_separation", s.confidence_separation);
}

void parameters(Lines& out, const std::string& id, const model::SafeguardSpec& s) {
  out.num(id + ".detect_error", s.detect_error);
  out.num(id + ".detect_misuse", s.detect_misuse);
  out.num(id + ".false_alarm", s.false_alarm);
  out.flag(id + ".blocks", s.blocks);
  out.num(id + ".latent_failure_rate", s.latent_failure_rate);
  out.num(id + ".test_interval", s.test_interval);
  out.num(id + ".repair_time", s.repair_time);
  out.str(id + ".coupling.with", s.coupling.with);
  out.num(id + ".coupling.beta", s.coupling.beta);
  out.num(id + ".coupling.difficulty_correlation", s.coupling.difficulty_correlation);
}

void parameters(Lines& out, const std::string& id, const model::OperatorSpec& s) {
  static constexpr const char* distributions[] = {"exponential", "lognormal", "fixed"};
  out.integer(id + ".count", s.count);
  out.num(id + ".review_time", s.review_time);
  out.str(id + ".review_distribution", distributions[static_cast<std::size_t>(s.review_distribution)]);
  out.num(id + ".review_cv", s.review_cv);
  if (s.max_queue != std::numeric_limits<std::uint32_t>::max()) out.integer(id + ".max_queue", s.max_queue);
  out.num(id + ".shift_length", s.shift_length);
  out.num(id + ".detect", s.detect);
  out.num(id + ".vigilance_floor", s.vigilance_floor);
  out.num(id + ".vigilance_time_constant", s.vigilance_time_constant);
  out.num(id + ".trust_initial", s.trust_initial);
  out.num(id + ".trust_gain", s.trust_gain);
  out.num(id + ".trust_loss", s.trust_loss);
  out.num(id + ".automation_bias", s.automation_bias);
  out.num(id + ".alarm_memory", s.alarm_memory);
  out.num(id + ".alarm_credibility_initial", s.alarm_credibility_initial);
  out.num(id + ".workload_scale", s.workload_scale);
  out.num(id + ".false_reject", s.false_reject);
  out.num(id + ".slip", s.slip);
  out.drift(id + ".drift", s.drift);
}

void parameters(Lines& out, const std::string& id, const model::AuditSpec& s) {
  out.num(id + ".sample", s.sample);
  out.num(id + ".detect", s.detect);
  out.drift(id + ".drift", s.drift);
}

void parameters(Lines& out, const std::string& id, const model::DefenceSpec& s) {
  out.num(id + ".detect_misuse", s.detect_misuse);
  out.num(id + ".detect_error", s.detect_error);
  out.num(id + ".false_alarm", s.false_alarm);
}

void parameters(Lines& out, const std::string& id, const model::OutcomeSpec& s) {
  out.flag(id + ".acted", s.acted);
}

}  // namespace

std::string resolved_parameters(const model::ScenarioSpec& spec) {
  Lines out;
  out.str("scenario.name", spec.name);
  out.num("scenario.horizon", spec.horizon);
  out.integer("scenario.seed", spec.seed);
  out.integer("scenario.replications", spec.replications);
  out.integer("scenario.time_bins", spec.time_bins);
  out.num("scenario.pause_after_harm", spec.pause_after_harm);
  out.integer("scenario.event_limit", spec.event_limit);
  for (const auto& c : spec.contexts) {
    const auto p = "contexts." + c.name;
    out.num(p + ".weight", c.weight);
    out.flag(p + ".hazardous", c.hazardous);
    out.num(p + ".severity", c.severity);
    out.num(p + ".malicious_share", c.malicious_share);
    out.num(p + ".observability", c.observability);
  }
  for (const auto& c : spec.components) {
    out.str(c.id + ".kind", model::to_string(c.kind));
    std::visit([&](const auto& p) { parameters(out, c.id, p); }, c.parameters);
    const auto ports = model::ports_of(c.kind);
    for (std::size_t i = 0; i < model::port_count; ++i) {
      if (ports[i] && !c.next[i].empty()) {
        out.str(c.id + ".next." + model::to_string(static_cast<model::Port>(i)), c.next[i]);
      }
    }
  }
  return std::move(out).text();
}

}  // namespace stsim::runner
