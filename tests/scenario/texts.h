#pragma once
// Complete scenario texts used by several tests (and as fuzz seeds alongside the shipped
// scenarios/*.toml).

#include <string_view>

namespace stsim::scenario::testing {

// Every component kind, contexts, and a sweep: the example of the format description.
inline constexpr std::string_view full_text = R"toml([scenario]
name = "layered"
description = "every kind of component"
horizon = "30d"
seed = 42
replications = 20
time_bins = 30
pause_after_harm = "2h"
event_limit = 0

[contexts.routine]
weight = 0.9
hazardous = false

[contexts.triage]
weight = 0.1
severity = 3.0
malicious_share = 0.01
observability = 1.5

[users]
kind = "source"
rate = "12/h"
profile = [0.5, 1.5]
profile_period = "24h"
next = "model"

[model]
kind = "ai"
reliability = 0.99
reliability_by_context = { triage = 0.95 }
commission_share = 0.8
refusal_threshold = 2.0
defer_threshold = "-inf"
confidence_separation = 2.0
next = { pass = "filter", refuse = "refused", defer = "review" }

[filter]
kind = "safeguard"
detect_error = 0.9
detect_misuse = 0.2
false_alarm = 0.01
blocks = true
latent_failure_rate = "2/y"
test_interval = "30d"
repair_time = "4h"
coupling = { with = "model", demand_beta = 0.1, difficulty_correlation = 0.0 }
detect_error_by_context = { triage = 0.8 }
detect_misuse_by_context = { triage = 0.1 }
false_alarm_by_context = { triage = 0.02 }
next = { pass = "review", block = "blocked" }

[review]
kind = "operators"
count = 2
review_time = "3m"
review_distribution = "lognormal"
review_cv = 0.5
max_queue = 50
shift_length = "8h"
detect = 0.9
vigilance_floor = 0.7
vigilance_time_constant = "2h"
trust_initial = 0.5
trust_gain = 0.01
trust_loss = 0.2
automation_bias = 0.3
alarm_memory = 20.0
alarm_credibility_initial = 1.0
workload_scale = 10.0
false_reject = 0.01
slip = 0.001
detect_by_context = { triage = 0.8 }
false_reject_by_context = { triage = 0.05 }
individual = true
detect_by_reviewer = { 1 = 0.6 }
false_reject_by_reviewer = { 1 = 0.02 }
automation_bias_by_reviewer = { 0 = 0.1 }
trust_initial_by_reviewer = { 0 = 0.4 }
vigilance_floor_by_reviewer = { 1 = 0.5 }
shift_start_by_reviewer = { 1 = "4h" }
drift = { enabled = true, time_constant = "90d", floor = 0.2, after_harm = 1.0 }
next = { pass = "audit", block = "blocked", overflow = "dropped" }

[audit]
kind = "audit"
sample = 0.05
detect = 0.95
detect_by_context = { triage = 0.9 }
drift.enabled = false
next.pass = "defence"
next.block = "blocked"

[defence]
kind = "defence"
detect_misuse = 0.5
detect_error = 0.1
false_alarm = 0.001
detect_misuse_by_context = { triage = 0.6 }
detect_error_by_context = { triage = 0.3 }
false_alarm_by_context = { triage = 0.01 }
next = { pass = "monitors", block = "blocked" }

[monitors]
kind = "vote"
channels = 4
required = 1
detect_error = 0.9
detect_misuse = 0.3
false_alarm = 0.01
blocks = true
latent_failure_rate = "4/y"
test_interval = "14d"
staggered_tests = true
repair_time = "2h"
common_cause = { model = "mgl", beta = 0.1, gamma = 0.3, delta = 0.5 }
detect_error_by_context = { triage = 0.8 }
detect_misuse_by_context = { triage = 0.1 }
false_alarm_by_context = { triage = 0.02 }
next = { pass = "scorer", block = "blocked" }

[scorer]
kind = "monitor"
distribution = "normal"
benign = { mean = 0.0, sd = 1.0, alpha = 2.0, beta = 5.0 }
attack = { mean = 2.0, sd = 1.0, alpha = 5.0, beta = 2.0 }
audit_threshold = 3.0
defer_threshold = 2.0
trusted = true
next = { pass = "triage_router", audit = "audit_again", defer = "world" }

[audit_again]
kind = "audit"
policy = "by_score"
budget = 10
next = { pass = "world", block = "blocked" }

[triage_router]
kind = "router"
score_threshold = 3.0
share = 0.1
share_by_context = { triage = 0.5 }
next = { pass = "world", route = "world" }

[world]
kind = "outcome"

[refused]
kind = "outcome"
acted = false

[blocked]
kind = "outcome"
acted = false

[dropped]
kind = "outcome"
acted = false

[sweep]
design = "grid"
baseline = ["bare", 0.99]
common_random_numbers = true

[[sweep.dimensions]]
path = "users.next.pass"
values = ["world", "model"]
labels = ["bare", "layered"]

[[sweep.dimensions]]
path = "model.reliability"
values = [0.9, 0.99, 0.999]

[sweep.precision]
metric = "harm_rate"
relative_error = 0.05
min_replications = 100
max_replications = 10000
block_size = 50
)toml";

// The smallest valid scenario: a source straight into an outcome.
inline constexpr std::string_view minimal_text = R"toml([users]
kind = "source"
next = "world"

[world]
kind = "outcome"
)toml";

// A latin hypercube sweep over a bare model.
inline constexpr std::string_view sampled_text = R"toml([scenario]
horizon = "7d"

[users]
kind = "source"
rate = 30
next = "model"

[model]
kind = "ai"
next.pass = "world"

[world]
kind = "outcome"

[sweep]
design = "latin_hypercube"
points = 16
seed = 7

[[sweep.dimensions]]
path = "model.reliability"
low = 0.5
high = 0.999
log = false

[[sweep.dimensions]]
path = "users.rate"
low = 1
high = 100
log = true
)toml";

}  // namespace stsim::scenario::testing
