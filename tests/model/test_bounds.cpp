// Every rate and finite duration of every key table (the kinds', the scenario's and the
// contexts') has a finite upper bound, and a value beyond any key's bound is refused with
// the bound in the message: a kind added later is covered without a test of its own.

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "sim/model/kinds.h"
#include "sim/model/spec.h"

using namespace stsim::model;

namespace {

bool has_range(const Rule& rule) {
  return rule.type == ValueType::rate || rule.type == ValueType::duration ||
         rule.type == ValueType::number;
}

// The faults of `key` at `value`, where its field holds a number.
template <class Target, class Key>
std::vector<std::string> faults_at(Target& target, const Key& key, double value) {
  std::vector<std::string> faults;
  const FieldRef field = key.field(target);
  if (auto* x = std::get_if<double*>(&field)) {
    **x = value;
  } else if (auto* by_context = std::get_if<ByContext*>(&field)) {
    (**by_context)["routine"] = value;
  } else {
    FAIL("a key with a range whose field is not a number: " << key.name);
  }
  value_faults(key.name, key.rule, field, faults);
  return faults;
}

template <class Target, class Key>
void check_bounds(Target& target, const Key& key, int& bounded) {
  if (!has_range(key.rule)) return;
  INFO("key " << key.name);
  if (key.rule.type != ValueType::number) CHECK(std::isfinite(key.rule.max));
  if (!std::isfinite(key.rule.max)) return;
  ++bounded;
  CHECK(faults_at(target, key, key.rule.max).empty());
  const auto beyond = faults_at(target, key, key.rule.max * 10.0);
  REQUIRE(beyond.size() == 1);
  CHECK_THAT(beyond[0], Catch::Contains(" and <= " + format_bound(key.rule.max)));
  CHECK_THAT(beyond[0], Catch::EndsWith("; got " + format_number(key.rule.max * 10.0)));
  CHECK(faults_at(target, key, 1e308).size() == 1);
}

}  // namespace

TEST_CASE("every rate and duration has an upper bound, and every bound is enforced",
          "[model][bounds]") {
  int bounded = 0;
  for (std::size_t k = 0; k < kind_count; ++k) {
    const KindInfo& kind = kind_info(k);
    INFO("kind " << kind.name);
    for (const auto& key : kind.keys) {
      ComponentSpec component;
      kind.set_defaults(component);
      check_bounds(component, key, bounded);
    }
  }
  for (const auto& key : scenario_keys()) {
    ScenarioSpec spec;
    check_bounds(spec, key, bounded);
  }
  for (const auto& key : context_keys()) {
    ContextSpec context;
    check_bounds(context, key, bounded);
  }
  CHECK(bounded >= 12);  // horizon, rates, intervals, weight, severity, review_cv, ...
}

TEST_CASE("bounds read as people write them", "[model][bounds]") {
  CHECK(format_bound(1e12) == "1e12");
  CHECK(format_bound(1e7) == "1e7");
  CHECK(format_bound(2.5e9) == "2.5e9");
  CHECK(format_bound(100) == "100");
  CHECK(format_bound(8.64e305) == "8.64e305");
  CHECK(constraint(number_at_least(0.0, 100.0), "a number") == "a number >= 0 and <= 100");
  CHECK(out_of_range(rate(true), 2e12) == "a rate > 0 and <= 1e12/h");
  CHECK(out_of_range(duration(true, true), 2e7) == "a duration > 0 and <= 1e7h or \"inf\"");
  CHECK_FALSE(out_of_range(duration(true, true), INFINITY));
  CHECK(out_of_range(list_element(), 1e10) == "a number >= 0 and <= 1e9");
}
