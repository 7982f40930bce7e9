#pragma once
// Sweep designs: which parameter values each sweep point gets. Point order is part of
// the output format: grid designs vary the first dimension slowest.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.h"

namespace stsim::runner {

// One swept dimension, one entry per point.
struct DesignColumn {
  std::string path;
  // Numbers (booleans as 0/1; durations in hours and rates per hour, however they were
  // written) or strings (component ids, distributions).
  bool numeric = true;
  std::vector<double> numbers;       // when numeric
  std::vector<std::string> strings;  // when not numeric
  std::vector<std::string> labels;   // empty when the dimension has no labels
  std::string label;                 // the dimension in words, for legends and axes
  std::string unit;                  // "hours", "per hour" or "" (a plain number)
  // How a sampled dimension was sampled, "log" or "linear", so that figures draw it on
  // that scale; empty for listed values and uncertain parameters.
  std::string sampling;
};

struct Design {
  scenario::SweepDesign kind = scenario::SweepDesign::none;
  std::vector<DesignColumn> columns;
  std::vector<std::vector<scenario::Assignment>> assignments;  // per point
  std::vector<std::string> point_labels;                       // per point
  std::optional<std::uint32_t> baseline;                       // point index
  // saltelli and morris: each point's place in the unit cube [0, 1]^dimensions, from
  // which the sensitivity indices are computed (runner/sensitivity.h).
  std::vector<std::vector<double>> unit;
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
// The same points scrambled by Matousek's linear matrix scrambling and a digital shift,
// keyed by `seed`: still a digital net (stratified as well as the sequence), but a
// random one, so that bootstrap and repeated seeds show the estimator's spread.
std::vector<std::vector<double>> scrambled_sobol(std::uint32_t points, std::uint32_t dimensions,
                                                 std::uint64_t seed);
// Saltelli's cross-sampling of `samples` rows of two scrambled Sobol matrices A and B
// (the first and last `dimensions` coordinates of one 2 x dimensions sequence): per
// sample, A, then A with coordinate i from B for each i, then B; dimensions + 2 points.
std::vector<std::vector<double>> saltelli(std::uint32_t samples, std::uint32_t dimensions,
                                          std::uint64_t seed);
// Morris's trajectories on a grid of `levels` levels: per trajectory a random start,
// then each coordinate in random order moved by levels / (2 (levels - 1)), up where it
// can go up and down otherwise; dimensions + 1 points each.
std::vector<std::vector<double>> morris(std::uint32_t trajectories, std::uint32_t dimensions,
                                        std::uint32_t levels, std::uint64_t seed);

// "value" as written in resolved parameters: numbers in shortest round-trip form (exact),
// strings bare.
std::string to_text(const scenario::ParameterValue& value);
// A number as a reader writes it: the shortest decimal of at most 15 significant digits
// that reads back as itself, so 0.99 + 0.0045 shows as 0.9945 rather than as the
// exact 0.9944999999999999. For labels; the values run and recorded stay exact.
std::string short_number(double value);
// An id or a path part in words: "dose_check" -> "dose check".
std::string words(std::string_view name);
// The default words for a swept dimension, when the scenario gives it no label:
// "dose_check.test_interval" -> "dose check test interval".
std::string dimension_words(std::string_view path);

}  // namespace stsim::runner
