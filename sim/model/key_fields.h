#pragma once
// Key fields from member pointers, for the kinds' key tables: field<&AiSpec::reliability>
// finds an ai component's reliability; field<&SafeguardSpec::coupling, &CouplingSpec::beta>
// reaches into a nested struct. The kind is the class of the first member.

#include <cstdint>
#include <type_traits>
#include <variant>
#include <vector>

#include "sim/model/keys.h"
#include "sim/model/spec.h"

namespace stsim::model {

namespace detail {

template <class Member>
struct class_of;
template <class Value, class Class>
struct class_of<Value Class::*> {
  using type = Class;
};

template <class T>
T& reach(T& value) {
  return value;
}
template <class T, class Member, class... Rest>
auto& reach(T& value, Member member, Rest... rest) {
  return reach(value.*member, rest...);
}

}  // namespace detail

template <class Field>
FieldRef field_ref(Field& value) {
  if constexpr (std::is_enum_v<Field>) {
    static_assert(std::is_same_v<std::underlying_type_t<Field>, std::uint8_t>,
                  "a choice is an enumeration over std::uint8_t");
    // An unsigned char may access any object's bytes, so the enumeration is read and
    // written through its one byte.
    return ChoiceField{reinterpret_cast<std::uint8_t*>(&value)};
  } else {
    return &value;
  }
}

template <auto first, auto... rest>
FieldRef field(ComponentSpec& component) {
  using Spec = typename detail::class_of<decltype(first)>::type;
  return field_ref(detail::reach(std::get<Spec>(component.parameters), first, rest...));
}

// The keys of a layer's coverage, which every layer kind lists last: the share of the
// tasks reaching it that it handles, overall and by context (ComponentSpec::coverage).
inline void add_coverage_keys(std::vector<ComponentKey>& keys) {
  keys.push_back({"coverage", probability(), "1",
                  "Share of the tasks reaching it that this layer handles; the others pass it "
                  "untouched",
                  [](ComponentSpec& c) -> FieldRef { return &c.coverage; }});
  keys.push_back({"coverage_by_context", probability(), "coverage",
                  "Coverage in this context, instead of coverage (0: the layer does not act "
                  "there)",
                  [](ComponentSpec& c) -> FieldRef { return &c.coverage_by_context; }, true});
}
inline std::vector<ComponentKey> with_coverage_keys(std::vector<ComponentKey> keys) {
  add_coverage_keys(keys);
  return keys;
}

}  // namespace stsim::model
