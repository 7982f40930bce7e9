#pragma once
// Organisational drift, a mechanism that several kinds share (operators, audits): a
// protocol's strength erodes while no harm occurs and is reset, or tightened, by one.

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/model/keys.h"

namespace stsim::model {

// multiplier(t) = max(floor, after_harm * exp(-(t - t_harm) / time_constant)), with
// t_harm the last harm (0 before any); the effective probability is capped at 1.
struct DriftSpec {
  bool enabled = false;
  double time_constant = 90.0 * 24.0;  // hours
  double floor = 0.2;
  double after_harm = 1.0;
};

inline double drift_multiplier(const DriftSpec& d, double now, double last_harm) {
  if (!d.enabled) return 1.0;
  return std::max(d.floor, d.after_harm * std::exp(-(now - last_harm) / d.time_constant));
}

inline constexpr KeyGroup drift_group = {
    "drift", "a table such as { enabled = true, time_constant = \"90d\" }"};

// Appends the drift.* keys of a kind whose spec has a DriftSpec member `drift` (in a key
// table, where sim/model/key_fields.h is included).
template <auto drift>
void add_drift_keys(std::vector<ComponentKey>& keys) {
  keys.push_back({"drift.enabled", boolean(), "false",
                  "Whether this layer's strength erodes while no harm occurs",
                  field<drift, &DriftSpec::enabled>});
  keys.push_back({"drift.time_constant", duration(true), "90d",
                  "Time constant of the erosion of the strength after the last harm",
                  field<drift, &DriftSpec::time_constant>});
  keys.push_back({"drift.floor", probability(), "0.2", "Lowest multiplier the strength erodes to",
                  field<drift, &DriftSpec::floor>});
  keys.push_back({"drift.after_harm", number_at_least(0.0), "1",
                  "Multiplier of the strength just after a harm (above 1 tightens the layer)",
                  field<drift, &DriftSpec::after_harm>});
}

}  // namespace stsim::model
