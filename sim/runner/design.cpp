#include "sim/runner/design.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <bit>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <stdexcept>
#include <type_traits>

#include "sim/random/distributions.h"
#include "sim/random/stream.h"

namespace stsim::runner {

using scenario::Assignment;
using scenario::ParameterValue;
using scenario::SweepDesign;
using scenario::SweepDimension;

std::string to_text(const ParameterValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else {
          return fmt::format("{}", v);
        }
      },
      value);
}

std::string short_number(double value) {
  std::string exact = fmt::format("{}", value);
  std::size_t digits = 0;
  for (char c : exact.substr(0, exact.find_first_of("eE"))) digits += (c >= '0' && c <= '9');
  // Leading zeros of a fraction are not significant ("0.000123": three digits).
  for (char c : exact) {
    if (c >= '1' && c <= '9') break;
    if (c == '0') --digits;
  }
  return digits <= 15 ? exact : fmt::format("{:.15g}", value);
}

std::string words(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '_' || c == '-') c = ' ';
  }
  return out;
}

std::string dimension_words(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  // The run settings' prefix says nothing to a reader: "scenario.horizon" is "horizon".
  if (path.rfind("scenario.", 0) == 0) start = std::string_view("scenario.").size();
  if (path.rfind("contexts.", 0) == 0) start = std::string_view("contexts.").size();
  while (start <= path.size()) {
    const auto end = std::min(path.find('.', start), path.size());
    if (!out.empty()) out += ' ';
    out += words(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

namespace {

// A value as a label shows it: numbers short, strings as they are.
std::string label_text(const ParameterValue& value) {
  if (const auto* d = std::get_if<double>(&value)) return short_number(*d);
  return to_text(value);
}

bool is_string(const ParameterValue& v) { return std::holds_alternative<std::string>(v); }

double as_number(const ParameterValue& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

// Value of dimension `d` at its index `i`, as a column entry.
void append(DesignColumn& column, const SweepDimension& d, std::size_t i) {
  if (column.numeric) {
    column.numbers.push_back(as_number(d.values[i]));
  } else {
    column.strings.push_back(to_text(d.values[i]));
  }
  if (!d.labels.empty()) column.labels.push_back(d.labels[i]);
}

std::string label_of(const std::vector<DesignColumn>& columns,
                     const std::vector<Assignment>& assignments, std::size_t point) {
  std::string label;
  for (std::size_t d = 0; d < columns.size(); ++d) {
    if (!label.empty()) label += ", ";
    if (!columns[d].labels.empty()) {
      label += columns[d].labels[point];
    } else {
      label += assignments[d].path + "=" + label_text(assignments[d].value);
    }
  }
  return label;
}

std::string where(const SweepDimension& d) {
  if (d.where.file.empty()) return "sweep dimension '" + d.path + "'";
  return fmt::format("{}:{}:{}: sweep dimension '{}'", d.where.file, d.where.line, d.where.column,
                     d.path);
}

// Grid and zip: dimension values by index per point.
Design listed(const scenario::SweepSpec& sweep) {
  Design design;
  design.kind = sweep.design;
  const auto dims = sweep.dimensions.size();
  std::size_t points = 1;
  for (const auto& d : sweep.dimensions) {
    if (d.values.empty()) throw std::invalid_argument(where(d) + " has no values");
    if (!d.labels.empty() && d.labels.size() != d.values.size()) {
      throw std::invalid_argument(fmt::format("{} has {} labels for {} values", where(d),
                                              d.labels.size(), d.values.size()));
    }
    if (sweep.design == SweepDesign::grid) {
      points *= d.values.size();
      if (points > UINT32_MAX) throw std::invalid_argument("the sweep grid has too many points");
    } else if (d.values.size() != sweep.dimensions.front().values.size()) {
      throw std::invalid_argument(fmt::format(
          "{} has {} values but '{}' has {}; a zip design needs lists of equal length", where(d),
          d.values.size(), sweep.dimensions.front().path, sweep.dimensions.front().values.size()));
    }
  }
  if (sweep.design == SweepDesign::zip) points = sweep.dimensions.front().values.size();

  for (const auto& d : sweep.dimensions) {
    DesignColumn column;
    column.path = d.path;
    column.label = d.label.empty() ? dimension_words(d.path) : d.label;
    column.numeric = true;
    for (const auto& v : d.values) column.numeric = column.numeric && !is_string(v);
    design.columns.push_back(std::move(column));
  }
  std::vector<std::vector<std::size_t>> indices(points, std::vector<std::size_t>(dims));
  for (std::size_t p = 0; p < points; ++p) {
    // Grid: mixed-radix digits of p with the last dimension varying fastest.
    std::size_t rest = p;
    for (std::size_t d = dims; d-- > 0;) {
      const auto n = sweep.dimensions[d].values.size();
      indices[p][d] = sweep.design == SweepDesign::grid ? rest % n : p;
      if (sweep.design == SweepDesign::grid) rest /= n;
    }
    std::vector<Assignment> assignments;
    for (std::size_t d = 0; d < dims; ++d) {
      const auto& dim = sweep.dimensions[d];
      assignments.push_back({dim.path, dim.values[indices[p][d]]});
      append(design.columns[d], dim, indices[p][d]);
    }
    design.point_labels.push_back(label_of(design.columns, assignments, p));
    design.assignments.push_back(std::move(assignments));
  }

  if (!sweep.baseline.empty()) {
    if (sweep.baseline.size() != dims) {
      throw std::invalid_argument(
          fmt::format("the sweep baseline has {} values but the sweep has {} dimensions",
                      sweep.baseline.size(), dims));
    }
    // A baseline entry matches a dimension's value, or one of its labels.
    auto matches = [&](std::size_t d, std::size_t i) {
      const auto& dim = sweep.dimensions[d];
      const auto& want = sweep.baseline[d];
      if (is_string(want) && !dim.labels.empty() && dim.labels[i] == std::get<std::string>(want)) {
        return true;
      }
      if (is_string(want) != is_string(dim.values[i])) return false;
      if (is_string(want))
        return std::get<std::string>(want) == std::get<std::string>(dim.values[i]);
      return as_number(want) == as_number(dim.values[i]);
    };
    for (std::size_t p = 0; p < points && !design.baseline; ++p) {
      bool all = true;
      for (std::size_t d = 0; d < dims && all; ++d) all = matches(d, indices[p][d]);
      if (all) design.baseline = static_cast<std::uint32_t>(p);
    }
    if (!design.baseline) {
      std::string wanted;
      for (const auto& v : sweep.baseline) wanted += (wanted.empty() ? "" : ", ") + to_text(v);
      throw std::invalid_argument("the sweep baseline [" + wanted + "] matches no sweep point");
    }
  }
  return design;
}

// Sample `sample` of an uncertain parameter, from a stream of its own keyed by the
// design's seed, the sample and the parameter's path: the same whatever else is sampled.
double draw(const SweepDimension& d, std::uint64_t seed, std::uint32_t sample) {
  random::Stream stream({seed, sample, 0, random::stable_id(d.path), random::Purpose::sampling});
  switch (d.distribution) {
    case scenario::Distribution::beta:
      return random::beta(stream, d.alpha, d.beta);
    case scenario::Distribution::lognormal:
      // The error factor is the 95th percentile over the median: sigma = ln(EF) / z_0.95.
      return random::lognormal(stream, std::log(d.median),
                               std::log(d.error_factor) / 1.6448536269514722);
    case scenario::Distribution::uniform:
      return random::uniform(stream, d.low, d.high);
    case scenario::Distribution::triangular:
      return random::triangular(stream, d.low, d.mode, d.high);
    case scenario::Distribution::none:
      break;
  }
  throw std::invalid_argument(where(d) + " has no distribution for an uncertainty design");
}

// The value of an uncertain parameter at quantile u, for a saltelli design over the
// parameters' own distributions: the unit cube's points mapped through each inverse
// distribution function, so that the base samples are samples of the distributions.
double quantile(const SweepDimension& d, double u) {
  // Scrambled points may touch 0, where a lognormal's quantile is 0 and the next point's
  // is not: keep u inside (0, 1).
  u = std::clamp(u, 0x1p-53, 1.0 - 0x1p-53);
  switch (d.distribution) {
    case scenario::Distribution::beta:
      return boost::math::quantile(boost::math::beta_distribution<double>(d.alpha, d.beta), u);
    case scenario::Distribution::lognormal:
      return boost::math::quantile(
          boost::math::lognormal_distribution<double>(
              std::log(d.median), std::log(d.error_factor) / 1.6448536269514722),
          u);
    case scenario::Distribution::uniform:
      return d.low + u * (d.high - d.low);
    case scenario::Distribution::triangular:
      return boost::math::quantile(
          boost::math::triangular_distribution<double>(d.low, d.mode, d.high), u);
    case scenario::Distribution::none:
      break;
  }
  throw std::invalid_argument(where(d) + " has no distribution");
}

// Latin hypercube and Sobol: unit-cube points mapped onto each dimension's range.
Design continuous(const scenario::SweepSpec& sweep, const IntegerPath& integer_path) {
  if (sweep.points == 0) throw std::invalid_argument("the sweep needs `points` >= 1");
  if (!sweep.baseline.empty()) {
    throw std::invalid_argument(
        "a sweep baseline needs a grid or zip design (continuous designs have no named points)");
  }
  const auto dims = static_cast<std::uint32_t>(sweep.dimensions.size());
  for (const auto& d : sweep.dimensions) {
    // Distributions were checked by the loader, and again by draw() and quantile().
    if (sweep.design == SweepDesign::uncertainty || d.distribution != scenario::Distribution::none)
      continue;
    if (!(d.low <= d.high)) throw std::invalid_argument(where(d) + " needs low <= high");
    if (d.log_scale && !(d.low > 0.0)) {
      throw std::invalid_argument(where(d) + " is on a log scale and needs low > 0");
    }
  }
  const bool indices = sweep.design == SweepDesign::saltelli || sweep.design == SweepDesign::morris;
  if (indices && sweep.points < 2) {
    throw std::invalid_argument(fmt::format(
        "a {} sweep needs points >= 2 to estimate its indices and their intervals; got {}",
        sweep.design == SweepDesign::saltelli ? "saltelli" : "morris", sweep.points));
  }
  if (design_points(sweep) > UINT32_MAX)
    throw std::invalid_argument("the sweep has too many points");
  std::vector<std::vector<double>> unit;
  switch (sweep.design) {
    case SweepDesign::sobol:
      unit = sobol(sweep.points, dims);
      break;
    case SweepDesign::saltelli:
      unit = saltelli(sweep.points, dims, sweep.design_seed);
      break;
    case SweepDesign::morris:
      unit = morris(sweep.points, dims, sweep.levels, sweep.design_seed);
      break;
    case SweepDesign::uncertainty:
      unit.assign(sweep.points, std::vector<double>(dims));
      break;
    default:
      unit = latin_hypercube(sweep.points, dims, sweep.design_seed);
  }
  Design design;
  design.kind = sweep.design;
  for (const auto& d : sweep.dimensions) {
    const bool distributed =
        sweep.design == SweepDesign::uncertainty || d.distribution != scenario::Distribution::none;
    const char* sampling = distributed ? "" : d.log_scale ? "log" : "linear";
    design.columns.push_back({d.path,
                              true,
                              {},
                              {},
                              {},
                              d.label.empty() ? dimension_words(d.path) : d.label,
                              {},
                              sampling});
  }
  for (std::uint32_t p = 0; p < unit.size(); ++p) {
    std::vector<Assignment> assignments;
    for (std::uint32_t d = 0; d < dims; ++d) {
      const auto& dim = sweep.dimensions[d];
      const double u = unit[p][d];
      double x = sweep.design == SweepDesign::uncertainty ? draw(dim, sweep.design_seed, p)
                 : dim.distribution != scenario::Distribution::none ? quantile(dim, u)
                 : dim.log_scale
                     ? std::exp(std::log(dim.low) + u * (std::log(dim.high) - std::log(dim.low)))
                     : dim.low + u * (dim.high - dim.low);
      if (integer_path && integer_path(dim.path)) {
        const auto rounded = static_cast<std::int64_t>(std::llround(x));
        design.columns[d].numbers.push_back(static_cast<double>(rounded));
        assignments.push_back({dim.path, rounded});
      } else {
        design.columns[d].numbers.push_back(x);
        assignments.push_back({dim.path, x});
      }
    }
    design.point_labels.push_back(label_of(design.columns, assignments, p));
    design.assignments.push_back(std::move(assignments));
  }
  if (indices) design.unit = std::move(unit);
  return design;
}

// Matousek's random linear scrambling of one coordinate's 64 binary digits: digit j of
// the result is digit j of x plus a random combination of the digits before it (mod 2),
// then flipped by the shift. Row j of `rows` holds digit j and the digits it mixes in.
struct DigitScramble {
  std::array<std::uint64_t, 64> rows{};
  std::uint64_t shift = 0;

  explicit DigitScramble(random::Stream& stream) {
    for (unsigned j = 0; j < 64; ++j) {
      const std::uint64_t digit = std::uint64_t{1} << (63 - j);
      // The digits before j are the more significant bits, above `digit`.
      const std::uint64_t before = j == 0 ? 0 : ~((digit << 1) - 1);
      rows[j] = digit | (stream() & before);
    }
    shift = stream();
  }
  std::uint64_t operator()(std::uint64_t x) const {
    std::uint64_t out = 0;
    for (unsigned j = 0; j < 64; ++j) {
      const auto bit = static_cast<std::uint64_t>(std::popcount(x & rows[j]) & 1);
      out |= bit << (63 - j);
    }
    return out ^ shift;
  }
};

}  // namespace

Design make_design(const scenario::SweepSpec& sweep, const IntegerPath& integer_path) {
  if (sweep.design == SweepDesign::none || sweep.dimensions.empty()) {
    Design design;
    design.kind = SweepDesign::none;
    design.assignments.emplace_back();
    design.point_labels.emplace_back("base");
    return design;
  }
  if (sweep.design == SweepDesign::grid || sweep.design == SweepDesign::zip) return listed(sweep);
  return continuous(sweep, integer_path);
}

std::vector<std::vector<double>> latin_hypercube(std::uint32_t points, std::uint32_t dimensions,
                                                 std::uint64_t seed) {
  std::vector<std::vector<double>> out(points, std::vector<double>(dimensions));
  std::vector<std::uint32_t> strata(points);
  for (std::uint32_t d = 0; d < dimensions; ++d) {
    random::Stream stream(
        {seed, 0, 0, random::stable_id("latin_hypercube") + d, random::Purpose::sampling});
    for (std::uint32_t i = 0; i < points; ++i) strata[i] = i;
    // Fisher-Yates with a uniform index from the stream (floor of u * (i + 1), u < 1).
    for (std::uint32_t i = points; i-- > 1;) {
      auto j = static_cast<std::uint32_t>(stream.uniform01() * static_cast<double>(i + 1));
      if (j > i) j = i;
      std::swap(strata[i], strata[j]);
    }
    for (std::uint32_t i = 0; i < points; ++i) {
      out[i][d] =
          (static_cast<double>(strata[i]) + stream.uniform01()) / static_cast<double>(points);
    }
  }
  return out;
}

std::vector<std::vector<double>> sobol(std::uint32_t points, std::uint32_t dimensions) {
  std::vector<std::vector<double>> out(points, std::vector<double>(dimensions));
  if (dimensions == 0) return out;
  // Boost's engine already skips the origin; its integers have 64 bits of resolution.
  boost::random::sobol engine(dimensions);
  const double scale = std::ldexp(1.0, -64);
  for (std::uint32_t p = 0; p < points; ++p) {
    for (std::uint32_t d = 0; d < dimensions; ++d)
      out[p][d] = static_cast<double>(engine()) * scale;
  }
  return out;
}

std::vector<std::vector<double>> scrambled_sobol(std::uint32_t points, std::uint32_t dimensions,
                                                 std::uint64_t seed) {
  std::vector<std::vector<double>> out(points, std::vector<double>(dimensions));
  if (dimensions == 0) return out;
  std::vector<DigitScramble> scrambles;
  for (std::uint32_t d = 0; d < dimensions; ++d) {
    random::Stream stream(
        {seed, 0, 0, random::stable_id("scrambled_sobol") + d, random::Purpose::sampling});
    scrambles.emplace_back(stream);
  }
  // The origin is a point of the net like any other once scrambled: keep it, so that
  // 2^m points are a whole net.
  boost::random::sobol engine(dimensions);
  for (std::uint32_t p = 0; p < points; ++p) {
    for (std::uint32_t d = 0; d < dimensions; ++d) {
      const std::uint64_t x = p == 0 ? 0 : engine();
      // The top 53 digits, centred in their cell: in (0, 1), never 0 or 1.
      const std::uint64_t y = scrambles[d](x) >> 11;
      out[p][d] = (static_cast<double>(y) + 0.5) * std::ldexp(1.0, -53);
    }
  }
  return out;
}

std::vector<std::vector<double>> saltelli(std::uint32_t samples, std::uint32_t dimensions,
                                          std::uint64_t seed) {
  const auto base = scrambled_sobol(samples, 2 * dimensions, seed);
  std::vector<std::vector<double>> out;
  out.reserve(std::size_t{samples} * (dimensions + 2));
  for (const auto& row : base) {
    const std::vector<double> a(row.begin(), row.begin() + dimensions);
    const std::vector<double> b(row.begin() + dimensions, row.end());
    out.push_back(a);
    for (std::uint32_t i = 0; i < dimensions; ++i) {
      out.push_back(a);
      out.back()[i] = b[i];
    }
    out.push_back(b);
  }
  return out;
}

std::vector<std::vector<double>> morris(std::uint32_t trajectories, std::uint32_t dimensions,
                                        std::uint32_t levels, std::uint64_t seed) {
  const double spacing = 1.0 / static_cast<double>(levels - 1);
  const std::uint32_t step_levels = levels / 2;  // the step, in levels
  std::vector<std::vector<double>> out;
  out.reserve(std::size_t{trajectories} * (dimensions + 1));
  std::vector<std::uint32_t> order(dimensions);
  std::vector<std::uint32_t> at(dimensions);
  for (std::uint32_t t = 0; t < trajectories; ++t) {
    random::Stream stream({seed, 0, t, random::stable_id("morris"), random::Purpose::sampling});
    const auto index = [&stream](std::uint32_t n) {
      auto k = static_cast<std::uint32_t>(stream.uniform01() * static_cast<double>(n));
      return k < n ? k : n - 1;
    };
    for (std::uint32_t d = 0; d < dimensions; ++d) at[d] = index(levels);
    for (std::uint32_t d = 0; d < dimensions; ++d) order[d] = d;
    for (std::uint32_t i = dimensions; i-- > 1;) std::swap(order[i], order[index(i + 1)]);
    const auto point = [&] {
      std::vector<double> u(dimensions);
      for (std::uint32_t d = 0; d < dimensions; ++d) u[d] = at[d] * spacing;
      return u;
    };
    out.push_back(point());
    for (const auto d : order) {
      if (at[d] + step_levels < levels) {
        at[d] += step_levels;
      } else {
        at[d] -= step_levels;
      }
      out.push_back(point());
    }
  }
  return out;
}

std::uint64_t design_points(const scenario::SweepSpec& sweep) {
  switch (sweep.design) {
    case SweepDesign::none:
      return 1;
    case SweepDesign::zip:
      return sweep.dimensions.empty() ? 1 : sweep.dimensions.front().values.size();
    case SweepDesign::grid: {
      std::uint64_t points = 1;
      for (const auto& d : sweep.dimensions) {
        const std::uint64_t n = d.values.size();
        if (n != 0 && points > UINT64_MAX / n) return UINT64_MAX;
        points *= n;
      }
      return points;
    }
    case SweepDesign::latin_hypercube:
    case SweepDesign::sobol:
    case SweepDesign::uncertainty:
      return sweep.points;
    case SweepDesign::saltelli:
      return std::uint64_t{sweep.points} * (sweep.dimensions.size() + 2);
    case SweepDesign::morris:
      return std::uint64_t{sweep.points} * (sweep.dimensions.size() + 1);
  }
  return 1;
}

}  // namespace stsim::runner
