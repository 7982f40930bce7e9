#pragma once
// The scenario the end-to-end tests run: four points (two designs x two reliabilities)
// with a baseline, small enough to run in a fraction of a second.

#include <string>

namespace stsim::test {

// users -> model -> (world | review -> world), swept over the design and reliability.
inline const std::string sweep_scenario = R"(
[scenario]
name = "integration"
horizon = "10d"
seed = 3
replications = 6
time_bins = 5

[contexts.routine]
weight = 0.8
hazardous = true
malicious_share = 0.05

[contexts.chat]
weight = 0.2
hazardous = false

[users]
kind = "source"
rate = "20/h"
next = "model"

[model]
kind = "ai"
reliability = 0.9
refusal_threshold = 2.5
next = { pass = "world", refuse = "refused" }

[review]
kind = "operators"
count = 2
review_time = "2m"
detect = 0.9
next = { pass = "world", block = "refused" }

[world]
kind = "outcome"
acted = true

[refused]
kind = "outcome"
acted = false

[sweep]
design = "grid"
baseline = ["bare", 0.9]

[[sweep.dimensions]]
path = "model.next.pass"
values = ["world", "review"]
labels = ["bare", "reviewed"]

[[sweep.dimensions]]
path = "model.reliability"
values = [0.9, 0.99]
)";

}  // namespace stsim::test
