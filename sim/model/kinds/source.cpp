#include "sim/model/kinds/source.h"

#include <algorithm>
#include <cmath>

#include "sim/model/builder.h"
#include "sim/model/key_fields.h"

namespace stsim::model {

std::span<const ComponentKey> Source::keys() {
  static const std::vector<ComponentKey> keys = {
      {"rate", rate(true), "10/h", "Mean arrival rate of tasks", field<&SourceSpec::rate>},
      {"profile", of_type(ValueType::number_list), "[] (constant rate)",
       "Multipliers of the rate over equal slices of profile_period", field<&SourceSpec::profile>},
      {"profile_period", duration(true), "24h", "Period over which the profile repeats",
       field<&SourceSpec::profile_period>},
  };
  return keys;
}

Source::State Source::build(const Spec& spec, std::uint32_t, Builder& builder) {
  double mean_profile = 1.0;
  if (!spec.profile.empty()) {
    double sum = 0.0;
    for (double x : spec.profile) sum += x;
    mean_profile = sum / static_cast<double>(spec.profile.size());
    // Each slice the arrival inversion walks costs about an event.
    builder.expect_events(builder.spec().horizon * static_cast<double>(spec.profile.size()) /
                          spec.profile_period);
  }
  const double tasks = spec.rate * mean_profile * builder.spec().horizon;
  const auto episode = static_cast<double>(builder.spec().episode_tasks);
  builder.expect_tasks(episode > 0.0 ? std::min(tasks, episode) : tasks);
  return {spec, {}, 0, {}};
}

void Source::reset(State& s, std::uint32_t node, Replication& r) {
  s.arrivals = r.stream(node, random::Purpose::arrivals);
  s.births = 0;
}

void Source::start(State& s, std::uint32_t node, Replication& r) {
  const Time t = next_arrival(s, 0.0, r.horizon());
  if (t < r.horizon()) s.pending = r.schedule(t, Priority::arrival, node, arrival);
}

void Source::retune(Replication& r, State& s, const State& tuned, std::uint32_t node) {
  s.spec = tuned.spec;
  // Poisson arrivals are memoryless: the pending arrival, drawn under the old parameters,
  // is drawn again from now under the new ones.
  if (!r.queue().cancel(s.pending)) return;
  const Time t = next_arrival(s, r.now(), r.horizon());
  if (t < r.horizon()) s.pending = r.schedule(t, Priority::arrival, node, arrival);
}

Time Source::next_arrival(State& s, Time now, Time horizon) {
  double e = -std::log(s.arrivals.uniform01());
  if (s.spec.profile.empty()) return now + e / s.spec.rate;
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

bool Source::handle(Replication& r, std::vector<State>& states, KindEvent e) {
  if (e.event != arrival) return false;
  State& s = states[e.index];
  if (r.episode_complete()) return true;  // another source's task completed the episode
  QueueMeasure& measure = r.queue_measure();
  const bool twisted = measure.active() && measure.source() == e.node;
  if (twisted) measure.arrival();
  const Time next = twisted ? r.now() + measure.interarrival(-std::log(s.arrivals.uniform01()))
                            : next_arrival(s, r.now(), r.horizon());

  const std::uint32_t id = r.new_task(e.node, s.births++);
  Task& t = r.task(id);
  // Every task property is drawn here, keyed by the task, whatever happens next: every
  // sweep point then sees the same environment.
  const TaskDraws d = r.draws(t, e.node);
  t.context = r.draw_context(d);
  t.malicious = d.chance(random::Purpose::intent, r.malicious_share(t.context));
  // Its observable score and difficulty are drawn where first read (Replication::observable).
  r.count_birth(t);
  if (next < r.horizon() && !r.episode_complete())
    s.pending = r.schedule(next, Priority::arrival, e.node, arrival);

  if (r.paused()) {
    r.finish(id, Terminal::paused, none);
    return true;
  }
  r.advance(id, r.node(e.node).next[0]);
  return true;
}

std::optional<std::string> Source::outside_analytic(const Spec& spec,
                                                    const ComponentSpec& component,
                                                    const ScenarioSpec& scenario) {
  if (!spec.profile.empty())
    return "profile: a time-varying rate is not a homogeneous Poisson source";
  const std::string_view target = component.target("pass");
  for (const auto& other : scenario.components)
    if (other.id == target && is<Ai>(other)) return std::nullopt;
  return "next = '" + std::string(target) + "': the subset's sources feed the ai directly";
}

}  // namespace stsim::model
