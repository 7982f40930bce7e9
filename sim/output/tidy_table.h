#pragma once
// A result file as one tidy table: one row per (statistics group, point, metric, and any
// further axis of the group), with the point's swept parameters as typed columns. This
// is what `stsim export` prints and what analysis-scripts' load(path).to_dataframe()
// gives (docs/output.md, "Tidy table").
//
// A statistics group is any group at the root whose subgroups (one per metric) hold
// `n`, `mean`, `stderr`, `ci_low` and `ci_high`: /results and /paired today, and a group
// added later in the same shape is exported as it is. Its axes come from the datasets'
// dimension scales: the point axis gives the point's columns (empty without one), and
// every other axis (a component, a swept dimension...) becomes a key column named after
// its scale, holding the scale's values.
//
// A metric's group may instead hold one such group per measure (/importance/<metric>/
// <measure>): its rows then carry the measure in a column of its own, `measure`.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "sim/output/hdf5_file.h"

namespace stsim::output {

// A missing value (NaN, or a column a row has no value for), an integer, a number or text.
using Cell = std::variant<std::monostate, std::uint64_t, double, std::string>;

struct TidyTable {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // each as long as `columns`
};

// The statistics groups of a file and the metrics in each, in export order.
struct StatisticsGroup {
  std::string name;                  // "results", "paired", ...
  std::vector<std::string> metrics;  // in name order; "metric/measure" one level deeper
};
std::vector<StatisticsGroup> statistics_groups(const ResultFile& file);

// Every row of every statistics group, or only those of `metrics` (names as in the
// file) when it is not empty. Throws FileError naming an unknown metric, with the
// closest known name.
TidyTable tidy_table(const ResultFile& file, const std::vector<std::string>& metrics = {});

// The arrays of a file that the statistics table does not hold, in long form: one row
// per element of each dataset (attribution counts, time series, first harms, runtime,
// rare-event diagnostics, coordinates such as component labels), with the point's
// columns, `group` (the root group), `dataset` (its path below the group), one key
// column per further axis, named by its dimension scale, and `value`. /scenario and
// /design are the point columns; /acceptance and /worst_case are rows of tidy_table().
// `groups` (root group names) keeps only those; an unknown one is a FileError naming
// the groups the file has.
TidyTable array_table(const ResultFile& file, const std::vector<std::string>& groups = {});

// CSV with a header row and RFC 4180 quoting (lines end in \n): numbers in shortest round-trip form
// (they read back exactly), missing values empty, infinities as inf and -inf.
std::string to_csv(const TidyTable& table);
// A JSON array of one object per row: numbers as numbers, missing values null,
// infinities as the strings "inf" and "-inf" (JSON has no infinity).
std::string to_json(const TidyTable& table);

}  // namespace stsim::output
