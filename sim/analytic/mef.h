#pragma once
// A scenario's static fault tree in the Open-PSA Model Exchange Format (MEF 2.0), for
// fault-tree tools such as SCRAM (`stsim graph --format mef`; docs/sensitivity.md).
//
// The static subset: a scenario of the analytic subset with one ai, hazards from model
// errors only (no malicious tasks), and every hazard on one path through the layers: the
// structure has exactly one minimal cut set. Then the harm rate per task is the
// top event's probability, P(ai) x the product of the layers' miss probabilities, with
// one basic event per component of the cut set: the ai's (a hazardous output per task)
// and each layer's (a miss), all independent. The probabilities come from the analytic
// subset itself: P(ai) is the harm rate with every layer removed, and a layer's miss
// probability the harm rate with only it kept, over P(ai).

#include <string>

#include "sim/model/spec.h"

namespace stsim::analytic {

// The MEF text. Throws std::invalid_argument saying why a scenario is outside the static
// subset.
std::string to_mef(const model::ScenarioSpec& spec);

}  // namespace stsim::analytic
