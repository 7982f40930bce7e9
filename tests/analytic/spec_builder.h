#pragma once
// Small scenario specs built in code, for the closed-form tests.

#include <string>
#include <utility>

#include "sim/model/spec.h"

namespace stsim::testing {

inline model::ComponentSpec component(std::string id, model::Parameters p, std::string pass = "",
                                      std::string block = "") {
  model::ComponentSpec c;
  c.id = std::move(id);
  c.parameters = std::move(p);
  c.connect("pass", std::move(pass));
  c.connect("block", std::move(block));
  return c;
}

// users (Poisson, `rate`/h) -> model -> <layers...> -> world, every block -> stopped.
inline model::ScenarioSpec chain_spec(double rate, double reliability, double horizon) {
  model::ScenarioSpec s;
  s.name = "test";
  s.horizon = horizon;
  s.contexts.push_back(model::ContextSpec{"default", 1.0, true, 1.0, 0.0, 1.0});
  model::SourceSpec src;
  src.rate = rate;
  s.components.push_back(component("users", src, "model"));
  model::AiSpec ai;
  ai.reliability = reliability;
  s.components.push_back(component("model", ai, "world"));
  s.components.push_back(component("world", model::OutcomeSpec{true}));
  s.components.push_back(component("stopped", model::OutcomeSpec{false}));
  return s;
}

// Inserts a layer just before "world": the previous last layer now passes to it.
inline void append_layer(model::ScenarioSpec& s, std::string id, model::Parameters p) {
  for (auto& c : s.components) {
    if (c.target("pass") == "world" && !model::is<model::Source>(c)) c.connect("pass", id);
  }
  model::ComponentSpec layer = component(std::move(id), std::move(p), "world");
  if (model::port_of(layer, "block")) layer.connect("block", "stopped");
  s.components.insert(s.components.end() - 2, std::move(layer));
}

inline model::SafeguardSpec safeguard(double detect_error, double false_alarm = 0.0) {
  model::SafeguardSpec g;
  g.detect_error = detect_error;
  g.false_alarm = false_alarm;
  return g;
}

}  // namespace stsim::testing
