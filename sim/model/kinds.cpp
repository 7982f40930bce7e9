// The KindInfo of every kind in the list, from what each kind declares; what a kind
// leaves out takes the default below.

#include "sim/model/kinds.h"

#include <array>

#include "sim/model/spec.h"

namespace stsim::model {

namespace {

template <class Kind>
const typename Kind::Spec& spec_of(const ComponentSpec& component) {
  return std::get<typename Kind::Spec>(component.parameters);
}

template <class Kind>
KindInfo make_info() {
  using Spec = typename Kind::Spec;
  static_assert(kind_index<Kind> < kind_count, "each kind has a spec type of its own");
  static_assert(Kind::ports.size() <= max_ports);
  static_assert(Kind::ports.empty() == (role_of<Kind>() == Role::terminal),
                "a kind has ports unless tasks end there");
  KindInfo info;
  info.name = Kind::name;
  info.role = role_of<Kind>();
  info.ports = Kind::ports;
  if constexpr (requires { Kind::events; }) info.events = Kind::events;
  if constexpr (requires { Kind::can_fail; }) info.can_fail = Kind::can_fail;
  if constexpr (requires { Kind::originates_hazards; })
    info.originates_hazards = Kind::originates_hazards;
  if constexpr (requires { Kind::steers_layers; }) info.steers_layers = Kind::steers_layers;
  info.keys = Kind::keys();
  if constexpr (requires { Kind::groups(); }) info.groups = Kind::groups();
  info.set_defaults = [](ComponentSpec& c) { c.parameters = Spec{}; };
  info.validate = [](const ComponentSpec& c, const ScenarioSpec& s, std::vector<std::string>& f) {
    if constexpr (requires { Kind::validate(spec_of<Kind>(c), c, s, f); })
      Kind::validate(spec_of<Kind>(c), c, s, f);
  };
  info.is_layer = [](const ComponentSpec& c) {
    if constexpr (requires { Kind::is_layer(spec_of<Kind>(c)); })
      return Kind::is_layer(spec_of<Kind>(c));
    else
      return false;
  };
  info.hazard_flow = [](const ComponentSpec& c, PortIndex port) {
    if constexpr (requires { Kind::hazard_flow(spec_of<Kind>(c), port); })
      return Kind::hazard_flow(spec_of<Kind>(c), port);
    else
      return Kind::ports[port].hazard;
  };
  info.port_used = [](const ComponentSpec& c, PortIndex port) {
    if constexpr (requires { Kind::port_used(spec_of<Kind>(c), port); })
      return Kind::port_used(spec_of<Kind>(c), port);
    else
      return true;
  };
  info.acts = [](const ComponentSpec& c) {
    if constexpr (requires { Kind::acts(spec_of<Kind>(c)); })
      return Kind::acts(spec_of<Kind>(c));
    else
      return false;
  };
  info.style = [](const ComponentSpec& c) { return Kind::style(spec_of<Kind>(c)); };
  info.label = [](const ComponentSpec& c) {
    if constexpr (requires { Kind::label(spec_of<Kind>(c)); })
      return Kind::label(spec_of<Kind>(c));
    else
      return std::string(Kind::name);
  };
  info.outside_analytic = [](const ComponentSpec& c,
                             const ScenarioSpec& s) -> std::optional<std::string> {
    if constexpr (requires { Kind::outside_analytic(spec_of<Kind>(c), c, s); })
      return Kind::outside_analytic(spec_of<Kind>(c), c, s);
    else
      return std::nullopt;
  };
  if constexpr (requires(const Spec& spec, Branching& b, const Branch& in) {
                  Kind::branch(spec, b, 0u, in);
                }) {
    info.branch = [](const ComponentSpec& c, Branching& b, std::uint32_t node, const Branch& in) {
      Kind::branch(spec_of<Kind>(c), b, node, in);
    };
  } else {
    info.branch = nullptr;
  }
  constexpr bool declares_counterfactual = requires(Spec & spec) {
    Kind::counterfactual(spec, Counterfactual::perfect, 0.0);
  };
  static_assert(
      declares_counterfactual ||
          !(
              requires(const Spec& spec) { Kind::is_layer(spec); } ||
              requires { Kind::originates_hazards; } || requires { Kind::steers_layers; }),
      "a kind that can be a layer, steers one, or where hazards originate, declares its "
      "importance counterfactuals (sim/README.md)");
  if constexpr (declares_counterfactual) {
    info.counterfactual = [](ComponentSpec& c, Counterfactual which, double step) {
      Kind::counterfactual(std::get<Spec>(c.parameters), which, step);
    };
  } else {
    info.counterfactual = nullptr;
  }
  info.retunes = [](std::string_view key) {
    if constexpr (requires { Kind::retunes(key); })
      return Kind::retunes(key);
    else
      return false;
  };
  return info;
}

const std::array<KindInfo, kind_count>& table() {
  static const std::array<KindInfo, kind_count> infos = [] {
    std::array<KindInfo, kind_count> out;
    std::size_t i = 0;
    for_each_kind([&](auto kind) { out[i++] = make_info<typename decltype(kind)::type>(); });
    return out;
  }();
  return infos;
}

}  // namespace

const KindInfo& kind_info(std::size_t kind) { return table().at(kind); }

std::optional<std::size_t> kind_named(std::string_view name) {
  for (std::size_t i = 0; i < kind_count; ++i)
    if (table()[i].name == name) return i;
  return std::nullopt;
}

}  // namespace stsim::model
