#pragma once
// Scenario specs built in code for the structure tests, with made-up source locations:
// component i's table at line 10 * i + 1, column 1; its edge on port p at line
// 10 * i + 2 + p, column 5.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/model/spec.h"

namespace stsim::structure::testing {

inline model::Parameters parameters_of(model::Kind kind) {
  switch (kind) {
    case model::Kind::source:
      return model::SourceSpec{};
    case model::Kind::ai:
      return model::AiSpec{};
    case model::Kind::safeguard:
      return model::SafeguardSpec{};
    case model::Kind::operators:
      return model::OperatorSpec{};
    case model::Kind::audit:
      return model::AuditSpec{};
    case model::Kind::defence:
      return model::DefenceSpec{};
    case model::Kind::outcome:
      return model::OutcomeSpec{};
  }
  return model::OutcomeSpec{};
}

class SpecBuilder {
 public:
  explicit SpecBuilder(std::string name = "test") { spec_.name = std::move(name); }

  SpecBuilder& add(const std::string& id, model::Kind kind,
                   std::vector<std::pair<model::Port, std::string>> next = {}) {
    model::ComponentSpec component;
    component.id = id;
    component.kind = kind;
    component.parameters = parameters_of(kind);
    const auto line = static_cast<std::uint32_t>(10 * spec_.components.size() + 1);
    component.where = {"test.toml", line, 1};
    for (std::size_t p = 0; p < model::port_count; ++p) {
      component.next_where[p] = {"test.toml", line + 1 + static_cast<std::uint32_t>(p), 5};
    }
    for (auto& [port, target] : next) component.next[static_cast<std::size_t>(port)] = target;
    spec_.components.push_back(std::move(component));
    return *this;
  }
  SpecBuilder& outcome(const std::string& id, bool acted) {
    add(id, model::Kind::outcome);
    spec_.components.back().parameters = model::OutcomeSpec{acted};
    return *this;
  }
  SpecBuilder& alarm_only(const std::string& id,
                          std::vector<std::pair<model::Port, std::string>> next) {
    add(id, model::Kind::safeguard, std::move(next));
    std::get<model::SafeguardSpec>(spec_.components.back().parameters).blocks = false;
    return *this;
  }
  const model::ScenarioSpec& spec() const { return spec_; }

 private:
  model::ScenarioSpec spec_;
};

}  // namespace stsim::structure::testing
