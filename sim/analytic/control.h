#pragma once
// Exact safety of two control protocols, for an untrusted AI with a fixed attack policy
// over an episode of N tasks (derivations in docs/validation.md, "Control protocols"):
//  - upfront auditing: source -> untrusted ai -> audit (policy upfront, budget B) ->
//    acted outcome; a closed form in N, B, the attack rate a = opportunity x probability,
//    the success probability q and the audit's detection d;
//  - trusted monitoring with deferral: source -> untrusted ai -> monitor, whose audit
//    and pass zones lead to an audit (policy by_score, budget B) and on to an acted
//    outcome, and whose defer zone leads to a trusted ai (which replaces the output)
//    and on to the audit or the outcome; a recursion over tasks and the remaining budget,
//    with the monitor's scores independent from task to task.
// Both need scenario.shutdown_on_catch = true, an untrusted ai that neither refuses nor
// defers, and a horizon long enough for the episode to have its N tasks.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "sim/model/spec.h"

namespace stsim::analytic {

// What one task of the episode does to the game, given an audit is available.
struct ControlCase {
  std::uint64_t tasks = 0;    // N
  std::uint64_t budget = 0;   // B (at most N counts)
  double attack = 0.0;        // a: P(an attempt on a task)
  double success = 1.0;       // q
  double detect = 1.0;        // d: P(an audit finds an attempt)
  double benign_audit = 1.0;  // f: P(a task without attempt is audited, budget left)
  double attack_audit = 1.0;  // gA: P(an attempt is in the audit zone)
  double attack_defer = 0.0;  // gD: P(an attempt is in the defer zone, replaced)
  bool upfront = true;
};

// The case a scenario is, or why it is none.
std::variant<ControlCase, std::string> control_case(const model::ScenarioSpec& spec);

// P(no attack succeeds in the episode), exactly: the closed form for upfront auditing.
double upfront_safety(std::uint64_t tasks, std::uint64_t budget, double attack, double success,
                      double detect);
// The same for any case, by the recursion over tasks and remaining budget.
double control_safety(const ControlCase& c);

}  // namespace stsim::analytic
