#pragma once
// One replication in progress, as every component kind sees it: the clock and the
// pending events, the tasks in flight and what each carries, the counters, and the
// routing of a task from component to component. The kinds' steps and events
// (sim/model/kinds/) act on it; a Simulation owns it with the kinds' states and
// dispatches to them (sim/model/simulation.cpp). A component's own data and streams live
// in its kind's state; what any component may read or change about a task, here.

#include <array>
#include <cstdint>
#include <vector>

#include "sim/engine/event_queue.h"
#include "sim/model/draws.h"
#include "sim/model/drift.h"
#include "sim/model/kind.h"
#include "sim/model/latent_measure.h"
#include "sim/model/metrics.h"
#include "sim/model/queue_measure.h"
#include "sim/random/distributions.h"
#include "sim/random/stream.h"

namespace stsim::model {

inline constexpr std::uint32_t none = UINT32_MAX;
// A step's answer when the task does not leave now: it waits at the component (for a
// review), or it ended there.
inline constexpr PortIndex kept = 0xff;
// A task's source draw not made yet (a uniform is in (0, 1)): see Replication::observable.
inline constexpr double not_drawn = -1.0;

// The order of events at one instant (docs/model.md): what happens to components first
// (failures, tests, repairs), then work that ends, then arrivals.
enum class Priority : std::int32_t { component = 0, work_done = 1, arrival = 2 };

enum class Output : std::uint8_t { correct, commission, omission, refused };

// Whether a task ending so got no help: it was stopped or refused, or acted on with nothing
// usable in its output.
inline bool withholds_help(Terminal terminal, Output output) {
  return terminal == Terminal::lost || (terminal == Terminal::served && output == Output::omission);
}

// What an untrusted AI's attack policy did on a task (its current output).
enum class Attack : std::uint8_t { no_attempt, failed, succeeded };

// What a task carries from component to component. The bits record what happened on the
// way, one bit per component that needs one (at most 64 of each, see Builder).
struct Task {
  Time born = 0.0;
  Time enqueued = 0.0;
  std::uint64_t birth = 0;   // its number among its source's tasks, from 0
  std::uint32_t source = 0;  // its source's stable id: with birth, the key of its draws
  // Read through Replication::observable, difficulty and ai_difficulty, which draw them
  // when first asked for (not_drawn until then). The observable score of intent is
  // normal_quantile(observable) + (malicious ? observability : 0); policies compare the
  // uniform with precomputed tail probabilities.
  double observable = not_drawn;
  double difficulty = not_drawn;     // U(0,1), common to every AI that shares it (AiSpec)
  double ai_difficulty = not_drawn;  // the one the last AI judged it by: it erred iff above
                                     // reliability (not_drawn: no AI has; the common one)
  std::uint64_t failed = 0;          // fail bits of the components that failed on this task
  std::uint64_t down_passed = 0;     // down bits of the components it passed while they were down
  std::uint32_t context = 0;
  std::uint32_t visit = 0;  // times sent back by a bounded loop: its pass, a key of its draws
  std::uint32_t last_layer = none;   // last layer that could have stopped the hazard
  std::uint32_t stopped_by = none;   // last component that sent it out of a port other than 0
  std::uint32_t author = none;       // the AI whose output it carries
  std::uint32_t reviewed_by = none;  // the last operator pool that reviewed it
  Output output = Output::correct;
  HarmOrigin origin = HarmOrigin::model_error;
  PortIndex decided = 0;  // the port an operator's review chose, taken when it ends
  Attack attack = Attack::no_attempt;
  bool malicious = false;
  bool hazardous = false;
  bool erred = false;
  bool alarm = false;
  bool common_cause = false;
  bool audit_zone = false;      // the last monitor scored it in its audit zone
  bool latent_weighed = false;  // its weight holds the latent path's ratio (latent_measure.h)
  double weight = 1.0;          // its likelihood ratio under importance sampling (draws.h)
};

// A component as the hot path sees it.
struct Node {
  std::uint8_t kind = 0;                        // its kind's index in the list (sim/model/kinds.h)
  std::uint32_t index = 0;                      // its state's index among the states of its kind
  std::array<std::uint32_t, max_ports> next{};  // target per port (none: no edge)
  // Bounded edges (ComponentSpec::bounds): a bit per port, and per port the bound and
  // the target once it is reached.
  std::uint8_t bounded = 0;
  std::array<std::uint8_t, max_ports> at_most{};
  std::array<std::uint32_t, max_ports> fallback{};
  std::uint64_t fail_bit = 0;  // set in Task::failed when it fails on a task (0: not tracked)
  std::uint64_t down_bit = 0;  // set in Task::down_passed when passed while down (0: never down)
  // Where its coverage by context starts in Replication::coverage_, if it does not handle
  // every task (none: it does).
  std::uint32_t coverage = none;
};

// An event as its kind's handler receives it.
struct KindEvent {
  std::uint8_t event = 0;     // index into the kind's events
  std::uint32_t node = 0;     // the component it happens at
  std::uint32_t index = 0;    // that component's state among its kind's states
  std::uint32_t payload = 0;  // what it concerns, e.g. a task
};

struct KindStates;  // every kind's states (sim/model/simulation.cpp)
class Builder;

class Replication {
 public:
  Replication() = default;
  Replication(const Replication&) = delete;
  Replication& operator=(const Replication&) = delete;

  // Starts a replication: the clock at 0, no task, counters zero (their storage kept).
  void begin(std::uint64_t seed, std::uint32_t point, std::uint32_t replication,
             ReplicationMetrics& out);

  Time now() const { return queue_.now(); }
  Time horizon() const { return horizon_; }
  engine::EventQueue& queue() { return queue_; }
  ReplicationMetrics& metrics() { return *metrics_; }
  std::uint64_t live() const { return live_; }
  std::uint64_t event_limit() const { return event_limit_; }
  bool event_limit_derived() const { return event_limit_derived_; }

  Task& task(std::uint32_t id) { return tasks_[id]; }
  const Node& node(std::uint32_t n) const { return nodes_[n]; }

  bool hazardous(std::uint32_t context) const { return context_hazardous_[context] != 0; }
  double malicious_share(std::uint32_t context) const { return context_malicious_[context]; }
  // A task's context from its source's draws (one context: nothing to draw).
  std::uint32_t draw_context(const TaskDraws& d) const {
    if (context_table_.size() == 1) return 0;
    return context_table_.sample(d.uniform(random::Purpose::context));
  }

  // A protocol's drift multiplier now (drift.h).
  double drift(const DriftSpec& d) const { return drift_multiplier(d, now(), last_harm_); }

  // The draws of task `t` at component `node` (draws.h): every per-task draw of a kind,
  // fresh on each pass of a bounded loop. Under importance sampling they are biased and
  // multiply the task's weight.
  TaskDraws draws(Task& t, std::uint32_t node) { return draws(t, node, t.visit); }
  // The draws about the task itself rather than its current output (whether a layer
  // covers it, where a router sends it): the same on every pass, those of its first.
  TaskDraws own_draws(Task& t, std::uint32_t node) { return draws(t, node, 0); }
  // The task's observable uniform and its common difficulty: draws of its source (keyed
  // by its birth and source, at the source, k = 0), made when first asked for. An
  // addressed draw is the same whenever it is made, and most models use neither, so a
  // task pays for them only where a policy, a router or a shared difficulty reads them.
  double observable(Task& t) const {
    if (t.observable == not_drawn)
      t.observable =
          draw_space_.uniform(t.birth, t.source, t.source, random::Purpose::observable, 0);
    return t.observable;
  }
  double difficulty(Task& t) const {
    if (t.difficulty == not_drawn)
      t.difficulty =
          draw_space_.uniform(t.birth, t.source, t.source, random::Purpose::difficulty, 0);
    return t.difficulty;
  }
  // The difficulty the last AI judged the task by; before any AI, the common one.
  double ai_difficulty(Task& t) const {
    return t.ai_difficulty == not_drawn ? difficulty(t) : t.ai_difficulty;
  }
  // Counts an event of task `t` by its weight under importance sampling (metrics.h);
  // `amount` scales it (a harm's severity).
  void weigh(Weighed what, const Task& t, double amount = 1.0) {
    if (!metrics_->weighted) return;
    metrics_->weights[static_cast<std::size_t>(what)].add(t.weight * amount);
  }
  // Counts an event that is not one task's (a pool's busy period filling it) by `weight`.
  void weigh_event(Weighed what, double weight) {
    if (metrics_->weighted) metrics_->weights[static_cast<std::size_t>(what)].add(weight);
  }

  // Under importance sampling of latent failure times (latent_measure.h): their change of
  // measure, inactive otherwise.
  LatentMeasure& latent_measure() { return latent_measure_; }
  // Task `t` meets a component that can be down latently: what is decided about it from
  // now on may depend on the latent path so far, so its weight takes that path's ratio
  // (once: a task meets every component at one instant, operators being refused).
  void weigh_latent(Task& t) {
    if (!latent_measure_.active() || t.latent_weighed) return;
    t.weight *= latent_measure_.ratio(now());
    t.latent_weighed = true;
  }

  // Under importance sampling of a finite queue's overflow (queue_measure.h): its
  // change of measure, inactive otherwise.
  QueueMeasure& queue_measure() { return queue_measure_; }
  // A task is born: under the queue's change of measure it counts, as exposure, by the
  // weight it is born with.
  void count_birth(const Task& t) {
    ReplicationMetrics& m = *metrics_;
    ++m.tasks;
    ++(t.malicious ? m.malicious_tasks : m.benign_tasks);
    if (!metrics_->queue_measure) return;
    m.weighted_tasks += t.weight;
    (t.malicious ? m.weighted_malicious_tasks : m.weighted_benign_tasks) += t.weight;
  }

  // This replication's stream of component `node` for `purpose`, keyed by (seed, point,
  // replication, the component's stable id, purpose), for what is not about one task
  // (arrivals, latent failures): the same key, the same draws.
  random::Stream stream(std::uint32_t node, random::Purpose purpose) const {
    return random::Stream(
        random::StreamKey{seed_, point_, replication_, stable_ids_[node], purpose});
  }

  // Event `event` (an index into its kind's events) of component `node`, at `time`.
  engine::EventHandle schedule(Time time, Priority priority, std::uint32_t node, std::uint8_t event,
                               std::uint32_t payload = 0) {
    return queue_.schedule(time, static_cast<std::int32_t>(priority),
                           std::uint32_t{nodes_[node].kind} << 8 | event, node, payload);
  }

  // A parameter schedule (sim/model/schedule.h): takes the contexts and coverages of
  // `from`, a replication built for the spec after a change.
  void retune(const Replication& from);
  // Takes the event limit of `from` if it is derived and higher (a schedule that adds load).
  void widen_event_limit(const Replication& from) {
    if (event_limit_derived_ && from.event_limit_ > event_limit_) event_limit_ = from.event_limit_;
  }

  // A new task, the `birth`-th of source `node`, its bookkeeping cleared (what it is
  // about is the source's to draw).
  std::uint32_t new_task(std::uint32_t node, std::uint64_t birth) {
    ++live_;
    std::uint32_t id;
    if (!free_tasks_.empty()) {
      id = free_tasks_.back();
      free_tasks_.pop_back();
    } else {
      id = grow_tasks();
    }
    Task& t = tasks_[id];
    t.birth = birth;
    t.born = now();
    t.source = stable_ids_[node];
    t.observable = not_drawn;
    t.difficulty = not_drawn;
    t.ai_difficulty = not_drawn;
    t.visit = 0;
    t.failed = 0;
    t.down_passed = 0;
    t.last_layer = none;
    t.stopped_by = none;
    t.author = none;
    t.reviewed_by = none;
    t.output = Output::correct;
    t.origin = HarmOrigin::model_error;
    t.decided = 0;
    t.hazardous = false;
    t.erred = false;
    t.alarm = false;
    t.common_cause = false;
    t.attack = Attack::no_attempt;
    t.audit_zone = false;
    t.latent_weighed = false;
    t.weight = queue_measure_.weight();
    return id;
  }
  // Service is suspended after a harm (scenario.pause_after_harm), or for good after a
  // shutdown.
  bool paused() const { return now() < paused_until_; }
  // Every task of the episode has been born (scenario.episode_tasks; 0: by horizon only).
  bool episode_complete() const { return episode_tasks_ != 0 && metrics_->tasks >= episode_tasks_; }
  // An attack attempt was found: counted, and the deployment shut down if the scenario
  // says so (no task born afterwards is served).
  void attack_caught() {
    ++metrics_->attacks_caught;
    if (shutdown_on_catch_ && !metrics_->shut_down) {
      metrics_->shut_down = true;
      paused_until_ = infinity;
    }
  }

  // Takes task `id` through component `node` and on, until it waits or ends.
  void advance(std::uint32_t id, std::uint32_t node);
  // Sends task `id` out of `node` by `port`, and on.
  void leave(std::uint32_t id, std::uint32_t node, PortIndex port) {
    const std::uint32_t next = route(id, node, port);
    if (next != none) advance(id, next);
  }
  // Ends a task that left a port with no edge: a near miss if it was hazardous.
  void stop(std::uint32_t id, std::uint32_t node) {
    finish(id, tasks_[id].hazardous ? Terminal::near_miss : Terminal::lost, node);
  }
  // Ends a task. A benign task in a context where withholding help is hazardous that ends
  // lost, or served with no usable output, and one served after its context's deadline,
  // end as harms instead (of origin omission or late, docs/model.md); `credit` is the
  // component a near miss is credited to.
  void finish(std::uint32_t id, Terminal terminal, std::uint32_t credit);
  // A hazardous output acted on now.
  void harm(const Task& t) { harm(t, t.origin, context_severity_[t.context], t.last_layer); }
  // An audit examined a task's path: every component it passed while down is found.
  void reveal_latent(std::uint64_t down_passed);

 private:
  friend class Builder;

  std::uint32_t grow_tasks();  // one more task slot (while warming up)
  // A harm of `origin` and `severity` now, its last layer `last` (none: no layer).
  void harm(const Task& t, HarmOrigin origin, double severity, std::uint32_t last);

  TaskDraws draws(Task& t, std::uint32_t node, std::uint32_t visit) {
    if (biasing_.empty()) return {draw_space_, t.birth, t.source, stable_ids_[node], visit};
    return {draw_space_, t.birth, t.source, stable_ids_[node], visit, &biasing_[node], &t.weight};
  }

  // Whether the layer at `node` handles the task: a task it does not cover passes by its
  // first port ("pass") without meeting it.
  bool covers(Task& t, std::uint32_t node) {
    const double share = coverage_[nodes_[node].coverage + t.context];
    return own_draws(t, node).chance(random::Purpose::coverage, share);
  }

  // The component after `node` by `port`, or none once the task is stopped there.
  std::uint32_t route(std::uint32_t id, std::uint32_t node, PortIndex port) {
    if (port != 0) tasks_[id].stopped_by = node;
    const Node& n = nodes_[node];
    const std::uint32_t next =
        (n.bounded >> port & 1u) != 0 ? go_back(tasks_[id], n, port) : n.next[port];
    if (next == none) stop(id, node);
    return next;
  }
  // A bounded edge: taken while the task has gone back fewer times, over every bounded
  // edge, than this one's bound, as a new pass (docs/model.md, Bounded loops): what the
  // path decided about the last output is forgotten (its shared failures, an alarm, an
  // audit zone; it was sent back, not stopped), what the task was born with, its output
  // until an AI replaces it and the components it passed down are kept. Once the bound is
  // reached, the fallback (none: it stops).
  static std::uint32_t go_back(Task& t, const Node& n, PortIndex port) {
    if (t.visit >= n.at_most[port]) return n.fallback[port];
    ++t.visit;
    t.failed = 0;
    t.stopped_by = none;
    t.alarm = false;
    t.common_cause = false;
    t.audit_zone = false;
    return n.next[port];
  }

  // Set up once by the Builder.
  KindStates* kinds_ = nullptr;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> stable_ids_;   // per node
  std::vector<std::uint32_t> down_owners_;  // node per down bit, in bit order
  std::uint32_t pools_ = 0;                 // operator pools (ReplicationMetrics::operators)
  random::AliasTable context_table_;
  std::vector<std::uint8_t> context_hazardous_;
  std::vector<double> context_severity_, context_malicious_;
  std::vector<std::uint8_t> context_omission_hazardous_;
  std::vector<double> context_omission_severity_, context_deadline_, context_late_severity_;
  std::vector<double> coverage_;  // by context, for each node with a Node::coverage
  Time horizon_ = 0.0;
  std::uint32_t time_bins_ = 0;
  Time pause_after_harm_ = 0.0;
  std::uint64_t episode_tasks_ = 0;
  bool shutdown_on_catch_ = false;
  std::uint64_t event_limit_ = 0;
  bool event_limit_derived_ = false;
  std::vector<FailureSides> biasing_;  // per node under importance sampling, else empty
  QueueMeasure queue_measure_;
  LatentMeasure latent_measure_;

  // Per replication.
  engine::EventQueue queue_;
  std::vector<Task> tasks_;
  std::vector<std::uint32_t> free_tasks_;
  std::uint64_t live_ = 0;
  Time last_harm_ = 0.0;
  Time paused_until_ = 0.0;
  ReplicationMetrics* metrics_ = nullptr;
  std::uint64_t seed_ = 0;
  std::uint32_t point_ = 0, replication_ = 0;
  random::DrawSpace draw_space_;
};

}  // namespace stsim::model
