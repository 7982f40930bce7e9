#include "sim/output/summary.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "sim/scenario/suggest.h"

namespace stsim::output {

namespace {

std::string number(double x) {
  if (std::isnan(x)) return "-";
  if (x == 0.0) return "0";
  const double a = std::abs(x);
  if (a >= 1e-3 && a < 1e5) return fmt::format("{:.4g}", x);
  return fmt::format("{:.3e}", x);
}

std::string optional_attribute(const ResultFile& f, const std::string& name) {
  return f.has_attribute("/", name) ? f.attribute_text("/", name) : "-";
}

}  // namespace

std::string describe(const ResultFile& f) {
  std::string out;
  auto line = [&](const char* key, const std::string& value) {
    out += fmt::format("{:<22}{}\n", key, value);
  };
  line("scenario:", fmt::format("{} ({})", optional_attribute(f, "scenario_name"),
                                optional_attribute(f, "scenario_file")));
  line("format:", fmt::format("{} {}", optional_attribute(f, "format"),
                              optional_attribute(f, "format_version")));
  line("status:", optional_attribute(f, "status"));
  line("stsim:", fmt::format("{} ({})", optional_attribute(f, "stsim_version"),
                             optional_attribute(f, "git_revision")));
  line("command line:", optional_attribute(f, "command_line"));
  line("seed:", optional_attribute(f, "seed"));
  line("threads:", optional_attribute(f, "threads"));
  line("processes:", optional_attribute(f, "processes"));
  if (f.has_attribute("/", "shard_count")) {
    line("shard:",
         fmt::format("slice {} of {} (its points only; join the slices with stsim merge)",
                     f.attribute_text("/", "shard_index"), f.attribute_text("/", "shard_count")));
  }
  line("design:", fmt::format("{}, {} point(s)", optional_attribute(f, "design"),
                              optional_attribute(f, "points")));
  std::string stopping = optional_attribute(f, "stopping");
  if (stopping == "precision") {
    stopping +=
        fmt::format(": relative error of {} <= {}", optional_attribute(f, "precision_metric"),
                    optional_attribute(f, "precision_relative_error"));
  }
  line("replications:", stopping);
  line("horizon (hours):", optional_attribute(f, "horizon_hours"));
  line("started:", optional_attribute(f, "started"));
  line("finished:", optional_attribute(f, "finished"));
  if (f.exists("/runtime")) {
    line("wall time (s):", number(f.attribute_double("/runtime", "total_wall_seconds")));
    line("tasks per second:", number(f.attribute_double("/runtime", "tasks_per_second")));
  }
  if (f.exists("/rare_event/harm_rate/effective_sample_size")) {
    // Importance sampling: the diagnostics of the harm rate, per point.
    const auto sampled = f.integers("/rare_event/importance_sampled");
    const auto error = f.doubles("/rare_event/harm_rate/relative_error");
    const auto ess = f.doubles("/rare_event/harm_rate/effective_sample_size");
    const auto largest = f.doubles("/rare_event/harm_rate/largest_weight_share");
    const auto gain = f.doubles("/rare_event/harm_rate/variance_ratio");
    line("estimator:", f.attribute_text("/rare_event", "method"));
    for (std::size_t p = 0; p < sampled.size() && p < ess.size(); ++p) {
      line(p == 0 ? "harm_rate weights:" : "",
           sampled[p] == 0
               ? fmt::format("point {}: plain Monte Carlo", p)
               : fmt::format("point {}: relative error {}, effective sample {}, largest weight's "
                             "share {}, variance ratio {}",
                             p, number(error[p]), number(ess[p]), number(largest[p]),
                             number(gain[p])));
    }
  }
  line("fingerprint:", optional_attribute(f, "fingerprint"));
  return out;
}

namespace {

// The 95% interval as shown: "[low, high]", the zero-event bound, or why there is none.
std::string interval_text(std::uint64_t n, bool pooled, std::uint64_t count, double low,
                          double high, double upper) {
  // n = 0: a point this file did not run (another slice of a sharded run).
  if (n == 0) return "(not run here)";
  if (pooled && count == 0) return fmt::format("< {} (none seen)", number(upper));
  return fmt::format("[{}, {}]", number(low), number(high));
}

// The paired differences of one metric against the baseline, when the file has them:
// the column both tables end with, before the label.
class Paired {
 public:
  Paired(const ResultFile& f, const std::string& metric, std::uint64_t points) {
    const std::string g = "/paired/" + metric;
    if (!f.exists(g + "/mean")) return;
    for (const char* name : {"mean", "ci_low", "ci_high"})
      f.require_shape(g + "/" + name, {points});
    mean_ = f.doubles(g + "/mean");
    low_ = f.doubles(g + "/ci_low");
    high_ = f.doubles(g + "/ci_high");
  }
  std::string header(const char* title) const {
    return mean_.empty() ? "" : fmt::format("  {:>34}", title);
  }
  // The difference at point p with its interval, then the label: the end of a row.
  std::string row_end(std::size_t p, const std::string& label) const {
    std::string out;
    if (!mean_.empty()) {
      out = fmt::format("  {:>34}", fmt::format("{} [{}, {}]", number(mean_[p]), number(low_[p]),
                                                number(high_[p])));
    }
    return out + fmt::format("  {}\n", label);
  }

 private:
  std::vector<double> mean_, low_, high_;
};

}  // namespace

std::string headline_table(const ResultFile& f) {
  // Every column is checked against the points before any is read: a short one would be
  // read past its end.
  const std::uint64_t points = f.attribute_integer("/", "points");
  for (const char* name :
       {"/design/point_label", "/results/harm_rate/n", "/results/model_error_rate/mean",
        "/results/harm_rate/mean", "/results/harm_rate/ci_low", "/results/harm_rate/ci_high",
        "/results/harm_rate/upper_bound", "/results/harm_rate/count"}) {
    f.require_shape(name, {points});
  }
  const Paired paired(f, "harm_rate", points);
  const auto labels = f.strings("/design/point_label");
  const auto n = f.integers("/results/harm_rate/n");
  const auto error = f.doubles("/results/model_error_rate/mean");
  const auto harm = f.doubles("/results/harm_rate/mean");
  const auto low = f.doubles("/results/harm_rate/ci_low");
  const auto high = f.doubles("/results/harm_rate/ci_high");
  const auto upper = f.doubles("/results/harm_rate/upper_bound");
  const auto count = f.integers("/results/harm_rate/count");
  // The label comes last, whole: sweep labels differ anywhere, often at the end.
  std::string out = fmt::format("{:>5}  {:>8}  {:>16}  {:>10}  {:>25}", "point", "reps",
                                "model error rate", "harm rate", "harm rate 95% CI");
  out += paired.header("harm rate vs baseline [95% CI]") + "  label\n";
  for (std::size_t p = 0; p < labels.size(); ++p) {
    out += fmt::format("{:>5}  {:>8}  {:>16}  {:>10}  {:>25}", p, n[p], number(error[p]),
                       number(harm[p]),
                       interval_text(n[p], true, count[p], low[p], high[p], upper[p]));
    out += paired.row_end(p, labels[p]);
  }
  return out;
}

std::vector<std::string> metric_names(const ResultFile& f) { return f.children("/results"); }

FileError unknown_metric(const ResultFile& file, const std::string& metric,
                         const std::vector<std::string>& known) {
  const std::string near = scenario::closest(metric, known);
  return FileError(fmt::format("{}: the file has no metric '{}'{}", file.path(), metric,
                               near.empty() ? "; see docs/output.md for the metrics"
                                            : fmt::format("; did you mean '{}'?", near)));
}

std::string metric_table(const ResultFile& f, const std::string& metric) {
  const std::string g = "/results/" + metric;
  if (!f.exists(g + "/mean")) throw unknown_metric(f, metric, metric_names(f));
  const bool pooled = f.exists(g + "/count");
  // Every column is checked against the points before any is read (see headline_table).
  const std::uint64_t points = f.attribute_integer("/", "points");
  f.require_shape("/design/point_label", {points});
  for (const char* name : {"n", "mean", "stderr", "ci_low", "ci_high"}) {
    f.require_shape(g + "/" + name, {points});
  }
  if (pooled) {
    for (const char* name : {"count", "upper_bound"}) f.require_shape(g + "/" + name, {points});
  }
  const Paired paired(f, metric, points);
  const auto labels = f.strings("/design/point_label");
  const auto n = f.integers(g + "/n");
  const auto mean = f.doubles(g + "/mean");
  const auto se = f.doubles(g + "/stderr");
  const auto low = f.doubles(g + "/ci_low");
  const auto high = f.doubles(g + "/ci_high");
  const auto count = pooled ? f.integers(g + "/count") : std::vector<std::uint64_t>(n.size());
  const auto upper = pooled ? f.doubles(g + "/upper_bound") : std::vector<double>(n.size());
  std::string out =
      fmt::format("{} ({}, {}; 95% interval {}): {}\n", metric, f.attribute_string(g, "kind"),
                  f.attribute_string(g, "unit"), f.attribute_string(g, "interval"),
                  f.attribute_string(g, "description"));
  out += fmt::format("{:>5}  {:>8}  {:>10}  {:>10}  {:>25}", "point", "reps", "estimate", "stderr",
                     "95% interval");
  out += paired.header("vs baseline [95% interval]") + "  label\n";
  for (std::size_t p = 0; p < labels.size(); ++p) {
    out +=
        fmt::format("{:>5}  {:>8}  {:>10}  {:>10}  {:>25}", p, n[p], number(mean[p]), number(se[p]),
                    interval_text(n[p], pooled, count[p], low[p], high[p], upper[p]));
    out += paired.row_end(p, labels[p]);
  }
  return out;
}

std::string queue_table(const ResultFile& f) {
  if (!f.is_group("/queues")) return "";
  const std::uint64_t points = f.attribute_integer("/", "points");
  const auto pools = f.strings("/pool");
  const std::vector<std::uint64_t> shape = {points, pools.size()};
  f.require_shape("/design/point_label", {points});
  const char* const measures[] = {"wait_probability", "mean_time_in_system", "time_in_system_p90",
                                  "time_in_system_p99", "utilisation"};
  for (const char* m : measures) {
    for (const char* name : {"mean", "ci_low", "ci_high"})
      f.require_shape(fmt::format("/queues/{}/{}", m, name), shape);
  }
  auto mean = [&](const char* m) { return f.doubles(fmt::format("/queues/{}/mean", m)); };
  const auto labels = f.strings("/design/point_label");
  const auto waited = mean("wait_probability");
  const auto in_system = mean("mean_time_in_system");
  const auto low = f.doubles("/queues/mean_time_in_system/ci_low");
  const auto high = f.doubles("/queues/mean_time_in_system/ci_high");
  const auto p90 = mean("time_in_system_p90");
  const auto p99 = mean("time_in_system_p99");
  const auto utilisation = mean("utilisation");
  std::string out =
      "operator queues: share of reviews that waited, hours in the pool (mean, its 95% interval, "
      "90% and 99% quantiles), utilisation; '-' where the pool reviewed nothing\n";
  out +=
      fmt::format("{:>5}  {:>8}  {:>10}  {:>25}  {:>10}  {:>10}  {:>11}  {}\n", "point", "waited",
                  "in system", "95% interval", "p90", "p99", "utilisation", "pool  label");
  for (std::size_t p = 0; p < points; ++p) {
    for (std::size_t q = 0; q < pools.size(); ++q) {
      const std::size_t i = p * pools.size() + q;
      const std::string interval =
          std::isnan(low[i]) ? "-" : fmt::format("[{}, {}]", number(low[i]), number(high[i]));
      out += fmt::format("{:>5}  {:>8}  {:>10}  {:>25}  {:>10}  {:>10}  {:>11}  {}  {}\n", p,
                         number(waited[i]), number(in_system[i]), interval, number(p90[i]),
                         number(p99[i]), number(utilisation[i]), pools[q], labels[p]);
    }
  }
  return out;
}

std::string reviewer_table(const ResultFile& f) {
  if (!f.is_group("/reviewers")) return "";
  const std::uint64_t points = f.attribute_integer("/", "points");
  const auto pools = f.strings("/pool");
  const auto reviewers = f.integers("/reviewer").size();
  const std::vector<std::uint64_t> shape = {points, pools.size(), reviewers};
  f.require_shape("/design/point_label", {points});
  for (const char* m : {"reviews", "share", "catch_rate", "missed", "trust"}) {
    for (const char* name : {"n", "mean", "ci_low", "ci_high"})
      f.require_shape(fmt::format("/reviewers/{}/{}", m, name), shape);
  }
  auto mean = [&](const char* m) { return f.doubles(fmt::format("/reviewers/{}/mean", m)); };
  const auto labels = f.strings("/design/point_label");
  const auto present = f.integers("/reviewers/reviews/n");
  const auto share = mean("share");
  const auto catches = mean("catch_rate");
  const auto low = f.doubles("/reviewers/catch_rate/ci_low");
  const auto high = f.doubles("/reviewers/catch_rate/ci_high");
  const auto missed = mean("missed");
  const auto trust = mean("trust");
  std::string out =
      "individual reviewers: share of the pool's reviews, share of the hazards reviewed that "
      "were caught (its 95% interval), hazards passed per replication, trust at the horizon; "
      "'-' where a reviewer saw no hazard\n";
  out += fmt::format("{:>5}  {:>8}  {:>10}  {:>25}  {:>10}  {:>8}  {}\n", "point", "share",
                     "caught", "95% interval", "missed", "trust", "pool  reviewer  label");
  for (std::size_t p = 0; p < points; ++p) {
    for (std::size_t q = 0; q < pools.size(); ++q) {
      for (std::size_t k = 0; k < reviewers; ++k) {
        const std::size_t i = (p * pools.size() + q) * reviewers + k;
        if (present[i] == 0) continue;  // not an individual pool, or no such reviewer here
        const std::string interval =
            std::isnan(low[i]) ? "-" : fmt::format("[{}, {}]", number(low[i]), number(high[i]));
        out += fmt::format("{:>5}  {:>8}  {:>10}  {:>25}  {:>10}  {:>8}  {}  {:>8}  {}\n", p,
                           number(share[i]), number(catches[i]), interval, number(missed[i]),
                           number(trust[i]), pools[q], k, labels[p]);
      }
    }
  }
  return out;
}

namespace {

std::string worst_case_table(const ResultFile& f) {
  const std::string g = "/worst_case";
  const auto searches = f.shape(g + "/argmin").at(0);
  for (const char* name : {"label", "minimum", "ci_low", "ci_high", "bracket_low", "bracket_high"})
    f.require_shape(g + "/" + name, {searches});
  const auto metric = f.attribute_string(g, "metric");
  const auto labels = f.strings(g + "/label");
  const auto argmin = f.doubles(g + "/argmin");
  const auto minimum = f.doubles(g + "/minimum");
  const auto low = f.doubles(g + "/ci_low");
  const auto high = f.doubles(g + "/ci_high");
  const auto bracket_low = f.doubles(g + "/bracket_low");
  const auto bracket_high = f.doubles(g + "/bracket_high");
  std::string out = fmt::format(
      "worst case: {} in [{}, {}] ({} scale) chosen for the least {}, {} replications per "
      "evaluation\n",
      f.attribute_string(g, "parameter"), number(f.attribute_double(g, "low")),
      number(f.attribute_double(g, "high")), f.attribute_string(g, "scale"), metric,
      f.attribute_integer(g, "replications"));
  out += fmt::format("{:>6}  {:>10}  {:>10}  {:>25}  {:>25}  label\n", "search", "arg-min", metric,
                     "95% interval", "bracket");
  for (std::size_t s = 0; s < searches; ++s) {
    out += fmt::format("{:>6}  {:>10}  {:>10}  {:>25}  {:>25}  {}\n", s, number(argmin[s]),
                       number(minimum[s]), fmt::format("[{}, {}]", number(low[s]), number(high[s])),
                       fmt::format("[{}, {}]", number(bracket_low[s]), number(bracket_high[s])),
                       labels[s]);
  }
  return out;
}

std::string uncertainty_table(const ResultFile& f) {
  const std::string g = "/uncertainty/harm_rate";
  if (!f.is_group(g)) return "";
  auto scalar = [&](const std::string& name) {
    f.require_shape(g + "/" + name, {});
    return f.doubles(g + "/" + name).front();
  };
  std::string out = fmt::format(
      "harm rate over the uncertain parameters ({} outer samples; sd from the parameters {}, "
      "inner standard error {})\n",
      f.integers(g + "/mean/n").front(), number(scalar("parameter_sd")),
      number(scalar("inner_stderr")));
  out += fmt::format("{:>8}  {:>10}  {:>25}\n", "summary", "estimate", "95% interval");
  for (const char* summary : {"mean", "median", "q05", "q95"}) {
    const std::string m = g + "/" + summary;
    out += fmt::format("{:>8}  {:>10}  {:>25}\n", summary, number(f.doubles(m + "/mean").front()),
                       fmt::format("[{}, {}]", number(f.doubles(m + "/ci_low").front()),
                                   number(f.doubles(m + "/ci_high").front())));
  }
  return out;
}

std::string sensitivity_table(const ResultFile& f) {
  const std::string g = "/sensitivity/harm_rate";
  if (!f.is_group(g)) return "";
  const auto indices = f.children(g);
  const auto dimensions = f.strings("/sensitivity/dimension_labels");
  std::vector<std::vector<double>> mean, low, high;
  std::string out = fmt::format("harm rate sensitivity ({} design), 95% intervals\n",
                                f.attribute_string("/sensitivity", "design"));
  for (const auto& index : indices) {
    for (const char* name : {"mean", "ci_low", "ci_high"})
      f.require_shape(g + "/" + index + "/" + name, {dimensions.size()});
    mean.push_back(f.doubles(g + "/" + index + "/mean"));
    low.push_back(f.doubles(g + "/" + index + "/ci_low"));
    high.push_back(f.doubles(g + "/" + index + "/ci_high"));
    out += fmt::format("{:>28}  ", index);
  }
  out += "dimension\n";
  for (std::size_t d = 0; d < dimensions.size(); ++d) {
    for (std::size_t i = 0; i < indices.size(); ++i) {
      out += fmt::format("{:>28}  ", fmt::format("{} [{}, {}]", number(mean[i][d]),
                                                 number(low[i][d]), number(high[i][d])));
    }
    out += dimensions[d] + "\n";
  }
  return out;
}

}  // namespace

std::string study_tables(const ResultFile& f) {
  std::string out;
  // Appended piece by piece: "\n" + a returned string trips GCC 12's -Wrestrict.
  for (const auto& [group, table] :
       {std::pair{"/worst_case", &worst_case_table}, std::pair{"/uncertainty", &uncertainty_table},
        std::pair{"/sensitivity", &sensitivity_table}}) {
    if (!f.is_group(group)) continue;
    out += '\n';
    out += table(f);
  }
  return out;
}

}  // namespace stsim::output
