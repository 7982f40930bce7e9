#pragma once
// Scenario specs built in code for the structure tests, with made-up source locations:
// component i's table at line 10 * i + 1, column 1; its edge on port p at line
// 10 * i + 2 + port_line(p), column 5.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/model/spec.h"

namespace stsim::structure::testing {

// The line of each port's edge below its component's table, as a scenario file lists them.
inline std::uint32_t port_line(const std::string& port) {
  const std::vector<std::string> order = {"pass", "block", "refuse", "defer", "overflow"};
  const auto found = std::find(order.begin(), order.end(), port);
  return static_cast<std::uint32_t>(found - order.begin());
}

class SpecBuilder {
 public:
  explicit SpecBuilder(std::string name = "test") { spec_.name = std::move(name); }

  // A component of the kind named, at its defaults, with edges by port name.
  SpecBuilder& add(const std::string& id, const std::string& kind,
                   std::vector<std::pair<std::string, std::string>> next = {}) {
    model::ComponentSpec component;
    component.id = id;
    model::kind_info(model::kind_named(kind).value()).set_defaults(component);
    const auto line = static_cast<std::uint32_t>(10 * spec_.components.size() + 1);
    component.where = {"test.toml", line, 1};
    for (auto& [port, target] : next)
      component.connect(port, target, {"test.toml", line + 1 + port_line(port), 5});
    spec_.components.push_back(std::move(component));
    return *this;
  }
  SpecBuilder& outcome(const std::string& id, bool acted) {
    add(id, "outcome");
    spec_.components.back().parameters = model::OutcomeSpec{acted};
    return *this;
  }
  SpecBuilder& alarm_only(const std::string& id,
                          std::vector<std::pair<std::string, std::string>> next) {
    add(id, "safeguard", std::move(next));
    std::get<model::SafeguardSpec>(spec_.components.back().parameters).blocks = false;
    return *this;
  }
  const model::ScenarioSpec& spec() const { return spec_; }

 private:
  model::ScenarioSpec spec_;
};

}  // namespace stsim::structure::testing
