#include "sim/output/hdf5_file.h"

#include <fmt/core.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "sim/model/latent_measure.h"
#include "sim/model/queue_measure.h"
#include "sim/output/plain_file.h"
#include "sim/runner/checksum.h"
#include "sim/stats/quantile_sketch.h"
#include "sim/version.h"

namespace stsim::output {

namespace {

// Result files start with a user block, which HDF5 skips: a text header with a CRC-64 of
// the rest of the file, checked before HDF5 reads any of it (HDF5 itself can crash on a
// damaged file, e.g. through a corrupted global heap of strings).
constexpr std::size_t user_block_size = 512;
constexpr std::string_view checksum_magic = "stsim-results checksum";

// The user block: the header's text, then zeros to its end.
std::string checksum_header(std::uint64_t crc, std::uint64_t image_size) {
  std::string header =
      fmt::format("{}\ncrc64 {:016x}\nbytes {}\n", checksum_magic, crc, image_size);
  header.resize(user_block_size, '\0');
  return header;
}

// Owns one HDF5 identifier and closes it with the matching function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer, const std::string& what) : id_(id), closer_(closer) {
    if (id_ < 0) throw FileError("HDF5: cannot " + what);
  }
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), closer_(o.closer_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, -1);
      closer_ = o.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  // Closes now and reports failure (a close flushes data, so its failure is an I/O error).
  void close(const std::string& what) {
    const hid_t id = std::exchange(id_, -1);
    if (id >= 0 && closer_(id) < 0) throw FileError("HDF5: cannot " + what);
  }

 private:
  void reset() {
    if (id_ >= 0) closer_(id_);
    id_ = -1;
  }
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw FileError("HDF5: cannot " + what);
}

// HDF5 prints its error stack by default; stsim reports errors itself.
void silence_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Handle string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "create a string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "size a string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "set UTF-8");
  return type;
}

Handle dataspace(const std::vector<hsize_t>& dims) {
  if (dims.empty()) return Handle(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar dataspace");
  return Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                "create a dataspace");
}

template <typename T>
hid_t native_type();
template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
hid_t native_type<std::uint32_t>() {
  return H5T_NATIVE_UINT32;
}
template <>
hid_t native_type<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}

// Builds the file in memory (HDF5's core driver, no backing store), so that HDF5 never
// writes to the disk itself: a full disk is then a failed write() of our own, reported
// cleanly, rather than a flush failing inside HDF5 and crashing its exit handler.
class Writer {
 public:
  Writer() {
    Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
    check(H5Pset_fapl_core(access.get(), 1 << 20, 0), "use the in-memory file driver");
    Handle creation(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create file creation properties");
    check(H5Pset_userblock(creation.get(), user_block_size), "reserve the user block");
    file_ = Handle(H5Fcreate("stsim-results.h5", H5F_ACC_TRUNC, creation.get(), access.get()),
                   H5Fclose, "create the file in memory");
  }

  // The finished file: the user block (header with the checksum) and HDF5's image after it.
  std::vector<std::uint8_t> finish() {
    check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush the file");
    const auto size = H5Fget_file_image(file_.get(), nullptr, 0);
    if (size < 0) throw FileError("HDF5: cannot take the file's image");
    std::vector<std::uint8_t> bytes(user_block_size + static_cast<std::size_t>(size));
    if (H5Fget_file_image(file_.get(), bytes.data() + user_block_size,
                          static_cast<std::size_t>(size)) != size) {
      throw FileError("HDF5: cannot take the file's image");
    }
    file_.close("close the file");
    const auto image = std::span<const std::uint8_t>(bytes).subspan(user_block_size);
    const std::string header = checksum_header(runner::checksum(image), image.size());
    std::memcpy(bytes.data(), header.data(), header.size());
    return bytes;
  }

  void group(const std::string& name) {
    Handle(H5Gcreate2(file_.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
           "create group " + name);
  }

  // Numeric column (or matrix) datasets: chunked and deflated beyond a trivial size.
  // `axes` names the dimension scale of each axis (see scale()), e.g. {"/point"}.
  template <typename T>
  void numbers(const std::string& name, const std::vector<T>& data,
               const std::vector<std::string>& axes, std::vector<hsize_t> dims = {}) {
    if (dims.empty()) dims = {data.size()};
    Handle space = dataspace(dims);
    Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset properties");
    if (data.size() >= compress_from) {
      std::vector<hsize_t> chunk = dims;
      const hsize_t row = dims.size() > 1 ? dims[1] : 1;
      chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(dims[0], 16384 / row));
      check(H5Pset_chunk(properties.get(), static_cast<int>(chunk.size()), chunk.data()),
            "chunk " + name);
      check(H5Pset_deflate(properties.get(), 4), "compress " + name);
    }
    Handle set(H5Dcreate2(file_.get(), name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                          properties.get(), H5P_DEFAULT),
               H5Dclose, "create dataset " + name);
    if (!data.empty()) {
      check(H5Dwrite(set.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()),
            "write " + name);
    }
    attach(set, name, axes);
  }

  template <typename T>
  void scalar(const std::string& name, T value) {
    Handle space = dataspace({});
    Handle set(H5Dcreate2(file_.get(), name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT),
               H5Dclose, "create dataset " + name);
    check(H5Dwrite(set.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &value),
          "write " + name);
  }

  // A string column attached to `axes` (none for a dimension scale itself), or a scalar.
  void strings(const std::string& name, const std::vector<std::string>& values,
               const std::vector<std::string>& axes, bool scalar = false) {
    Handle type = string_type();
    Handle space = dataspace(scalar ? std::vector<hsize_t>{} : std::vector<hsize_t>{values.size()});
    Handle set(H5Dcreate2(file_.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT),
               H5Dclose, "create dataset " + name);
    const auto pointers = c_strings(values);
    if (!pointers.empty()) {
      check(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
            "write " + name);
    }
    attach(set, name, axes);
  }

  // Makes an existing 1-D dataset a dimension scale: the axis that datasets attached to
  // it run along, named after the dataset's own name (netCDF-4 and xarray read it so).
  void scale(const std::string& name) {
    Handle set(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
    check(H5DSset_scale(set.get(), name.substr(name.rfind('/') + 1).c_str()),
          "make " + name + " a dimension scale");
  }

  void attribute(const std::string& object, const std::string& name, const std::string& value) {
    attribute_strings(object, name, {value}, true);
  }
  void attribute_strings(const std::string& object, const std::string& name,
                         const std::vector<std::string>& values, bool scalar = false) {
    Handle type = string_type();
    Handle space = dataspace(scalar ? std::vector<hsize_t>{} : std::vector<hsize_t>{values.size()});
    Handle attr(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), type.get(),
                                  space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose, "create attribute " + object + " " + name);
    const auto pointers = c_strings(values);
    check(H5Awrite(attr.get(), type.get(), pointers.data()), "write attribute " + name);
  }
  template <typename T>
  void attribute(const std::string& object, const std::string& name, T value) {
    attribute_array(object, name, std::vector<T>{value}, true);
  }
  template <typename T>
  void attribute_array(const std::string& object, const std::string& name,
                       const std::vector<T>& values, bool scalar = false) {
    Handle space = dataspace(scalar ? std::vector<hsize_t>{} : std::vector<hsize_t>{values.size()});
    Handle attr(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), native_type<T>(),
                                  space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose, "create attribute " + object + " " + name);
    check(H5Awrite(attr.get(), native_type<T>(), values.data()), "write attribute " + name);
  }

 private:
  static constexpr std::size_t compress_from = 64;

  void attach(const Handle& set, const std::string& name, const std::vector<std::string>& axes) {
    for (std::size_t axis = 0; axis < axes.size(); ++axis) {
      Handle scale(H5Dopen2(file_.get(), axes[axis].c_str(), H5P_DEFAULT), H5Dclose,
                   "open dimension scale " + axes[axis]);
      check(H5DSattach_scale(set.get(), scale.get(), static_cast<unsigned>(axis)),
            "attach " + axes[axis] + " to " + name);
    }
  }

  static std::vector<const char*> c_strings(const std::vector<std::string>& values) {
    std::vector<const char*> pointers;
    for (const auto& v : values) pointers.push_back(v.c_str());
    return pointers;
  }

  Handle file_;
};

template <typename F>
std::vector<double> per_point_double(const runner::RunResult& r, F f) {
  std::vector<double> out;
  for (const auto& p : r.points) out.push_back(f(p));
  return out;
}
template <typename F>
std::vector<std::uint64_t> per_point_uint(const runner::RunResult& r, F f) {
  std::vector<std::uint64_t> out;
  for (const auto& p : r.points) out.push_back(f(p));
  return out;
}

const char* design_name(scenario::SweepDesign d) {
  switch (d) {
    case scenario::SweepDesign::none:
      return "none";
    case scenario::SweepDesign::grid:
      return "grid";
    case scenario::SweepDesign::zip:
      return "zip";
    case scenario::SweepDesign::latin_hypercube:
      return "latin_hypercube";
    case scenario::SweepDesign::sobol:
      return "sobol";
    case scenario::SweepDesign::saltelli:
      return "saltelli";
    case scenario::SweepDesign::morris:
      return "morris";
    case scenario::SweepDesign::uncertainty:
      return "uncertainty";
  }
  return "?";
}

// The dimension scales at the root: every per-point, per-component and per-bin dataset
// is attached to these, so netCDF-4 readers (xarray, h5netcdf) see named dimensions.
constexpr const char* point_axis = "/point";
constexpr const char* component_axis = "/component";
constexpr const char* time_bin_axis = "/time_bin";
constexpr const char* bin_edge_axis = "/bin_edge";
constexpr const char* origin_axis = "/origin";
constexpr const char* context_axis = "/context";
constexpr const char* override_axis = "/override";
constexpr const char* pool_axis = "/pool";
constexpr const char* reviewer_axis = "/reviewer";

// The most reviewers any individual pool has at any point (docs/output.md, /reviewers).
std::size_t reviewer_count(const runner::RunResult& r) {
  std::size_t most = 0;
  for (const auto& p : r.points)
    for (const auto& q : p.queues) most = std::max(most, q.reviewers.size());
  return most;
}

void write_statistics(Writer& w, const runner::RunResult& r, const std::string& root, bool paired) {
  w.group(root);
  const std::vector<std::string> along = {point_axis};
  for (const auto& m : runner::metric_table()) {
    const auto k = static_cast<std::size_t>(m.id);
    const std::string g = root + "/" + m.name;
    w.group(g);
    auto stat = [&](const runner::PointResult& p) -> const runner::Statistic& {
      return paired ? p.paired[k] : p.metrics[k];
    };
    w.numbers(g + "/n", per_point_uint(r, [&](const auto& p) { return stat(p).n; }), along);
    w.numbers(g + "/mean", per_point_double(r, [&](const auto& p) { return stat(p).mean; }), along);
    w.numbers(g + "/stderr",
              per_point_double(r, [&](const auto& p) { return stat(p).standard_error; }), along);
    w.numbers(g + "/ci_low", per_point_double(r, [&](const auto& p) { return stat(p).ci_low; }),
              along);
    w.numbers(g + "/ci_high", per_point_double(r, [&](const auto& p) { return stat(p).ci_high; }),
              along);
    if (paired) {
      w.attribute(g, "kind", std::string("mean"));
      w.attribute(g, "interval", std::string("student-t"));
      w.attribute(g, "unit", std::string(m.unit));
      w.attribute(
          g, "description",
          std::string("paired difference, point minus baseline, of per-replication ") + m.name);
      continue;
    }
    if (m.kind != runner::MetricKind::mean) {
      w.numbers(g + "/count", per_point_uint(r, [&](const auto& p) { return stat(p).count; }),
                along);
      w.numbers(g + "/exposure",
                per_point_double(r, [&](const auto& p) { return stat(p).exposure; }), along);
      w.numbers(g + "/upper_bound",
                per_point_double(r, [&](const auto& p) { return stat(p).upper_bound; }), along);
    }
    w.attribute(g, "kind", std::string(runner::to_string(m.kind)));
    w.attribute(g, "interval", std::string(runner::to_string(m.interval)));
    w.attribute(g, "unit", std::string(m.unit));
    w.attribute(g, "description", std::string(m.description));
    // A dataset, not an attribute: HDF5 caps an attribute at 64 kB, so a sweep of more
    // than 8,192 points could not be written.
    if (m.id == runner::MetricId::time_to_first_harm) {
      w.numbers(g + "/censored",
                per_point_uint(r, [](const auto& p) { return p.time_to_first_harm_censored; }),
                along);
    }
  }
}

// The diagnostics of importance sampling (docs/rare-events.md), when a point used it.
void write_rare_event(Writer& w, const runner::RunResult& r) {
  const bool any = std::any_of(r.points.begin(), r.points.end(),
                               [](const auto& p) { return p.importance_sampled; });
  if (!any) return;
  const std::vector<std::string> along = {point_axis};
  w.group("/rare_event");
  bool queue = false, latent = false;
  for (std::size_t p = 0; p < r.points.size() && p < r.plan.specs.size(); ++p) {
    queue = queue || (r.points[p].importance_sampled && model::finite_queue_pool(r.plan.specs[p]));
    latent =
        latent || (r.points[p].importance_sampled && model::common_test_interval(r.plan.specs[p]));
  }
  w.attribute("/rare_event", "method",
              std::string("importance sampling, balanced failure biasing") +
                  (queue ? ", and the change of measure of a finite queue" : "") +
                  (latent ? ", and the change of measure of latent failure times" : "") +
                  " (docs/rare-events.md)");
  w.numbers("/rare_event/importance_sampled",
            per_point_uint(r, [](const auto& p) -> std::uint64_t { return p.importance_sampled; }),
            along);
  for (const auto& m : runner::metric_table()) {
    if (!runner::weighed_of(m.id)) continue;
    const auto k = static_cast<std::size_t>(m.id);
    const std::string g = std::string("/rare_event/") + m.name;
    w.group(g);
    w.numbers(g + "/relative_error",
              per_point_double(r, [&](const auto& p) { return p.diagnostics[k].relative_error; }),
              along);
    w.numbers(
        g + "/effective_sample_size",
        per_point_double(r, [&](const auto& p) { return p.diagnostics[k].effective_sample_size; }),
        along);
    w.numbers(
        g + "/largest_weight_share",
        per_point_double(r, [&](const auto& p) { return p.diagnostics[k].largest_weight_share; }),
        along);
    w.numbers(g + "/variance_ratio",
              per_point_double(r, [&](const auto& p) { return p.diagnostics[k].variance_ratio; }),
              along);
  }
}

constexpr const char* layer_axis = "/layer";

const char* importance_description(model::ImportanceMeasure m) {
  switch (m) {
    case model::ImportanceMeasure::birnbaum:
      return "Birnbaum: rise of the metric per unit rise of the layer's miss probabilities, "
             "(nudged - as written) / step";
    case model::ImportanceMeasure::fussell_vesely:
      return "Fussell-Vesely: share of the metric removed by making the layer perfect, "
             "(as written - perfect) / as written";
    case model::ImportanceMeasure::raw:
      return "risk achievement worth: removed / as written";
    case model::ImportanceMeasure::rrw:
      return "risk reduction worth: as written / perfect";
  }
  return "";
}

// /importance/<metric>/<measure>: one row per layer (docs/output.md, "Importance").
void write_importance(Writer& w, const runner::ImportanceResult& im) {
  w.strings(layer_axis, im.components, {});
  w.scale(layer_axis);
  w.group("/importance");
  w.attribute("/importance", "reference", im.reference);
  w.attribute("/importance", "step", im.step);
  w.attribute("/importance", "replications", im.replications);
  w.attribute("/importance", "description",
              std::string("importance of each layer, from paired counterfactual points run with "
                          "common random numbers against the scenario as written"));
  const std::vector<std::string> along = {layer_axis};
  w.strings("/importance/layer_labels", im.labels, along);
  w.strings("/importance/layer_kinds", im.kinds, along);
  for (const auto& table : im.metrics) {
    const auto& m = runner::info(table.metric);
    const std::string g = std::string("/importance/") + m.name;
    w.group(g);
    w.attribute(g, "unit", std::string(m.unit));
    w.scalar(g + "/as_written", table.base);
    for (std::size_t c = 0; c < model::counterfactual_count; ++c) {
      w.numbers(g + "/" + std::string(model::to_string(static_cast<model::Counterfactual>(c))),
                table.values[c], along);
    }
    for (std::size_t k = 0; k < model::importance_measure_count; ++k) {
      const auto measure = static_cast<model::ImportanceMeasure>(k);
      const std::string d = g + "/" + std::string(model::to_string(measure));
      const auto& rows = table.measures[k];
      const auto column = [&](auto f) {
        std::vector<double> out;
        for (const auto& e : rows) out.push_back(f(e));
        return out;
      };
      w.group(d);
      w.numbers(d + "/n", std::vector<std::uint64_t>(rows.size(), im.replications), along);
      w.numbers(d + "/mean", column([](const auto& e) { return e.value; }), along);
      w.numbers(d + "/stderr", column([](const auto& e) { return e.standard_error; }), along);
      w.numbers(d + "/ci_low", column([](const auto& e) { return e.ci_low; }), along);
      w.numbers(d + "/ci_high", column([](const auto& e) { return e.ci_high; }), along);
      const bool slope = measure == model::ImportanceMeasure::birnbaum;
      w.attribute(d, "kind", std::string(slope ? "paired difference" : "paired ratio"));
      w.attribute(d, "interval", std::string(slope ? "student-t" : "fieller"));
      w.attribute(d, "unit", std::string(slope ? m.unit : ""));
      w.attribute(d, "description", std::string(importance_description(measure)));
    }
  }
}

constexpr const char* dimension_axis = "/dimension";

// /sensitivity/<metric>/<index>: one row per swept dimension (docs/output.md,
// "Sensitivity").
void write_sensitivity(Writer& w, const runner::SensitivityResult& s) {
  w.strings(dimension_axis, s.paths, {});
  w.scale(dimension_axis);
  w.group("/sensitivity");
  const bool sobol = s.design == scenario::SweepDesign::saltelli;
  w.attribute("/sensitivity", "design", std::string(design_name(s.design)));
  w.attribute("/sensitivity", sobol ? "base_samples" : "trajectories",
              static_cast<std::uint64_t>(s.samples));
  w.attribute("/sensitivity", "bootstrap_resamples", static_cast<std::uint64_t>(s.resamples));
  w.attribute("/sensitivity", "description",
              std::string(sobol ? "Sobol' indices of each swept parameter, from the estimates at "
                                  "the saltelli design's points; bootstrap intervals over its "
                                  "base samples"
                                : "Morris elementary effects of each swept parameter, from the "
                                  "estimates along the design's trajectories; bootstrap "
                                  "intervals over its trajectories"));
  const std::vector<std::string> along = {dimension_axis};
  w.strings("/sensitivity/dimension_labels", s.labels, along);
  for (const auto& table : s.metrics) {
    const auto& m = runner::info(table.metric);
    const std::string g = std::string("/sensitivity/") + m.name;
    w.group(g);
    w.attribute(g, "unit", std::string(m.unit));
    for (const auto& index : table.indices) {
      const std::string d = g + "/" + std::string(runner::to_string(index.index));
      const auto column = [&](auto f) {
        std::vector<double> out;
        for (const auto& e : index.rows) out.push_back(f(e));
        return out;
      };
      w.group(d);
      w.numbers(d + "/n", std::vector<std::uint64_t>(index.rows.size(), s.samples), along);
      w.numbers(d + "/mean", column([](const auto& e) { return e.value; }), along);
      w.numbers(d + "/stderr", column([](const auto& e) { return e.standard_error; }), along);
      w.numbers(d + "/ci_low", column([](const auto& e) { return e.ci_low; }), along);
      w.numbers(d + "/ci_high", column([](const auto& e) { return e.ci_high; }), along);
      const bool share = index.index == runner::SensitivityIndex::first_order ||
                         index.index == runner::SensitivityIndex::total;
      w.attribute(d, "kind", std::string(share ? "variance share" : "elementary effect"));
      w.attribute(d, "interval", std::string("bootstrap percentile"));
      w.attribute(d, "unit", std::string(share ? "" : m.unit));
      w.attribute(d, "description", std::string(runner::describe(index.index)));
    }
  }
}

// /uncertainty/<metric>/<summary>: the distribution of a metric over the outer sample of
// an uncertainty sweep, and its spread split by level (docs/output.md, "Uncertainty").
void write_uncertainty(Writer& w, const runner::UncertaintyResult& u) {
  w.group("/uncertainty");
  w.attribute("/uncertainty", "samples", static_cast<std::uint64_t>(u.samples));
  w.attribute("/uncertainty", "description",
              std::string("the distribution of each metric's estimate over the outer sample of "
                          "uncertain parameters (one sweep point each), apart from the inner "
                          "Monte Carlo error of each estimate"));
  for (const auto& table : u.metrics) {
    const auto& m = runner::info(table.metric);
    const std::string g = std::string("/uncertainty/") + m.name;
    w.group(g);
    w.attribute(g, "unit", std::string(m.unit));
    w.scalar(g + "/outer_sd", table.outer_sd);
    w.scalar(g + "/inner_stderr", table.inner_stderr);
    w.scalar(g + "/parameter_sd", table.parameter_sd);
    for (std::size_t k = 0; k < runner::uncertainty_summary_count; ++k) {
      const auto summary = static_cast<runner::UncertaintySummary>(k);
      const auto& e = table.summaries[k];
      const std::string d = g + "/" + std::string(runner::to_string(summary));
      w.group(d);
      w.scalar(d + "/n", static_cast<std::uint64_t>(u.samples));
      w.scalar(d + "/mean", e.value);
      w.scalar(d + "/stderr", e.standard_error);
      w.scalar(d + "/ci_low", e.ci_low);
      w.scalar(d + "/ci_high", e.ci_high);
      const bool mean = summary == runner::UncertaintySummary::mean;
      w.attribute(d, "kind",
                  std::string(mean ? "mean over parameters"
                                   : "quantile over "
                                     "parameters"));
      w.attribute(d, "interval", std::string(mean ? "student-t" : "order statistics"));
      w.attribute(d, "unit", std::string(m.unit));
    }
  }
}

// /worst_case: one row per search (a group of sweep points that differ only in the
// searched parameter), every metric at its arg-min, and every evaluation made
// (docs/output.md, "Worst case").
void write_worst_case(Writer& w, const runner::WorstCaseResult& wc) {
  constexpr const char* search_axis = "/search";
  constexpr const char* evaluation_axis = "/evaluation";
  const auto searches = wc.searches.size();
  std::vector<std::uint64_t> search_index(searches);
  for (std::size_t s = 0; s < searches; ++s) search_index[s] = s;
  w.numbers(search_axis, search_index, {});
  w.scale(search_axis);
  const std::string g = "/worst_case";
  w.group(g);
  w.attribute(g, "parameter", wc.parameter);
  w.attribute(g, "metric", std::string(runner::info(wc.metric).name));
  w.attribute(g, "low", wc.low);
  w.attribute(g, "high", wc.high);
  w.attribute(g, "scale", std::string(wc.log_scale ? "log" : "linear"));
  w.attribute(g, "grid", static_cast<std::uint64_t>(wc.grid));
  w.attribute(g, "tolerance", wc.tolerance);
  w.attribute(g, "replications", static_cast<std::uint64_t>(wc.replications));
  w.attribute(g, "seed", wc.seed);
  w.attribute(g, "method",
              std::string("grid, then golden-section refinement around the grid's minimum; "
                          "every evaluation the same replications under common random numbers"));
  const std::vector<std::string> along = {search_axis};
  const auto column = [&](auto f) {
    std::vector<double> out;
    for (const auto& s : wc.searches) out.push_back(f(s));
    return out;
  };
  std::vector<std::string> labels;
  std::vector<std::uint64_t> points;
  for (const auto& s : wc.searches) {
    labels.push_back(s.label);
    points.push_back(s.point);
  }
  w.strings(g + "/label", labels, along);
  w.numbers(g + "/point", points, along);
  w.numbers(g + "/argmin", column([](const auto& s) { return s.argmin; }), along);
  w.numbers(g + "/bracket_low", column([](const auto& s) { return s.bracket_low; }), along);
  w.numbers(g + "/bracket_high", column([](const auto& s) { return s.bracket_high; }), along);
  const auto k = static_cast<std::size_t>(wc.metric);
  w.numbers(g + "/minimum", column([&](const auto& s) { return s.at_argmin[k].mean; }), along);
  w.numbers(g + "/stderr", column([&](const auto& s) { return s.at_argmin[k].standard_error; }),
            along);
  w.numbers(g + "/ci_low", column([&](const auto& s) { return s.at_argmin[k].ci_low; }), along);
  w.numbers(g + "/ci_high", column([&](const auto& s) { return s.at_argmin[k].ci_high; }), along);
  w.group(g + "/at_argmin");
  for (const auto& m : runner::metric_table()) {
    const auto i = static_cast<std::size_t>(m.id);
    const std::string d = g + "/at_argmin/" + std::string(m.name);
    w.group(d);
    w.numbers(d + "/mean", column([&](const auto& s) { return s.at_argmin[i].mean; }), along);
    w.numbers(d + "/stderr", column([&](const auto& s) { return s.at_argmin[i].standard_error; }),
              along);
    w.numbers(d + "/ci_low", column([&](const auto& s) { return s.at_argmin[i].ci_low; }), along);
    w.numbers(d + "/ci_high", column([&](const auto& s) { return s.at_argmin[i].ci_high; }), along);
  }
  std::vector<std::uint64_t> evaluation_index, of_search;
  std::vector<double> values, means, errors;
  for (std::size_t s = 0; s < searches; ++s) {
    const auto& e = wc.searches[s];
    for (std::size_t j = 0; j < e.values.size(); ++j) {
      evaluation_index.push_back(evaluation_index.size());
      of_search.push_back(s);
      values.push_back(e.values[j]);
      means.push_back(e.means[j]);
      errors.push_back(e.standard_errors[j]);
    }
  }
  w.numbers(evaluation_axis, evaluation_index, {});
  w.scale(evaluation_axis);
  w.group(g + "/evaluations");
  const std::vector<std::string> by_evaluation = {evaluation_axis};
  w.numbers(g + "/evaluations/search", of_search, by_evaluation);
  w.numbers(g + "/evaluations/value", values, by_evaluation);
  w.numbers(g + "/evaluations/mean", means, by_evaluation);
  w.numbers(g + "/evaluations/stderr", errors, by_evaluation);
}

// Red-line evidence: the exponential time to first harm as a statistics group, and the
// acceptance test when some point has a target.
void write_evidence(Writer& w, const runner::RunResult& r) {
  const std::vector<std::string> along = {point_axis};
  auto column = [&](const std::string& name, auto f) {
    w.numbers(name, per_point_double(r, f), along);
  };
  w.group("/evidence");
  const std::string rate = "/evidence/first_harm_rate";
  w.group(rate);
  w.numbers(rate + "/n", per_point_uint(r, [](const auto& p) { return p.replications; }), along);
  column(rate + "/mean", [](const auto& p) { return p.evidence.first_harm.rate; });
  column(rate + "/stderr", [](const auto& p) { return p.evidence.first_harm.rate_stderr; });
  column(rate + "/ci_low", [](const auto& p) { return p.evidence.first_harm.rate_interval.low; });
  column(rate + "/ci_high", [](const auto& p) { return p.evidence.first_harm.rate_interval.high; });
  w.numbers(rate + "/count",
            per_point_uint(r, [](const auto& p) { return p.evidence.first_harm.harms; }), along);
  column(rate + "/exposure", [](const auto& p) { return p.evidence.first_harm.time_on_test; });
  column(rate + "/upper_bound", [](const auto& p) { return p.evidence.first_harm.rate_upper; });
  w.attribute(rate, "kind", std::string("rate"));
  w.attribute(rate, "interval", std::string("chi-square"));
  w.attribute(rate, "unit", std::string("per hour"));
  w.attribute(
      rate, "description",
      std::string("first harms over the total time on test (each replication's min(first "
                  "harm, horizon)); upper_bound: one-sided at the confidence of /evidence"));
  const std::string mean = "/evidence/mean_time_to_first_harm";
  w.group(mean);
  w.numbers(mean + "/n", per_point_uint(r, [](const auto& p) { return p.replications; }), along);
  column(mean + "/mean", [](const auto& p) { return p.evidence.first_harm.mean_time; });
  column(mean + "/stderr", [](const auto& p) { return p.evidence.first_harm.mean_time_stderr; });
  column(mean + "/ci_low",
         [](const auto& p) { return p.evidence.first_harm.mean_time_interval.low; });
  column(mean + "/ci_high",
         [](const auto& p) { return p.evidence.first_harm.mean_time_interval.high; });
  column(mean + "/lower_bound",
         [](const auto& p) { return p.evidence.first_harm.mean_time_lower; });
  w.attribute(mean, "kind", std::string("mean"));
  w.attribute(mean, "interval", std::string("chi-square"));
  w.attribute(mean, "unit", std::string("hours"));
  w.attribute(
      mean, "description",
      std::string(
          "expected time to the first harm, exponential, from replications "
          "censored at the horizon; lower_bound: one-sided at the confidence of /evidence"));
  w.attribute("/evidence", "confidence", runner::evidence_confidence);

  const bool tested = std::any_of(r.points.begin(), r.points.end(),
                                  [](const auto& p) { return p.evidence.tested; });
  if (!tested) return;
  w.group("/acceptance");
  w.attribute("/acceptance", "metric", std::string("harm_rate"));
  column("/acceptance/target", [](const auto& p) { return p.evidence.target; });
  column("/acceptance/confidence", [](const auto& p) { return p.evidence.acceptance_confidence; });
  column("/acceptance/lower_bound", [](const auto& p) { return p.evidence.acceptance.lower; });
  column("/acceptance/upper_bound", [](const auto& p) { return p.evidence.acceptance.upper; });
  std::vector<std::string> verdicts;
  for (const auto& p : r.points) {
    verdicts.emplace_back(p.evidence.tested ? stats::to_string(p.evidence.acceptance.verdict)
                                            : "untested");
  }
  w.strings("/acceptance/verdict", verdicts, along);
  w.numbers("/acceptance/failure_free_tasks",
            per_point_uint(r, [](const auto& p) { return p.evidence.failure_free_tasks; }), along);
  column("/acceptance/failure_free_hours",
         [](const auto& p) { return p.evidence.failure_free_hours; });
}

// The axes every other dataset is attached to. Written first: a dataset can only be
// attached to a scale that exists.
void write_axes(Writer& w, const runner::RunResult& r, const std::vector<std::string>& overrides) {
  std::vector<std::uint32_t> points(r.points.size());
  for (std::uint32_t p = 0; p < points.size(); ++p) points[p] = p;
  w.numbers(point_axis, points, {});
  w.attribute(point_axis, "description", std::string("sweep point index, in sweep order"));
  w.scale(point_axis);
  w.strings(component_axis, r.components, {});
  w.scale(component_axis);
  std::vector<double> centres;
  for (std::size_t b = 0; b + 1 < r.bin_edges_hours.size(); ++b) {
    centres.push_back((r.bin_edges_hours[b] + r.bin_edges_hours[b + 1]) / 2.0);
  }
  w.numbers(time_bin_axis, centres, {});
  w.attribute(time_bin_axis, "unit", std::string("hours"));
  w.attribute(time_bin_axis, "description", std::string("centre of each time bin"));
  w.scale(time_bin_axis);
  w.numbers(bin_edge_axis, r.bin_edges_hours, {});
  w.attribute(bin_edge_axis, "unit", std::string("hours"));
  w.attribute(bin_edge_axis, "description", std::string("edges of the time bins"));
  w.scale(bin_edge_axis);
  w.strings(origin_axis, {std::begin(model::harm_origin_names), std::end(model::harm_origin_names)},
            {});
  w.scale(origin_axis);
  w.strings(context_axis, r.contexts, {});
  w.scale(context_axis);
  w.strings(override_axis, overrides, {});
  w.scale(override_axis);
  if (!r.pools.empty()) {
    w.strings(pool_axis, r.pools, {});
    w.scale(pool_axis);
  }
  if (const auto reviewers = reviewer_count(r); reviewers > 0) {
    std::vector<std::uint32_t> indices(reviewers);
    for (std::uint32_t i = 0; i < indices.size(); ++i) indices[i] = i;
    w.numbers(reviewer_axis, indices, {});
    w.attribute(reviewer_axis, "description",
                std::string("reviewer index in an individual operator pool"));
    w.scale(reviewer_axis);
  }
}

// A statistics group of /queues or /reviewers: the statistics, in row-major order over
// `axes`, as n, mean, stderr, ci_low and ci_high, with the measure's attributes.
struct StatisticColumns {
  std::vector<std::uint64_t> n;
  std::vector<double> mean, standard_error, low, high;

  void add(const runner::Statistic& s) {
    n.push_back(s.n);
    mean.push_back(s.mean);
    standard_error.push_back(s.standard_error);
    low.push_back(s.ci_low);
    high.push_back(s.ci_high);
  }
  void write(Writer& w, const std::string& g, const std::vector<std::string>& axes,
             const std::vector<hsize_t>& shape) const {
    w.numbers(g + "/n", n, axes, shape);
    w.numbers(g + "/mean", mean, axes, shape);
    w.numbers(g + "/stderr", standard_error, axes, shape);
    w.numbers(g + "/ci_low", low, axes, shape);
    w.numbers(g + "/ci_high", high, axes, shape);
  }
};

void describe_measure(Writer& w, const std::string& g, const char* kind, const char* interval,
                      const char* unit, const char* description) {
  w.attribute(g, "kind", std::string(kind));
  w.attribute(g, "interval", std::string(interval));
  w.attribute(g, "unit", std::string(unit));
  w.attribute(g, "description", std::string(description));
}

// Each operator pool's queue (docs/output.md, /queues): statistics groups along the
// point and the pool, read by `stsim export` like /results.
void write_queues(Writer& w, const runner::RunResult& r) {
  if (r.pools.empty()) return;
  struct Measure {
    const char* name;
    const char* kind;
    const char* interval;
    const char* unit;
    const char* description;
    std::function<const runner::Statistic&(const runner::QueueResult&)> of;
  };
  using Q = runner::QueueResult;
  const std::vector<Measure> measures = {
      {"wait_probability", "proportion", "clopper-pearson", "per review",
       "reviews started that waited in the queue first",
       [](const Q& q) -> const runner::Statistic& { return q.wait_probability; }},
      {"mean_wait", "mean", "log-student-t", "hours",
       "hours waited in the queue, per review started",
       [](const Q& q) -> const runner::Statistic& { return q.mean_wait; }},
      {"mean_time_in_system", "mean", "log-student-t", "hours",
       "hours from arrival at the pool to the review's end, per review started",
       [](const Q& q) -> const runner::Statistic& { return q.mean_time_in_system; }},
      {"utilisation", "mean", "log-student-t", "fraction",
       "person-hours reviewing over person-hours available",
       [](const Q& q) -> const runner::Statistic& { return q.utilisation; }},
      {"time_in_system_p50", "quantile", "log-student-t", "hours",
       "median time in system of the reviews started, within 1% (sectioning interval)",
       [](const Q& q) -> const runner::Statistic& { return q.time_in_system_quantiles[0]; }},
      {"time_in_system_p90", "quantile", "log-student-t", "hours",
       "90% quantile of the time in system, within 1% (sectioning interval)",
       [](const Q& q) -> const runner::Statistic& { return q.time_in_system_quantiles[1]; }},
      {"time_in_system_p99", "quantile", "log-student-t", "hours",
       "99% quantile of the time in system, within 1% (sectioning interval)",
       [](const Q& q) -> const runner::Statistic& { return q.time_in_system_quantiles[2]; }},
  };
  const auto points = static_cast<hsize_t>(r.points.size());
  const auto pools = static_cast<hsize_t>(r.pools.size());
  const std::vector<std::string> by_pool = {point_axis, pool_axis};
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const runner::Statistic none{0, nan, nan, nan, nan, 0, nan, nan};
  w.group("/queues");
  w.attribute("/queues", "relative_accuracy", stats::LogBuckets::relative_accuracy);
  for (const auto& m : measures) {
    const std::string g = std::string("/queues/") + m.name;
    w.group(g);
    StatisticColumns columns;
    for (const auto& p : r.points) {
      for (std::size_t q = 0; q < r.pools.size(); ++q)
        columns.add(q < p.queues.size() ? m.of(p.queues[q]) : none);
    }
    columns.write(w, g, by_pool, {points, pools});
    describe_measure(w, g, m.kind, m.interval, m.unit, m.description);
  }
}

// Each reviewer of an individual pool (docs/output.md, /reviewers): statistics groups
// along the point, the pool and the reviewer; NaN (n = 0) for a pool that is not
// individual and for reviewers a point does not have.
void write_reviewers(Writer& w, const runner::RunResult& r) {
  const auto reviewers = reviewer_count(r);
  if (reviewers == 0) return;
  struct Measure {
    const char* name;
    const char* kind;
    const char* interval;
    const char* unit;
    const char* description;
    runner::Statistic runner::ReviewerResult::*of;
  };
  using R = runner::ReviewerResult;
  const std::vector<Measure> measures = {
      {"reviews", "mean", "student-t", "per replication", "reviews started by the reviewer",
       &R::reviews},
      {"share", "proportion", "clopper-pearson", "per review",
       "the reviewer's share of the pool's reviews started", &R::share},
      {"catch_rate", "proportion", "clopper-pearson", "per hazardous output",
       "hazardous outputs the reviewer reviewed that it caught", &R::catch_rate},
      {"missed", "mean", "student-t", "per replication",
       "hazardous outputs the reviewer reviewed and passed", &R::missed},
      {"trust", "mean", "student-t", "fraction",
       "the reviewer's trust in the AI at the horizon (after its last review)", &R::trust},
  };
  const auto points = static_cast<hsize_t>(r.points.size());
  const auto pools = static_cast<hsize_t>(r.pools.size());
  const auto slots = static_cast<hsize_t>(reviewers);
  const std::vector<std::string> axes = {point_axis, pool_axis, reviewer_axis};
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const runner::Statistic none{0, nan, nan, nan, nan, 0, nan, nan};
  w.group("/reviewers");
  for (const auto& m : measures) {
    const std::string g = std::string("/reviewers/") + m.name;
    w.group(g);
    StatisticColumns columns;
    for (const auto& p : r.points) {
      for (std::size_t q = 0; q < r.pools.size(); ++q) {
        for (std::size_t i = 0; i < reviewers; ++i) {
          const bool present = q < p.queues.size() && i < p.queues[q].reviewers.size();
          columns.add(present ? p.queues[q].reviewers[i].*m.of : none);
        }
      }
    }
    columns.write(w, g, axes, {points, pools, slots});
    describe_measure(w, g, m.kind, m.interval, m.unit, m.description);
  }
}

void write_all(Writer& w, const runner::RunResult& r) {
  const auto& plan = r.plan;
  const auto& spec = plan.specs.front();
  const auto points = static_cast<hsize_t>(r.points.size());
  const auto components = static_cast<hsize_t>(r.components.size());
  const auto bins = static_cast<hsize_t>(spec.time_bins);
  const auto& rp = plan.replications;
  const std::vector<std::string> along = {point_axis};

  w.attribute("/", "format", std::string(format_name));
  w.attribute("/", "format_version", format_version);
  w.attribute("/", "stsim_version", std::string(stsim::version));
  w.attribute("/", "git_revision", std::string(stsim::git_revision));
  w.attribute("/", "command_line", r.command_line);
  w.attribute("/", "scenario_file", plan.base.file);
  w.attribute("/", "scenario_name", spec.name);
  w.attribute("/", "seed", r.seed);
  w.attribute("/", "threads", r.threads);
  w.attribute("/", "processes", r.processes);
  w.attribute("/", "started", r.started);
  w.attribute("/", "finished", r.finished);
  w.attribute("/", "points", static_cast<std::uint32_t>(points));
  w.attribute("/", "design", std::string(design_name(plan.design.kind)));
  w.attribute("/", "common_random_numbers",
              static_cast<std::uint8_t>(rp.common_random_numbers ? 1 : 0));
  w.attribute("/", "fingerprint", r.fingerprint);
  w.attribute("/", "time_bins", spec.time_bins);
  w.attribute("/", "horizon_hours", spec.horizon);
  w.attribute("/", "stopping", std::string(rp.precision ? "precision" : "fixed"));
  if (rp.precision) {
    w.attribute("/", "precision_metric", std::string(runner::info(rp.metric).name));
    w.attribute("/", "precision_relative_error", rp.relative_error);
    w.attribute("/", "min_replications", rp.min_replications);
    w.attribute("/", "max_replications", rp.max_replications);
  }
  w.attribute("/", "block_size", rp.block_size);

  std::vector<std::string> overrides;
  for (const auto& a : plan.base.overrides)
    overrides.push_back(a.path + "=" + runner::to_text(a.value));
  write_axes(w, r, overrides);

  w.group("/scenario");
  w.strings("/scenario/text", {plan.base.text}, {}, true);
  w.strings("/scenario/overrides", overrides, {override_axis});
  w.strings("/scenario/resolved", plan.resolved, {point_axis});

  w.group("/design");
  w.strings("/design/point_label", plan.design.point_labels, {point_axis});
  w.group("/design/columns");
  bool any_labels = false;
  for (const auto& c : plan.design.columns) any_labels = any_labels || !c.labels.empty();
  if (any_labels) w.group("/design/labels");
  for (std::size_t d = 0; d < plan.design.columns.size(); ++d) {
    const auto& c = plan.design.columns[d];
    const auto name = "/design/columns/" + std::to_string(d);
    if (c.numeric) {
      w.numbers(name, c.numbers, along);
    } else {
      w.strings(name, c.strings, {point_axis});
    }
    w.attribute(name, "path", c.path);
    w.attribute(name, "label", c.label.empty() ? runner::dimension_words(c.path) : c.label);
    w.attribute(name, "unit", c.unit);
    if (!c.sampling.empty()) w.attribute(name, "sampling", c.sampling);
    if (!c.labels.empty()) {
      w.strings("/design/labels/" + std::to_string(d), c.labels, {point_axis});
    }
  }
  if (plan.design.baseline) w.scalar("/design/baseline", *plan.design.baseline);

  write_statistics(w, r, "/results", false);
  if (plan.design.baseline) write_statistics(w, r, "/paired", true);
  write_rare_event(w, r);
  write_queues(w, r);
  write_reviewers(w, r);

  w.group("/attribution");
  std::vector<std::uint64_t> origin, nm, last, harms_in, near_in, errors_in;
  for (const auto& p : r.points) {
    origin.insert(origin.end(), p.harms_by_origin.begin(), p.harms_by_origin.end());
    nm.insert(nm.end(), p.near_misses_by_layer.begin(), p.near_misses_by_layer.end());
    last.insert(last.end(), p.harms_by_last_layer.begin(), p.harms_by_last_layer.end());
    harms_in.insert(harms_in.end(), p.harms_by_context.begin(), p.harms_by_context.end());
    near_in.insert(near_in.end(), p.near_misses_by_context.begin(), p.near_misses_by_context.end());
    errors_in.insert(errors_in.end(), p.model_errors_by_context.begin(),
                     p.model_errors_by_context.end());
  }
  const std::vector<std::string> by_component = {point_axis, component_axis};
  w.numbers("/attribution/harms_by_origin", origin, {point_axis, origin_axis},
            {points, model::harm_origin_count});
  w.attribute_strings("/attribution/harms_by_origin", "names",
                      {std::begin(model::harm_origin_names), std::end(model::harm_origin_names)});
  w.numbers("/attribution/harms_latent_involved",
            per_point_uint(r, [](const auto& p) { return p.harms_latent_involved; }), along);
  w.numbers("/attribution/harms_common_cause",
            per_point_uint(r, [](const auto& p) { return p.harms_common_cause; }), along);
  w.numbers("/attribution/model_errors_no_harm",
            per_point_uint(r, [](const auto& p) { return p.model_errors_no_harm; }), along);
  w.numbers("/attribution/near_misses_by_layer", nm, by_component, {points, components});
  w.numbers("/attribution/harms_by_last_layer", last, by_component, {points, components});
  const std::vector<std::string> by_context = {point_axis, context_axis};
  const auto contexts = static_cast<hsize_t>(r.contexts.size());
  w.numbers("/attribution/harms_by_context", harms_in, by_context, {points, contexts});
  w.numbers("/attribution/near_misses_by_context", near_in, by_context, {points, contexts});
  w.numbers("/attribution/model_errors_by_context", errors_in, by_context, {points, contexts});
  w.strings("/attribution/components", r.components, {component_axis});
  w.strings("/attribution/component_kinds", r.component_kinds, {component_axis});
  std::vector<std::string> component_labels = r.component_labels;
  if (component_labels.size() != r.components.size()) {
    component_labels.clear();
    for (const auto& id : r.components) component_labels.push_back(runner::words(id));
  }
  w.strings("/attribution/component_labels", component_labels, {component_axis});

  // The point x bin matrices, flattened one at a time (each a temporary of its own
  // statement): a large sweep's rows are copied once, and briefly.
  const auto rows = [&](auto member) {
    std::remove_cvref_t<decltype(r.points.front().*member)> out;
    out.reserve(static_cast<std::size_t>(points * bins));
    for (const auto& p : r.points) out.insert(out.end(), (p.*member).begin(), (p.*member).end());
    return out;
  };
  const std::vector<std::string> by_bin = {point_axis, time_bin_axis};
  w.group("/timeseries");
  w.numbers("/timeseries/bin_edges_hours", r.bin_edges_hours, {bin_edge_axis});
  w.numbers("/timeseries/harms_mean", rows(&runner::PointResult::harms_mean), by_bin,
            {points, bins});
  w.numbers("/timeseries/harms_stderr", rows(&runner::PointResult::harms_stderr), by_bin,
            {points, bins});
  w.group("/first_harm");
  w.numbers("/first_harm/bin_edges_hours", r.bin_edges_hours, {bin_edge_axis});
  w.numbers("/first_harm/counts", rows(&runner::PointResult::first_harm_counts), by_bin,
            {points, bins});
  w.numbers("/first_harm/censored",
            per_point_uint(r, [](const auto& p) { return p.first_harm_censored; }), along);
  std::vector<double> survival, survival_low, survival_high;
  for (const auto& p : r.points) {
    const auto& curve = p.evidence.survival;
    // A point without replications (another slice's) has no curve: NaN rows.
    const bool drawn = curve.survival.size() == bins + 1;
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    for (hsize_t b = 0; b <= bins; ++b) {
      survival.push_back(drawn ? curve.survival[b] : nan);
      survival_low.push_back(drawn ? curve.low[b] : nan);
      survival_high.push_back(drawn ? curve.high[b] : nan);
    }
  }
  const std::vector<std::string> by_edge = {point_axis, bin_edge_axis};
  w.numbers("/first_harm/survival", survival, by_edge, {points, bins + 1});
  w.numbers("/first_harm/survival_low", survival_low, by_edge, {points, bins + 1});
  w.numbers("/first_harm/survival_high", survival_high, by_edge, {points, bins + 1});
  write_evidence(w, r);

  if (r.importance) write_importance(w, *r.importance);
  if (r.worst_case) write_worst_case(w, *r.worst_case);
  if (r.sensitivity) write_sensitivity(w, *r.sensitivity);
  if (r.uncertainty) write_uncertainty(w, *r.uncertainty);

  w.group("/runtime");
  w.numbers("/runtime/wall_seconds",
            per_point_double(r, [](const auto& p) { return p.wall_seconds; }), along);
  w.numbers("/runtime/events", per_point_uint(r, [](const auto& p) { return p.events; }), along);
  w.numbers("/runtime/tasks", per_point_uint(r, [](const auto& p) { return p.tasks; }), along);
  w.numbers("/runtime/replications",
            per_point_uint(r, [](const auto& p) { return p.replications; }), along);
  if (rp.precision) {
    std::vector<std::uint8_t> met;
    for (const auto& p : r.points) met.push_back(p.precision_target_met ? 1 : 0);
    w.numbers("/runtime/precision_target_met", met, along);
  }
  std::uint64_t tasks = 0;
  for (const auto& p : r.points) tasks += p.tasks;
  w.attribute("/runtime", "total_wall_seconds", r.total_wall_seconds);
  w.attribute("/runtime", "tasks_per_second",
              r.total_wall_seconds > 0.0 ? static_cast<double>(tasks) / r.total_wall_seconds : 0.0);

  if (r.shard_file) {
    // A slice of a sharded run: its points' rows hold results, the others are empty; the
    // exact folded statistics let `stsim merge` rebuild the unsharded file.
    w.attribute("/", "shard_index", r.shard.index + 1);
    w.attribute("/", "shard_count", r.shard.count);
    w.numbers("/shard_state", runner::encode_state(r.state), {});
    w.scale("/shard_state");
  }

  // Last: a file without this attribute was not finished.
  w.attribute("/", "status", std::string("complete"));
}

}  // namespace

std::string partial_path(const std::string& path) { return path + ".partial"; }

std::string hdf5_version() {
  unsigned major = 0, minor = 0, release = 0;
  if (H5get_libversion(&major, &minor, &release) < 0) return "unknown";
  return fmt::format("{}.{}.{}", major, minor, release);
}

void write_results(const runner::RunResult& result, const std::string& path) {
  if (!result.complete) throw FileError("refusing to write an incomplete run to " + path);
  if (result.points.empty() || result.plan.specs.empty()) throw FileError("no results to write");
  silence_hdf5();
  std::vector<std::uint8_t> bytes;
  {
    Writer writer;
    write_all(writer, result);
    bytes = writer.finish();
  }
  const auto partial = partial_path(path);
  try {
    write_durably(bytes, partial);
    std::filesystem::rename(partial, path);
  } catch (const std::filesystem::filesystem_error& e) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw FileError("cannot write " + path + ": " + e.code().message());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw;
  }
}

// ---------------------------------------------------------------------------------------
// Reading

namespace {

std::string type_class_error(const std::string& what, const std::string& expected) {
  return what + " is not " + expected;
}

}  // namespace

namespace {

// The HDF5 image inside a result file's bytes, after its checksum is verified; the
// bytes as they are when they carry no checksum header (version 1, or not stsim's).
std::span<const std::uint8_t> verified_image(const std::vector<std::uint8_t>& bytes,
                                             const std::string& path, bool& verified) {
  verified = false;
  const std::span<const std::uint8_t> all(bytes);
  if (bytes.size() < checksum_magic.size() ||
      std::memcmp(bytes.data(), checksum_magic.data(), checksum_magic.size()) != 0) {
    return all;
  }
  const auto damaged = [&](const std::string& why) {
    return FileError(path + ": damaged: " + why +
                     " (truncated, or changed after stsim wrote it); run it again or restore it");
  };
  if (bytes.size() < user_block_size) throw damaged("shorter than its header");
  const std::string header(reinterpret_cast<const char*>(bytes.data()), user_block_size);
  unsigned long long crc = 0, size = 0;
  const std::string format = std::string(checksum_magic) + "\ncrc64 %16llx\nbytes %llu\n";
  // The whole block must be what the writer makes of these numbers, zero padding included.
  if (std::sscanf(header.c_str(), format.c_str(), &crc, &size) != 2 ||
      header != checksum_header(crc, size)) {
    throw damaged("its checksum header is unreadable");
  }
  const auto image = all.subspan(user_block_size);
  if (image.size() != size) {
    throw damaged(
        fmt::format("it holds {} bytes after its header, {} were written", image.size(), size));
  }
  if (runner::checksum(image) != crc) throw damaged("its checksum does not match its contents");
  verified = true;
  return image;
}

constexpr std::string_view hdf5_signature = "\x89HDF\r\n\x1a\n";

}  // namespace

ResultFile::ResultFile(const std::string& path) : path_(path) {
  silence_hdf5();
  const auto bytes = read_regular_file(path);
  if (bytes.empty()) throw FileError(path + ": empty file, not an stsim result file");
  bool verified = false;
  const auto image = verified_image(bytes, path, verified);
  if (image.size() < hdf5_signature.size() ||
      std::memcmp(image.data(), hdf5_signature.data(), hdf5_signature.size()) != 0) {
    throw FileError(path + ": not an HDF5 file");
  }
  // Opened from the verified bytes in memory: HDF5 reads exactly what was checked.
  {
    Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
    check(H5Pset_fapl_core(access.get(), 1 << 20, 0), "use the in-memory file driver");
    check(H5Pset_file_image(access.get(), const_cast<std::uint8_t*>(image.data()), image.size()),
          "load the file's image");
    // The core driver refuses a name that exists on disk, and HDF5 takes two open files of
    // one name for the same file: each image gets a name of its own that cannot exist.
    static std::atomic<std::uint64_t> images{0};
    const auto name = fmt::format("/nonexistent/stsim-image-{}/{}", images++, path);
    file_ = H5Fopen(name.c_str(), H5F_ACC_RDONLY, access.get());
  }
  if (file_ < 0) throw FileError(path + ": cannot open as HDF5 (damaged?)");
  const auto refuse = [&](const std::string& why) { throw FileError(path + ": " + why); };
  try {
    if (!has_attribute("/", "format") || attribute_string("/", "format") != format_name)
      refuse("not an stsim result file (no format = \"stsim-results\" attribute)");
    const auto version =
        has_attribute("/", "format_version") ? attribute_integer("/", "format_version") : 0;
    if (version == 0 || version > format_version) {
      refuse(fmt::format("result file format version {}; this stsim reads versions 1 to {}",
                         version, format_version));
    }
    // From version 2 on stsim writes a checksum: a file without one was changed since.
    if (version >= 2 && !verified) refuse("damaged: its checksum header is missing");
  } catch (const FileError&) {
    H5Fclose(file_);
    file_ = -1;
    throw;
  }
}

ResultFile::~ResultFile() {
  if (file_ >= 0) H5Fclose(file_);
}

bool ResultFile::exists(const std::string& object) const {
  if (object == "/") return true;
  // Every ancestor must exist before H5Lexists may be asked about the child.
  std::size_t pos = 0;
  while ((pos = object.find('/', pos + 1)) != std::string::npos) {
    if (H5Lexists(file_, object.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return H5Lexists(file_, object.c_str(), H5P_DEFAULT) > 0;
}

bool ResultFile::is_group(const std::string& object) const {
  if (!exists(object)) return false;
  const hid_t id = H5Oopen(file_, object.c_str(), H5P_DEFAULT);
  if (id < 0) return false;
  const bool group = H5Iget_type(id) == H5I_GROUP;
  H5Oclose(id);
  return group;
}

std::vector<std::string> ResultFile::children(const std::string& group) const {
  Handle g(H5Gopen2(file_, group.c_str(), H5P_DEFAULT), H5Gclose, "open group " + group);
  H5G_info_t info;
  check(H5Gget_info(g.get(), &info), "read group " + group);
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const auto size =
        H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (size < 0) throw FileError("HDF5: cannot list " + group);
    std::string name(static_cast<std::size_t>(size), '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                       static_cast<std::size_t>(size) + 1, H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

namespace {

Handle open_dataset(hid_t file, const std::string& name) {
  return Handle(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name);
}

std::vector<std::uint64_t> dims_of(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw FileError("HDF5: cannot read a dataspace");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

std::size_t element_count(hid_t space) {
  const auto n = H5Sget_simple_extent_npoints(space);
  if (n < 0) throw FileError("HDF5: cannot read a dataspace");
  return static_cast<std::size_t>(n);
}

template <typename T>
std::vector<T> read_numbers(hid_t file, const std::string& name) {
  Handle set = open_dataset(file, name);
  Handle type(H5Dget_type(set.get()), H5Tclose, "read the type of " + name);
  const auto cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw FileError(type_class_error(name, "numeric"));
  Handle space(H5Dget_space(set.get()), H5Sclose, "read the shape of " + name);
  std::vector<T> out(element_count(space.get()));
  if (!out.empty()) {
    check(H5Dread(set.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          "read " + name);
  }
  return out;
}

// Reads variable- or fixed-length strings from a dataset or attribute.
template <typename ReadVariable, typename ReadFixed>
std::vector<std::string> read_strings(hid_t type, std::size_t count, const std::string& name,
                                      ReadVariable read_variable, ReadFixed read_fixed) {
  if (H5Tget_class(type) != H5T_STRING) throw FileError(type_class_error(name, "a string"));
  std::vector<std::string> out;
  if (count == 0) return out;
  if (H5Tis_variable_str(type) > 0) {
    Handle memory = string_type();
    std::vector<char*> pointers(count, nullptr);
    check(read_variable(memory.get(), pointers.data()), "read " + name);
    for (char* p : pointers) {
      out.emplace_back(p ? p : "");
      H5free_memory(p);
    }
  } else {
    const std::size_t size = H5Tget_size(type);
    std::vector<char> buffer(size * count);
    check(read_fixed(type, buffer.data()), "read " + name);
    for (std::size_t i = 0; i < count; ++i) {
      const char* start = buffer.data() + i * size;
      std::size_t length = 0;
      while (length < size && start[length] != '\0') ++length;
      out.emplace_back(start, length);
    }
  }
  return out;
}

Handle open_attribute(hid_t file, const std::string& object, const std::string& name) {
  return Handle(H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose, "open attribute " + name + " of " + object);
}

template <typename T>
std::vector<T> read_attribute_numbers(hid_t file, const std::string& object,
                                      const std::string& name) {
  Handle attr = open_attribute(file, object, name);
  Handle type(H5Aget_type(attr.get()), H5Tclose, "read the type of attribute " + name);
  const auto cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw FileError(type_class_error(name, "numeric"));
  Handle space(H5Aget_space(attr.get()), H5Sclose, "read attribute " + name);
  std::vector<T> out(element_count(space.get()));
  if (!out.empty())
    check(H5Aread(attr.get(), native_type<T>(), out.data()), "read attribute " + name);
  return out;
}

}  // namespace

std::vector<std::uint64_t> ResultFile::shape(const std::string& dataset) const {
  Handle set = open_dataset(file_, dataset);
  Handle space(H5Dget_space(set.get()), H5Sclose, "read the shape of " + dataset);
  return dims_of(space.get());
}

void ResultFile::require_shape(const std::string& dataset,
                               const std::vector<std::uint64_t>& expected) const {
  const auto dims = [](const std::vector<std::uint64_t>& d) {
    return fmt::format("[{}]", fmt::join(d, " x "));
  };
  if (!exists(dataset)) throw FileError(path_ + ": damaged: " + dataset + " is missing");
  if (const auto actual = shape(dataset); actual != expected) {
    throw FileError(fmt::format("{}: damaged: {} has shape {}, expected {}", path_, dataset,
                                dims(actual), dims(expected)));
  }
}

ResultFile::DataType ResultFile::data_type(const std::string& dataset) const {
  Handle set = open_dataset(file_, dataset);
  Handle type(H5Dget_type(set.get()), H5Tclose, "read the type of " + dataset);
  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER:
      return DataType::integer;
    case H5T_FLOAT:
      return DataType::floating;
    case H5T_STRING:
      return DataType::text;
    default:
      return DataType::other;
  }
}

std::vector<std::string> ResultFile::dimensions(const std::string& dataset) const {
  Handle set = open_dataset(file_, dataset);
  Handle space(H5Dget_space(set.get()), H5Sclose, "read the shape of " + dataset);
  std::vector<std::string> names(dims_of(space.get()).size());
  // A dimension scale is the axis it runs along.
  if (names.size() == 1 && H5DSis_scale(set.get()) > 0) {
    const ssize_t size = H5DSget_scale_name(set.get(), nullptr, 0);
    if (size < 0) throw FileError("HDF5: cannot read the name of the scale " + dataset);
    names[0].resize(static_cast<std::size_t>(size));
    H5DSget_scale_name(set.get(), names[0].data(), static_cast<std::size_t>(size) + 1);
    return names;
  }
  for (unsigned axis = 0; axis < names.size(); ++axis) {
    if (H5DSget_num_scales(set.get(), axis) <= 0) continue;
    // The first scale attached to the axis names it (stsim attaches exactly one).
    H5DS_iterate_t visit = [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
      const ssize_t size = H5DSget_scale_name(scale, nullptr, 0);
      if (size < 0) return -1;
      std::string name(static_cast<std::size_t>(size), '\0');
      H5DSget_scale_name(scale, name.data(), static_cast<std::size_t>(size) + 1);
      *static_cast<std::string*>(out) = name;
      return 1;
    };
    int index = 0;
    if (H5DSiterate_scales(set.get(), axis, &index, visit, &names[axis]) < 0) {
      throw FileError("HDF5: cannot read the dimension scales of " + dataset);
    }
  }
  return names;
}

std::vector<double> ResultFile::doubles(const std::string& dataset) const {
  return read_numbers<double>(file_, dataset);
}

std::vector<std::uint64_t> ResultFile::integers(const std::string& dataset) const {
  return read_numbers<std::uint64_t>(file_, dataset);
}

std::vector<std::uint8_t> ResultFile::bytes(const std::string& dataset) const {
  return read_numbers<std::uint8_t>(file_, dataset);
}

std::vector<std::string> ResultFile::strings(const std::string& dataset) const {
  Handle set = open_dataset(file_, dataset);
  Handle type(H5Dget_type(set.get()), H5Tclose, "read the type of " + dataset);
  Handle space(H5Dget_space(set.get()), H5Sclose, "read the shape of " + dataset);
  const hid_t id = set.get();
  return read_strings(
      type.get(), element_count(space.get()), dataset,
      [&](hid_t memory, char** out) {
        return H5Dread(id, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
      },
      [&](hid_t file_type, char* out) {
        return H5Dread(id, file_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
      });
}

bool ResultFile::has_attribute(const std::string& object, const std::string& name) const {
  if (!exists(object)) return false;
  return H5Aexists_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> ResultFile::attribute_strings(const std::string& object,
                                                       const std::string& name) const {
  Handle attr = open_attribute(file_, object, name);
  Handle type(H5Aget_type(attr.get()), H5Tclose, "read the type of attribute " + name);
  Handle space(H5Aget_space(attr.get()), H5Sclose, "read attribute " + name);
  const hid_t id = attr.get();
  return read_strings(
      type.get(), element_count(space.get()), name,
      [&](hid_t memory, char** out) { return H5Aread(id, memory, out); },
      [&](hid_t file_type, char* out) { return H5Aread(id, file_type, out); });
}

std::string ResultFile::attribute_string(const std::string& object, const std::string& name) const {
  const auto values = attribute_strings(object, name);
  if (values.size() != 1)
    throw FileError("attribute " + name + " of " + object + " is not one string");
  return values.front();
}

double ResultFile::attribute_double(const std::string& object, const std::string& name) const {
  const auto values = read_attribute_numbers<double>(file_, object, name);
  if (values.size() != 1)
    throw FileError("attribute " + name + " of " + object + " is not one number");
  return values.front();
}

std::uint64_t ResultFile::attribute_integer(const std::string& object,
                                            const std::string& name) const {
  const auto values = read_attribute_numbers<std::uint64_t>(file_, object, name);
  if (values.size() != 1)
    throw FileError("attribute " + name + " of " + object + " is not one number");
  return values.front();
}

std::vector<std::uint64_t> ResultFile::attribute_integers(const std::string& object,
                                                          const std::string& name) const {
  return read_attribute_numbers<std::uint64_t>(file_, object, name);
}

std::string ResultFile::attribute_text(const std::string& object, const std::string& name) const {
  H5T_class_t cls;
  {
    Handle attr = open_attribute(file_, object, name);
    Handle type(H5Aget_type(attr.get()), H5Tclose, "read the type of attribute " + name);
    cls = H5Tget_class(type.get());
  }
  if (cls == H5T_STRING) return attribute_string(object, name);
  if (cls == H5T_INTEGER) return fmt::format("{}", attribute_integer(object, name));
  return fmt::format("{}", attribute_double(object, name));
}

}  // namespace stsim::output
