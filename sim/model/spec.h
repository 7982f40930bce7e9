#pragma once
// A scenario as plain data: the control structure (components and the edges leaving
// their ports) with every parameter resolved. The scenario loader builds it from TOML;
// the model runs it; the structure module analyses it. Time is in hours throughout.
// A component's kind is the alternative its parameters hold (sim/model/kinds.h).

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/kinds.h"

namespace stsim::model {

// One kind of demand: whether a wrong output here is hazardous and how severe a harm
// is, how many requests carry malicious intent, and how visible that intent is.
struct ContextSpec {
  std::string name;
  double weight = 1.0;           // share of tasks (normalised over contexts)
  bool hazardous = true;         // is an unsafe output here a hazard?
  double severity = 1.0;         // weight of a harm in this context
  double malicious_share = 0.0;  // probability a task here has malicious intent
  // Separation (d') between the observable scores of malicious and benign tasks:
  // benign ~ N(0, 1), malicious ~ N(observability, 1). 0 = intent invisible.
  double observability = 1.0;
  // Withholding help from a benign task here is itself a harm (docs/model.md, Harms of
  // omission and timing), of this severity.
  bool omission_hazardous = false;
  double omission_severity = 1.0;
  // Acting on a benign task's output more than `deadline` hours after its birth is a harm
  // of this severity.
  Time deadline = infinity;
  double late_severity = 1.0;
};

struct SourceLocation {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// Tasks leaving `port` (a port of the component's kind, by name) go to `target`.
struct Edge {
  std::string port;
  std::string target;    // a component id
  SourceLocation where;  // the edge's value in the file
};

// A bound on the edge of a port, which lets it lead back upstream (docs/model.md, Bounded
// loops): a task takes the edge while it has gone back fewer than at_most times (over
// every bounded edge), then goes to fallback instead ("" = it stops there).
struct EdgeBound {
  static constexpr std::uint32_t unbounded = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t max_returns = 100;
  std::uint32_t at_most = unbounded;
  std::string fallback;
};

struct ComponentSpec {
  std::string id;
  Parameters parameters;   // the kind's spec: which alternative is the kind
  std::vector<Edge> next;  // at most one edge per port
  SourceLocation where;    // the component's table
  std::string label;       // its name in figures and tables; "" = the id in words
  // The share of the tasks reaching a layer that it handles, by context (others: coverage);
  // the rest leave by its first port, "pass", untouched (docs/model.md, Coverage).
  double coverage = 1.0;
  ByContext coverage_by_context;
  std::map<std::string, EdgeBound> bounds;  // by port name; only bounded ones count
  // Its coverage of tasks in `context` (1 for a component that is not a layer).
  double coverage_of(std::string_view context) const;

  // The edge leaving `port`, if any.
  const Edge* edge(std::string_view port) const;
  // The bound of the edge leaving `port`, if it has one.
  const EdgeBound* bound(std::string_view port) const;
  // The target of `port`, "" when it has no edge.
  std::string_view target(std::string_view port) const;
  // Sets the target of `port` (an empty target removes the edge).
  void connect(std::string_view port, std::string target, SourceLocation at = {});
};

// Whether the component is a layer with a coverage (its kind lists the coverage keys).
bool has_coverage(const ComponentSpec& c);
// Whether it meets every task reaching it, in every context.
bool covers_every_task(const ComponentSpec& c);

// How a run estimates its results (docs/rare-events.md): plain Monte Carlo, importance
// sampling of per-task decisions, or whichever of the two applies to the scenario.
enum class RareEvent : std::uint8_t { plain, importance, automatic };
inline constexpr std::string_view rare_event_names[] = {"none", "importance", "auto"};

// At `at` hours, the numeric parameter `path` ("model.reliability", "night.count",
// "contexts.ward.weight") is set to `value`, for the rest of the replication
// (docs/model.md, Change over time).
struct ScheduledChange {
  Time at = 0.0;
  std::string path;
  double value = 0.0;
  SourceLocation where;  // the entry's table in the file
};

struct ScenarioSpec {
  std::string name;
  std::string description;
  Time horizon = 365.0 * 24.0;
  std::uint64_t seed = 1;
  std::uint32_t replications = 100;
  std::uint32_t time_bins = 52;
  Time pause_after_harm = 0.0;      // service suspended for this long after each harm
  std::uint64_t episode_tasks = 0;  // an episode ends after this many tasks (0: at the horizon)
  bool shutdown_on_catch = false;   // a caught attack attempt shuts the deployment down
  std::uint64_t event_limit = 0;    // 0 = derived from the expected load
  double harm_rate_target = 0.0;    // red line of the acceptance test; 0 = none
  bool stop_when_decided = false;   // the acceptance test, sequentially
  RareEvent rare_event = RareEvent::plain;
  std::vector<ContextSpec> contexts;
  std::vector<ComponentSpec> components;
  std::vector<ScheduledChange> schedule;  // in any order; applied by time, then as listed
};

// The kind of a component, as its index in the list, and its description.
inline std::size_t kind_of(const ComponentSpec& component) { return component.parameters.index(); }
inline const KindInfo& info_of(const ComponentSpec& component) {
  return kind_info(kind_of(component));
}
inline std::string_view kind_name(const ComponentSpec& component) {
  return info_of(component).name;
}
template <class Kind>
bool is(const ComponentSpec& component) {
  return std::holds_alternative<typename Kind::Spec>(component.parameters);
}
// The index of `port` among the ports of the component's kind, or nothing.
std::optional<PortIndex> port_of(const ComponentSpec& component, std::string_view port);

}  // namespace stsim::model
