#include "sim/output/tidy_table.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "sim/output/summary.h"
#include "sim/scenario/suggest.h"

namespace stsim::output {

namespace {

constexpr const char* estimate_datasets[] = {"n", "mean", "stderr", "ci_low", "ci_high"};
// Present for some statistics only (proportions and rates, one-sided bounds); empty
// cells elsewhere.
constexpr const char* optional_datasets[] = {"count", "exposure", "upper_bound", "lower_bound"};
// The columns of the records that are not statistics groups (/uncertainty's spreads,
// /acceptance, /worst_case), present when some row has them: keys, then values.
constexpr const char* record_keys[] = {"search", "evaluation"};
constexpr const char* record_values[] = {
    "search_label", "searched_value", "bracket_low",        "bracket_high",      "target",
    "confidence",   "verdict",        "failure_free_tasks", "failure_free_hours"};

// A row of the table by column name, before the columns are known; `point` gives the
// point's own columns.
struct Row {
  std::optional<std::uint64_t> point;
  std::vector<std::pair<std::string, Cell>> cells;
};

// A whole dataset as cells, in row-major order.
std::vector<Cell> cells(const ResultFile& file, const std::string& dataset) {
  std::vector<Cell> out;
  switch (file.data_type(dataset)) {
    case ResultFile::DataType::integer:
      for (auto v : file.integers(dataset)) out.emplace_back(v);
      break;
    case ResultFile::DataType::floating:
      for (double v : file.doubles(dataset)) {
        out.push_back(std::isnan(v) ? Cell{} : Cell{v});
      }
      break;
    case ResultFile::DataType::text:
      for (auto& v : file.strings(dataset)) out.emplace_back(std::move(v));
      break;
    case ResultFile::DataType::other:
      throw FileError(file.path() + ": " + dataset + " holds neither numbers nor text");
  }
  return out;
}

bool is_statistic(const ResultFile& file, const std::string& group) {
  if (!file.is_group(group)) return false;
  return std::all_of(std::begin(estimate_datasets), std::end(estimate_datasets),
                     [&](const char* name) { return file.exists(group + "/" + name); });
}

// One axis of a statistics group: its name and the key value of each index along it.
struct Axis {
  std::string name;
  std::vector<Cell> keys;
};

// The axes of a metric's datasets from their dimension scales. Files of formats 1 and 2
// have none: their statistics are one value per point.
std::vector<Axis> axes_of(const ResultFile& file, const std::string& dataset) {
  const auto shape = file.shape(dataset);
  auto names = file.dimensions(dataset);
  std::vector<Axis> axes;
  for (std::size_t a = 0; a < shape.size(); ++a) {
    Axis axis;
    axis.name =
        names[a].empty() ? (a == 0 ? std::string("point") : fmt::format("axis{}", a)) : names[a];
    const std::string scale = "/" + axis.name;
    if (axis.name != "point" && file.exists(scale) && file.shape(scale).size() == 1 &&
        file.shape(scale)[0] == shape[a]) {
      axis.keys = cells(file, scale);
    } else {
      for (std::uint64_t i = 0; i < shape[a]; ++i) axis.keys.emplace_back(i);
    }
    axes.push_back(std::move(axis));
  }
  return axes;
}

std::string number_text(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);
}

std::string csv_field(const Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return "";
  if (const auto* i = std::get_if<std::uint64_t>(&cell)) return fmt::format("{}", *i);
  if (const auto* d = std::get_if<double>(&cell)) return number_text(*d);
  const auto& text = std::get<std::string>(cell);
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string json_value(const Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return "null";
  if (const auto* i = std::get_if<std::uint64_t>(&cell)) return fmt::format("{}", *i);
  if (const auto* d = std::get_if<double>(&cell)) {
    return std::isinf(*d) ? json_string(number_text(*d)) : number_text(*d);
  }
  return json_string(std::get<std::string>(cell));
}

// The metric of a statistic's name: "harm_rate" of "harm_rate/birnbaum".
std::string metric_part(const std::string& name) { return name.substr(0, name.find('/')); }

bool wanted_metric(const std::set<std::string>& wanted, const std::string& metric) {
  return wanted.empty() || wanted.count(metric) > 0;
}

Cell text_attribute(const ResultFile& file, const std::string& object, const char* name) {
  return file.has_attribute(object, name) ? Cell{file.attribute_string(object, name)} : Cell{};
}

// The point's own columns: index, label and one column per swept dimension, each
// checked for one row per point.
struct PointColumns {
  std::vector<std::string> names;
  std::vector<std::vector<Cell>> values;  // per point, as long as `names`
};

PointColumns point_columns_of(const ResultFile& file, std::uint64_t points) {
  PointColumns out{{"point", "point_label"}, std::vector<std::vector<Cell>>(points)};
  file.require_shape("/design/point_label", {points});
  const auto labels = file.strings("/design/point_label");
  for (std::uint64_t p = 0; p < points; ++p) out.values[p] = {Cell{p}, Cell{labels[p]}};
  if (!file.exists("/design/columns")) return out;
  auto names = file.children("/design/columns");
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  for (const auto& d : names) {
    const std::string dataset = "/design/columns/" + d;
    out.names.push_back(file.attribute_string(dataset, "path"));
    file.require_shape(dataset, {points});
    auto values = cells(file, dataset);
    for (std::uint64_t p = 0; p < points; ++p) out.values[p].push_back(std::move(values[p]));
  }
  return out;
}

// The datasets below `group` (depth first, in name order) with their paths.
void datasets_below(const ResultFile& file, const std::string& group,
                    std::vector<std::string>& out) {
  for (const auto& child : file.children(group)) {
    const std::string path = group + "/" + child;
    if (file.is_group(path)) {
      datasets_below(file, path, out);
    } else {
      out.push_back(path);
    }
  }
}

// Whether the statistics table (tidy_table) already holds the dataset: an estimate of a
// statistics group, or a spread of /uncertainty.
bool in_statistics_table(const ResultFile& file, const std::string& dataset) {
  const auto slash = dataset.rfind('/');
  const std::string parent = dataset.substr(0, slash);
  const std::string name = dataset.substr(slash + 1);
  auto among = [&](const auto& list) {
    return std::any_of(std::begin(list), std::end(list), [&](const char* n) { return name == n; });
  };
  if (is_statistic(file, parent) && (among(estimate_datasets) || among(optional_datasets)))
    return true;
  constexpr const char* spreads[] = {"outer_sd", "parameter_sd", "inner_stderr"};
  return dataset.rfind("/uncertainty/", 0) == 0 && among(spreads);
}

// /uncertainty/<metric>/{outer_sd, parameter_sd, inner_stderr}: one row each, the scalar
// in `estimate`, the spread's name in `measure`.
void add_uncertainty_spreads(const ResultFile& file, const std::set<std::string>& wanted,
                             std::vector<Row>& rows) {
  if (!file.is_group("/uncertainty")) return;
  for (const auto& metric : file.children("/uncertainty")) {
    const std::string g = "/uncertainty/" + metric;
    if (!file.is_group(g) || !wanted_metric(wanted, metric)) continue;
    for (const char* spread : {"outer_sd", "parameter_sd", "inner_stderr"}) {
      const std::string dataset = g + "/" + spread;
      if (!file.exists(dataset)) continue;
      file.require_shape(dataset, {});
      rows.push_back({std::nullopt,
                      {{"group", std::string("uncertainty")},
                       {"metric", metric},
                       {"measure", std::string(spread)},
                       {"unit", text_attribute(file, g, "unit")},
                       {"estimate", cells(file, dataset).front()}}});
    }
  }
}

// /acceptance: one row per point, the verdict of "the metric is below its target".
void add_acceptance(const ResultFile& file, std::uint64_t points,
                    const std::set<std::string>& wanted, std::vector<Row>& rows) {
  if (!file.is_group("/acceptance")) return;
  const auto metric = file.attribute_string("/acceptance", "metric");
  if (!wanted_metric(wanted, metric)) return;
  std::vector<std::pair<std::string, std::vector<Cell>>> values;
  for (const char* name : {"target", "confidence", "lower_bound", "upper_bound", "verdict",
                           "failure_free_tasks", "failure_free_hours"}) {
    const std::string dataset = std::string("/acceptance/") + name;
    file.require_shape(dataset, {points});
    values.emplace_back(name, cells(file, dataset));
  }
  for (std::uint64_t p = 0; p < points; ++p) {
    Row row{p, {{"group", std::string("acceptance")}, {"metric", metric}}};
    for (const auto& [name, column] : values) row.cells.emplace_back(name, column[p]);
    rows.push_back(std::move(row));
  }
}

// /worst_case: per search, every metric at the arg-min (measure "at_argmin"; the searched
// metric's row holds the minimum), then every evaluation of the search (measure
// "evaluation"). The point columns are those of the search's first point.
void add_worst_case(const ResultFile& file, std::uint64_t points,
                    const std::set<std::string>& wanted, std::vector<Row>& rows) {
  const std::string g = "/worst_case";
  if (!file.is_group(g)) return;
  const auto searches = file.shape(g + "/argmin").at(0);
  auto per_search = [&](const std::string& name) {
    file.require_shape(g + "/" + name, {searches});
    return cells(file, g + "/" + name);
  };
  file.require_shape(g + "/point", {searches});
  const auto first_points = file.integers(g + "/point");
  for (auto p : first_points) {
    if (p >= points)
      throw FileError(file.path() + ": damaged: /worst_case/point is past the points");
  }
  const auto labels = per_search("label");
  const auto argmin = per_search("argmin");
  const auto bracket_low = per_search("bracket_low");
  const auto bracket_high = per_search("bracket_high");
  const Cell n{file.attribute_integer(g, "replications")};
  for (std::uint64_t s = 0; s < searches; ++s) {
    for (const auto& metric : file.children(g + "/at_argmin")) {
      if (!wanted_metric(wanted, metric)) continue;
      const std::string m = g + "/at_argmin/" + metric;
      Row row{first_points[s],
              {{"group", std::string("worst_case")},
               {"metric", metric},
               {"measure", std::string("at_argmin")},
               {"search", Cell{s}},
               {"kind", text_attribute(file, "/results/" + metric, "kind")},
               {"unit", text_attribute(file, "/results/" + metric, "unit")},
               {"n", n}}};
      for (const char* name : {"mean", "stderr", "ci_low", "ci_high"}) {
        file.require_shape(m + "/" + name, {searches});
        row.cells.emplace_back(name == std::string("mean") ? "estimate" : name,
                               cells(file, m + "/" + name)[s]);
      }
      row.cells.insert(row.cells.end(), {{"search_label", labels[s]},
                                         {"searched_value", argmin[s]},
                                         {"bracket_low", bracket_low[s]},
                                         {"bracket_high", bracket_high[s]}});
      rows.push_back(std::move(row));
    }
  }
  const auto metric = file.attribute_string(g, "metric");
  if (!wanted_metric(wanted, metric)) return;
  const std::string e = g + "/evaluations";
  const auto evaluations = file.shape(e + "/search").at(0);
  std::vector<std::vector<Cell>> values;
  for (const char* name : {"value", "mean", "stderr"}) {
    file.require_shape(e + "/" + name, {evaluations});
    values.push_back(cells(file, e + "/" + name));
  }
  const auto evaluation_search = file.integers(e + "/search");
  for (std::uint64_t i = 0; i < evaluations; ++i) {
    const auto s = evaluation_search[i];
    if (s >= searches)
      throw FileError(file.path() +
                      ": damaged: /worst_case/evaluations/search is past the searches");
    rows.push_back({first_points[s],
                    {{"group", std::string("worst_case")},
                     {"metric", metric},
                     {"measure", std::string("evaluation")},
                     {"search", Cell{s}},
                     {"evaluation", Cell{i}},
                     {"kind", text_attribute(file, "/results/" + metric, "kind")},
                     {"unit", text_attribute(file, "/results/" + metric, "unit")},
                     {"n", n},
                     {"estimate", values[1][i]},
                     {"stderr", values[2][i]},
                     {"search_label", labels[s]},
                     {"searched_value", values[0][i]}}});
  }
}
}  // namespace

std::vector<StatisticsGroup> statistics_groups(const ResultFile& file) {
  std::vector<StatisticsGroup> groups;
  for (const auto& name : file.children("/")) {
    if (!file.is_group("/" + name)) continue;
    StatisticsGroup group{name, {}};
    for (const auto& metric : file.children("/" + name)) {
      const std::string path = "/" + name + "/" + metric;
      if (is_statistic(file, path)) {
        group.metrics.push_back(metric);
      } else if (file.is_group(path)) {
        // One level deeper: a metric's measures (/importance/<metric>/<measure>).
        for (const auto& measure : file.children(path)) {
          if (is_statistic(file, path + "/" + measure))
            group.metrics.push_back(metric + "/" + measure);
        }
      }
    }
    if (!group.metrics.empty()) groups.push_back(std::move(group));
  }
  // The estimates first, then what is derived from them (paired differences, ...).
  std::stable_partition(groups.begin(), groups.end(),
                        [](const StatisticsGroup& g) { return g.name == "results"; });
  return groups;
}

TidyTable tidy_table(const ResultFile& file, const std::vector<std::string>& metrics) {
  const auto groups = statistics_groups(file);
  std::vector<std::string> known;
  for (const auto& g : groups) {
    for (const auto& m : g.metrics) {
      const auto metric = metric_part(m);
      if (std::find(known.begin(), known.end(), metric) == known.end()) known.push_back(metric);
    }
  }
  for (const auto& m : metrics) {
    if (std::find(known.begin(), known.end(), m) == known.end())
      throw unknown_metric(file, m, known);
  }
  const std::set<std::string> wanted(metrics.begin(), metrics.end());

  const auto points = file.attribute_integer("/", "points");
  const auto point_columns = point_columns_of(file, points);
  struct Block {
    std::string group, metric, measure;
    std::vector<Axis> axes;
  };
  std::vector<Block> blocks;
  std::vector<std::string> extra_keys;  // axes other than the point, in order of appearance
  for (const auto& g : groups) {
    for (const auto& m : g.metrics) {
      const auto metric = metric_part(m);
      if (!wanted.empty() && wanted.count(metric) == 0) continue;
      const std::string measure = metric.size() < m.size() ? m.substr(metric.size() + 1) : "";
      Block block{g.name, metric, measure, axes_of(file, "/" + g.name + "/" + m + "/mean")};
      for (std::size_t a = 0; a < block.axes.size(); ++a) {
        if (block.axes[a].name == "point") continue;
        if (std::find(extra_keys.begin(), extra_keys.end(), block.axes[a].name) ==
            extra_keys.end()) {
          extra_keys.push_back(block.axes[a].name);
        }
      }
      blocks.push_back(std::move(block));
    }
  }

  // Rows are assembled by column name, so that the records below can add columns of
  // their own; the table then has every column some row uses, in a fixed order.
  std::vector<Row> rows;
  for (const auto& block : blocks) {
    const std::string g =
        "/" + block.group + "/" + block.metric + (block.measure.empty() ? "" : "/" + block.measure);
    std::vector<std::uint64_t> shape;
    std::optional<std::size_t> point_axis;
    for (std::size_t a = 0; a < block.axes.size(); ++a) {
      shape.push_back(block.axes[a].keys.size());
      if (block.axes[a].name == "point") point_axis = a;
    }
    if (point_axis && shape[*point_axis] != points) {
      throw FileError(
          fmt::format("{}: damaged: {}/mean does not have one row per point", file.path(), g));
    }
    std::vector<std::pair<std::string, std::vector<Cell>>> values;
    for (const char* name : estimate_datasets) {
      file.require_shape(g + "/" + name, shape);
      values.emplace_back(name == std::string("mean") ? "estimate" : name,
                          cells(file, g + "/" + name));
    }
    for (const char* name : optional_datasets) {
      if (!file.exists(g + "/" + name)) continue;
      file.require_shape(g + "/" + name, shape);
      values.emplace_back(name, cells(file, g + "/" + name));
    }
    const Cell kind =
        file.has_attribute(g, "kind") ? Cell{file.attribute_string(g, "kind")} : Cell{};
    const Cell unit =
        file.has_attribute(g, "unit") ? Cell{file.attribute_string(g, "unit")} : Cell{};
    // Row-major over the axes: the point axis outermost, as the datasets are stored.
    std::size_t size = 1;
    for (const auto& axis : block.axes) size *= axis.keys.size();
    for (std::size_t flat = 0; flat < size; ++flat) {
      std::vector<std::size_t> index(block.axes.size());
      std::size_t rest = flat;
      for (std::size_t a = block.axes.size(); a-- > 0;) {
        index[a] = rest % block.axes[a].keys.size();
        rest /= block.axes[a].keys.size();
      }
      Row row;
      if (point_axis) row.point = index[*point_axis];
      row.cells = {
          {"group", block.group}, {"metric", block.metric}, {"kind", kind}, {"unit", unit}};
      if (!block.measure.empty()) row.cells.emplace_back("measure", block.measure);
      for (std::size_t a = 0; a < block.axes.size(); ++a) {
        if (a != point_axis)
          row.cells.emplace_back(block.axes[a].name, block.axes[a].keys[index[a]]);
      }
      for (const auto& [name, column] : values) row.cells.emplace_back(name, column[flat]);
      rows.push_back(std::move(row));
    }
  }
  add_uncertainty_spreads(file, wanted, rows);
  add_acceptance(file, points, wanted, rows);
  add_worst_case(file, points, wanted, rows);

  TidyTable table;
  table.columns = point_columns.names;
  std::set<std::string> used;
  for (const auto& row : rows) {
    for (const auto& [name, cell] : row.cells) used.insert(name);
  }
  auto add_column = [&](const std::string& name) {
    if (std::find(table.columns.begin(), table.columns.end(), name) == table.columns.end())
      table.columns.push_back(name);
  };
  add_column("group");
  add_column("metric");
  if (used.count("measure")) add_column("measure");
  for (const auto& key : extra_keys) add_column(key);
  for (const auto& key : record_keys) {
    if (used.count(key)) add_column(key);
  }
  for (const auto* name : {"kind", "unit", "n", "estimate", "stderr", "ci_low", "ci_high"})
    add_column(name);
  for (const auto* name : optional_datasets) add_column(name);
  for (const auto& name : record_values) {
    if (used.count(name)) add_column(name);
  }
  for (auto& row : rows) {
    std::vector<Cell> out = row.point ? point_columns.values[*row.point]
                                      : std::vector<Cell>(point_columns.names.size());
    out.resize(table.columns.size());
    for (auto& [name, cell] : row.cells) {
      const auto at = std::find(table.columns.begin(), table.columns.end(), name);
      out[static_cast<std::size_t>(at - table.columns.begin())] = std::move(cell);
    }
    table.rows.push_back(std::move(out));
  }
  return table;
}

TidyTable array_table(const ResultFile& file, const std::vector<std::string>& groups) {
  const auto points = file.attribute_integer("/", "points");
  const auto point_columns = point_columns_of(file, points);
  // The point columns stand for /scenario and /design; /acceptance and /worst_case are
  // records of the statistics table.
  const std::set<std::string> elsewhere = {"scenario", "design", "acceptance", "worst_case"};
  struct Array {
    std::string group, dataset;
    std::vector<Axis> axes;
    std::optional<std::size_t> point_axis;
  };
  std::vector<Array> arrays;
  std::vector<std::string> known;
  for (const auto& group : file.children("/")) {
    if (!file.is_group("/" + group) || elsewhere.count(group)) continue;
    std::vector<std::string> paths;
    datasets_below(file, "/" + group, paths);
    for (const auto& path : paths) {
      if (in_statistics_table(file, path)) continue;
      Array array{group, path.substr(group.size() + 2), {}, std::nullopt};
      const auto shape = file.shape(path);
      const auto names = file.dimensions(path);
      std::optional<std::vector<Axis>> scales;  // read once, when a non-point axis needs them
      for (std::size_t a = 0; a < shape.size(); ++a) {
        // Files of formats 1 and 2 have no scales: there a first axis as long as the
        // points is the point axis.
        const bool per_point =
            names[a] == "point" || (names[a].empty() && a == 0 && shape[0] == points);
        if (per_point) {
          if (shape[a] != points)
            throw FileError(
                fmt::format("{}: damaged: {} does not have one row per point", file.path(), path));
          array.point_axis = a;
          array.axes.push_back({"point", {}});
          for (std::uint64_t p = 0; p < points; ++p) array.axes.back().keys.emplace_back(p);
        } else {
          if (!scales) scales = axes_of(file, path);
          array.axes.push_back(std::move((*scales)[a]));
          if (names[a].empty()) array.axes.back().name = fmt::format("index{}", a);
        }
      }
      if (std::find(known.begin(), known.end(), group) == known.end()) known.push_back(group);
      arrays.push_back(std::move(array));
    }
  }
  for (const auto& g : groups) {
    if (std::find(known.begin(), known.end(), g) != known.end()) continue;
    const std::string near = scenario::closest(g, known);
    std::string all;
    for (const auto& k : known) {
      if (!all.empty()) all += ", ";
      all += k;
    }
    throw FileError(
        fmt::format("{}: the file has no array group '{}'{}; its groups of arrays: {}", file.path(),
                    g, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near), all));
  }

  TidyTable table;
  table.columns = point_columns.names;
  table.columns.insert(table.columns.end(), {"group", "dataset"});
  for (const auto& array : arrays) {
    for (const auto& axis : array.axes) {
      if (axis.name != "point" &&
          std::find(table.columns.begin(), table.columns.end(), axis.name) == table.columns.end())
        table.columns.push_back(axis.name);
    }
  }
  table.columns.push_back("value");
  auto column_of = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(table.columns.begin(), table.columns.end(), name) -
                                    table.columns.begin());
  };
  for (const auto& array : arrays) {
    if (!groups.empty() && std::find(groups.begin(), groups.end(), array.group) == groups.end())
      continue;
    auto values = cells(file, "/" + array.group + "/" + array.dataset);
    for (std::size_t flat = 0; flat < values.size(); ++flat) {
      std::vector<std::size_t> index(array.axes.size());
      std::size_t rest = flat;
      for (std::size_t a = array.axes.size(); a-- > 0;) {
        index[a] = rest % array.axes[a].keys.size();
        rest /= array.axes[a].keys.size();
      }
      std::vector<Cell> row = array.point_axis ? point_columns.values[index[*array.point_axis]]
                                               : std::vector<Cell>(point_columns.names.size());
      row.resize(table.columns.size());
      row[column_of("group")] = array.group;
      row[column_of("dataset")] = array.dataset;
      for (std::size_t a = 0; a < array.axes.size(); ++a) {
        if (a != array.point_axis)
          row[column_of(array.axes[a].name)] = array.axes[a].keys[index[a]];
      }
      row.back() = std::move(values[flat]);
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

std::string to_csv(const TidyTable& table) {
  std::string out;
  auto line = [&out](const auto& fields, auto text_of) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += text_of(fields[i]);
    }
    out += '\n';
  };
  line(table.columns, [](const std::string& name) { return csv_field(Cell{name}); });
  for (const auto& row : table.rows) line(row, csv_field);
  return out;
}

std::string to_json(const TidyTable& table) {
  std::string out = "[";
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    out += r == 0 ? "\n  {" : ",\n  {";
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) out += ", ";
      out += json_string(table.columns[c]) + ": " + json_value(table.rows[r][c]);
    }
    out += "}";
  }
  return out + (table.rows.empty() ? "]\n" : "\n]\n");
}

}  // namespace stsim::output
