#include "sim/output/tidy_table.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "sim/output/summary.h"

namespace stsim::output {

namespace {

constexpr const char* estimate_datasets[] = {"n", "mean", "stderr", "ci_low", "ci_high"};
// Present for proportions and rates only; empty cells elsewhere.
constexpr const char* pooled_datasets[] = {"count", "exposure", "upper_bound"};

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

  // The point's own columns: index, label and one column per swept dimension.
  // Every dataset is checked for its shape before it is read: one row per point.
  const auto points = file.attribute_integer("/", "points");
  std::vector<std::string> point_columns = {"point", "point_label"};
  std::vector<std::vector<Cell>> point_values(points);
  file.require_shape("/design/point_label", {points});
  const auto labels = file.strings("/design/point_label");
  for (std::uint64_t p = 0; p < points; ++p) point_values[p] = {Cell{p}, Cell{labels[p]}};
  if (file.exists("/design/columns")) {
    auto names = file.children("/design/columns");
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    for (const auto& d : names) {
      const std::string dataset = "/design/columns/" + d;
      point_columns.push_back(file.attribute_string(dataset, "path"));
      file.require_shape(dataset, {points});
      auto values = cells(file, dataset);
      for (std::uint64_t p = 0; p < points; ++p) point_values[p].push_back(std::move(values[p]));
    }
  }

  struct Block {
    std::string group, metric, measure;
    std::vector<Axis> axes;
  };
  std::vector<Block> blocks;
  std::vector<std::string> extra_keys;  // axes other than the point, in order of appearance
  bool measures = false;
  for (const auto& g : groups) {
    for (const auto& m : g.metrics) {
      const auto metric = metric_part(m);
      if (!wanted.empty() && wanted.count(metric) == 0) continue;
      const std::string measure = metric.size() < m.size() ? m.substr(metric.size() + 1) : "";
      measures = measures || !measure.empty();
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

  TidyTable table;
  table.columns = point_columns;
  table.columns.insert(table.columns.end(), {"group", "metric"});
  if (measures) table.columns.emplace_back("measure");
  table.columns.insert(table.columns.end(), extra_keys.begin(), extra_keys.end());
  table.columns.insert(table.columns.end(), {"kind", "unit", "n", "estimate", "stderr", "ci_low",
                                             "ci_high", "count", "exposure", "upper_bound"});
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
    std::vector<std::vector<Cell>> values;
    for (const char* name : estimate_datasets) {
      file.require_shape(g + "/" + name, shape);
      values.push_back(cells(file, g + "/" + name));
    }
    for (const char* name : pooled_datasets) {
      if (!file.exists(g + "/" + name)) {
        values.emplace_back();
        continue;
      }
      file.require_shape(g + "/" + name, shape);
      values.push_back(cells(file, g + "/" + name));
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
      std::vector<Cell> row =
          point_axis ? point_values[index[*point_axis]] : std::vector<Cell>(point_columns.size());
      row.emplace_back(block.group);
      row.emplace_back(block.metric);
      if (measures) row.push_back(block.measure.empty() ? Cell{} : Cell{block.measure});
      for (const auto& key : extra_keys) {
        Cell cell;
        for (std::size_t a = 0; a < block.axes.size(); ++a) {
          if (block.axes[a].name == key) cell = block.axes[a].keys[index[a]];
        }
        row.push_back(std::move(cell));
      }
      row.push_back(kind);
      row.push_back(unit);
      for (const auto& column : values) row.push_back(column.empty() ? Cell{} : column[flat]);
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
