#pragma once
// The list of component kinds: the one place where a kind is registered. From it come
// the parameters variant (whose alternative index is a component's kind), the KindInfo
// table (kinds.cpp) and the static dispatch of the hot path (simulation.cpp). Adding a
// kind: sim/README.md.

#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "sim/model/kind.h"
#include "sim/model/kinds/ai.h"
#include "sim/model/kinds/audit.h"
#include "sim/model/kinds/defence.h"
#include "sim/model/kinds/monitor.h"
#include "sim/model/kinds/operators.h"
#include "sim/model/kinds/outcome.h"
#include "sim/model/kinds/router.h"
#include "sim/model/kinds/safeguard.h"
#include "sim/model/kinds/source.h"
#include "sim/model/kinds/vote.h"

// Kinds compiled in for a test only (tests/kinds/): a build that defines
// STSIM_EXTRA_KINDS_HEADER names a header that defines STSIM_EXTRA_KINDS as ", Kind...".
#ifdef STSIM_EXTRA_KINDS_HEADER
#include STSIM_EXTRA_KINDS_HEADER
#endif
#ifndef STSIM_EXTRA_KINDS
#define STSIM_EXTRA_KINDS
#endif

namespace stsim::model {

template <class... Kind>
struct KindList {
  using Parameters = std::variant<typename Kind::Spec...>;
  using Tuple = std::tuple<Kind...>;
  static constexpr std::size_t size = sizeof...(Kind);
};

using Kinds = KindList<Source, Ai, Safeguard, Operators, Audit, Defence, Outcome, Vote, Monitor,
                       Router STSIM_EXTRA_KINDS>;

using Parameters = Kinds::Parameters;
inline constexpr std::size_t kind_count = Kinds::size;
static_assert(kind_count <= 256, "a kind's index is a byte (Node::kind, event ids)");
template <std::size_t I>
using KindAt = std::tuple_element_t<I, Kinds::Tuple>;

namespace detail {
template <class Spec, class... Specs>
constexpr std::size_t index_among(std::type_identity<std::variant<Specs...>>) {
  constexpr bool same[] = {std::is_same_v<Spec, Specs>...};
  std::size_t found = sizeof...(Specs), count = 0;
  for (std::size_t i = 0; i < sizeof...(Specs); ++i) {
    if (same[i]) {
      found = i;
      ++count;
    }
  }
  return count == 1 ? found : sizeof...(Specs);
}
}  // namespace detail

// A kind's index in the list.
template <class Kind>
inline constexpr std::size_t kind_index =
    detail::index_among<typename Kind::Spec>(std::type_identity<Parameters>{});

// A kind's role, stage unless it says otherwise.
template <class Kind>
constexpr Role role_of() {
  if constexpr (requires { Kind::role; })
    return Kind::role;
  else
    return Role::stage;
}

const KindInfo& kind_info(std::size_t kind);
std::optional<std::size_t> kind_named(std::string_view name);

// Calls f(std::type_identity<Kind>{}) for the kind at index `kind`. Static dispatch: a
// chain of comparisons the compiler turns into a jump, each alternative a direct call.
template <class F>
void with_kind(std::size_t kind, F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (void)((kind == I ? (f(std::type_identity<KindAt<I>>{}), true) : false) || ...);
  }
  (std::make_index_sequence<kind_count>{});
}

// Calls f(std::type_identity<Kind>{}) for every kind, in list order.
template <class F>
void for_each_kind(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) { (f(std::type_identity<KindAt<I>>{}), ...); }
  (std::make_index_sequence<kind_count>{});
}

}  // namespace stsim::model
