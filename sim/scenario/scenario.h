#pragma once
// TOML scenario files -> validated ScenarioSpec. Every fault in a file is reported at
// once, each with file:line:col, before any simulation starts.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/model/spec.h"

namespace stsim::scenario {

struct Diagnostic {
  enum class Severity : std::uint8_t { error, warning };
  Severity severity = Severity::error;
  model::SourceLocation where;
  std::string message;  // "what is wrong; what was expected"
};
// "file:line:col: error: message" (or "warning:"), the form compilers use, always one
// line: control characters in the file name or message are escaped (printable()).
std::string format(const Diagnostic& diagnostic);

// `text` with newlines, tabs and other control characters as \n, \t, \xNN.
std::string printable(std::string_view text);

// Errors of one kind (the same message but for numbers and quoted values) beyond the
// first max_errors_of_a_kind are dropped, and one error after the last shown says how
// many more there were. Warnings are kept. Order is kept.
inline constexpr std::size_t max_errors_of_a_kind = 20;
void limit_repeats(std::vector<Diagnostic>& diagnostics);

// A value for a dotted parameter path, from a sweep or a --set override. Numbers given
// for duration keys are hours; for rate keys, per hour.
using ParameterValue = std::variant<bool, std::int64_t, double, std::string>;

struct Assignment {
  std::string path;  // e.g. "model.reliability", "reviewers.count", "model.next.pass"
  ParameterValue value;
};

// saltelli and morris are sobol-like samples laid out for global sensitivity indices
// (docs/sensitivity.md): their points come in groups the indices are computed from.
// uncertainty: an outer sample of uncertain (epistemic) parameters, each dimension drawn
// from its distribution; every point runs the usual replications (two-level Monte Carlo).
enum class SweepDesign : std::uint8_t {
  none,
  grid,
  zip,
  latin_hypercube,
  sobol,
  saltelli,
  morris,
  uncertainty
};

// What we know of an uncertain parameter, for an uncertainty design.
enum class Distribution : std::uint8_t { none, beta, lognormal, uniform, triangular };

struct SweepDimension {
  std::string path;
  std::string label;                   // the dimension in words; empty: from the path
  std::vector<ParameterValue> values;  // grid and zip designs
  std::vector<std::string> labels;     // optional names of the values (e.g. system designs)
  double low = 0.0, high = 0.0;        // sampled designs (all but grid and zip)
  bool log_scale = false;
  // uncertainty designs: beta(alpha, beta) (from k successes in n trials: alpha = k + 1,
  // beta = n - k + 1), lognormal(median, error_factor: the 95th percentile over the
  // median), uniform(low, high), triangular(low, mode, high).
  Distribution distribution = Distribution::none;
  double alpha = 0.0, beta = 0.0, median = 0.0, error_factor = 0.0, mode = 0.0;
  model::SourceLocation where;
};

// The red team's best response (sim/runner/worst_case.h): the value of one parameter in
// [low, high] that minimises a metric, by a grid and a golden-section refinement.
struct WorstCaseSpec {
  std::string parameter;  // empty: no search
  std::string metric = "safety";
  double low = 0.0, high = 0.0;
  bool log_scale = true;
  std::uint32_t grid = 9;
  double tolerance = 0.01;         // final bracket / (high - low), on the search scale
  std::uint32_t replications = 0;  // per evaluation; 0: the run's fixed count
  model::SourceLocation where;
};

struct SweepSpec {
  SweepDesign design = SweepDesign::none;
  std::vector<SweepDimension> dimensions;
  // Sampled designs: the points (latin_hypercube, sobol), the base samples (saltelli:
  // each becomes dimensions + 2 points) or the trajectories (morris: dimensions + 1).
  std::uint32_t points = 0;
  std::uint64_t design_seed = 1;  // latin_hypercube, the scrambling of saltelli, morris
  std::uint32_t levels = 4;       // morris: the grid of levels each trajectory moves on
  // Paired comparisons: the point every other point is compared with. For grid/zip it is
  // given as one value (or label) per dimension, and resolved by the runner.
  std::vector<ParameterValue> baseline;
  bool common_random_numbers = true;
  // Precision stopping: replicate until the relative error of `metric` is below
  // `relative_error` at every point, in blocks, between min and max replications
  // (0: the defaults below, which also apply to `stsim run --until-rel-error`).
  std::string metric;
  double relative_error = 0.0;  // 0 = fixed count (scenario.replications)
  std::uint32_t min_replications = 0;
  std::uint32_t max_replications = 0;
  std::uint32_t block_size = 0;
  WorstCaseSpec worst_case;
};

// The precision rule's defaults, wherever the rule comes from ([sweep.precision] or
// --until-rel-error). 10,000 replications bound what a target that cannot be met costs:
// that many replications of the default sweep take minutes, a million took hours.
inline constexpr std::uint32_t default_min_replications = 100;
inline constexpr std::uint32_t default_max_replications = 10000;
inline constexpr std::uint32_t default_precision_block_size = 50;

struct Scenario {
  std::string file;          // as given by the user
  std::string text;          // the file's text, stored in results for provenance
  model::ScenarioSpec spec;  // with --set overrides applied, before any sweep
  SweepSpec sweep;
  std::vector<Assignment> overrides;
  // Where each value set by the file or by --set was written, by its path
  // ("scenario.horizon", "users.profile", "sweep.precision.relative_error"), for
  // diagnostics made after loading; the last setting of a path wins.
  std::map<std::string, model::SourceLocation> locations;
  // The location of `path`'s value, or the start of the file.
  model::SourceLocation location_of(const std::string& path) const;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set when there is no error
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return scenario.has_value(); }
};

LoadResult load_file(const std::string& path, const std::vector<Assignment>& overrides = {});
LoadResult load_string(std::string_view text, const std::string& file_name,
                       const std::vector<Assignment>& overrides = {});

// The scenario with further parameters set (one sweep point). The result's spec is
// validated exactly like a file; a value that is invalid at this point is an error
// naming the path and the value.
LoadResult with_assignments(const Scenario& base, const std::vector<Assignment>& assignments);

// Parses "path=value" from the command line; the value is read as a TOML value when it
// is one (0.9, 12, true, "4h") and as a bare string otherwise (4h, review).
std::optional<Assignment> parse_assignment(std::string_view text, std::string& error);

// Every key the loader accepts, as documented in docs/scenarios.md.
struct KeyInfo {
  std::string path;  // "<component>.reliability" style for component keys
  std::string type;  // "probability", "duration", "rate", "integer", ...
  std::string default_value;
  std::string meaning;
};
const std::vector<KeyInfo>& known_keys();

}  // namespace stsim::scenario
