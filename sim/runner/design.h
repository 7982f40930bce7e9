#pragma once
// Sweep designs: which parameter values each sweep point gets. Point order is part of
// the output format: grid designs vary the first dimension slowest.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace stsim::runner {

// One swept dimension, one entry per point.
struct DesignColumn {
  std::string path;
  bool numeric = true;               // numbers (and booleans as 0/1) or strings
  std::vector<double> numbers;       // when numeric
  std::vector<std::string> strings;  // when not numeric
  std::vector<std::string> labels;   // empty when the dimension has no labels
};

struct Design {
  scenario::SweepDesign kind = scenario::SweepDesign::none;
  std::vector<DesignColumn> columns;
  std::vector<std::vector<scenario::Assignment>> assignments;  // per point
  std::vector<std::string> point_labels;                       // per point
  std::optional<std::uint32_t> baseline;                       // point index
  std::uint32_t size() const { return static_cast<std::uint32_t>(assignments.size()); }
};

// Tells whether a parameter path takes integers, so that continuous designs round.
using IntegerPath = std::function<bool(const std::string& path)>;

// Expands a sweep (one point with no assignments for SweepDesign::none). Throws
// std::invalid_argument for an inconsistent sweep (zip lists of different lengths, a
// baseline that matches no point, a log-scale range that is not positive...).
Design make_design(const scenario::SweepSpec& sweep, const IntegerPath& integer_path = {});

// The number of points make_design would make, without making them (saturating at
// UINT64_MAX), so that a sweep too large to hold can be refused first.
std::uint64_t design_points(const scenario::SweepSpec& sweep);

// Points in the unit cube [0, 1)^dimensions, points x dimensions, row per point.
// Latin hypercube: each dimension's n strata hold exactly one point; permutations and
// jitter come from sim/random streams keyed by the design seed.
std::vector<std::vector<double>> latin_hypercube(std::uint32_t points, std::uint32_t dimensions,
                                                 std::uint64_t seed);
// Sobol sequence with Joe-Kuo direction numbers, the origin skipped.
std::vector<std::vector<double>> sobol(std::uint32_t points, std::uint32_t dimensions);

// "value" as written in labels and resolved parameters: numbers in shortest round-trip
// form, strings bare.
std::string to_text(const scenario::ParameterValue& value);

}  // namespace stsim::runner
