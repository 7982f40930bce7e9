#include "sim/runner/slips.h"

#include <fmt/core.h>

#include <cmath>
#include <string>

#include "sim/scenario/units.h"

namespace stsim::runner {

namespace {

scenario::Diagnostic warning_at(const model::SourceLocation& where, std::string message) {
  return {scenario::Diagnostic::Severity::warning, where, std::move(message)};
}

}  // namespace

std::vector<scenario::Diagnostic> likely_slips(const Plan& plan, const RunOptions& options) {
  std::vector<scenario::Diagnostic> out;
  const scenario::Scenario& base = plan.base;
  const double horizon = plan.specs.empty() ? base.spec.horizon : plan.specs.front().horizon;
  if (horizon < 1.0) {
    out.push_back(warning_at(
        base.location_of("scenario.horizon"),
        fmt::format("'scenario.horizon' is {}: each replication simulates only that; a "
                    "horizon under an hour is usually a slip of units (m is minutes: write "
                    "\"90d\" for 90 days, \"12w\" for 12 weeks)",
                    scenario::duration_words(horizon))));
  }
  const auto& r = plan.replications;
  if (r.precision && r.relative_error > 1.0) {
    const bool from_command_line = options.until_relative_error.has_value();
    out.push_back(warning_at(
        from_command_line ? model::SourceLocation{"<command line>", 1, 1}
                          : base.location_of("sweep.precision.relative_error"),
        fmt::format("the target relative error is {} ({:.0f}%): a relative error is a fraction of "
                    "the estimate, so 5% is 0.05; as written, a point stops as soon as its "
                    "standard error is below {} times its estimate",
                    r.relative_error, 100.0 * r.relative_error, r.relative_error)));
  }
  for (const auto& component : base.spec.components) {
    const auto* source = std::get_if<model::SourceSpec>(&component.parameters);
    if (source == nullptr || source->profile.empty()) continue;
    double sum = 0.0;
    for (double x : source->profile) sum += x;
    const double mean = sum / static_cast<double>(source->profile.size());
    if (std::abs(mean - 1.0) <= 1e-9) continue;
    // Counted over the profile's own period, which is how a profile is usually thought of.
    const double period = source->profile_period;
    const auto per_period = [&](double per_hour) {
      return fmt::format("{:.3g} {}", per_hour * period,
                         period == 24.0           ? "a day"
                         : period == 7.0 * 24.0   ? "a week"
                         : period == 1.0          ? "an hour"
                         : period == 365.0 * 24.0 ? "a year"
                                                  : "per " + scenario::duration_words(period));
    };
    out.push_back(warning_at(
        base.location_of(component.id + ".profile"),
        fmt::format("the multipliers of '{0}.profile' average {1:.4g}, not 1, so '{0}.rate' is "
                    "not the mean rate: the source sends {2} on average, not the {3} its rate "
                    "says; divide the profile by {1:.4g} to keep the rate as the mean",
                    component.id, mean, per_period(source->rate * mean),
                    per_period(source->rate))));
  }
  return out;
}

}  // namespace stsim::runner
