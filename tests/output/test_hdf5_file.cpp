#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "../runner/fake_model.h"
#include "sim/output/hdf5_file.h"

using namespace stsim;
namespace fs = std::filesystem;

namespace {

// A fresh directory per test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("stsim-output-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

bool same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

runner::RunResult sample_result() {
  auto plan = test::reliability_plan({0.9, 0.99, 1.0}, 0.9);
  plan.base.file = "scenarios/sample.toml";
  plan.base.text = "[scenario]\nname = \"sample\"  # \xc3\xa9t\xc3\xa9 \"quoted\"\n";
  plan.base.overrides = {{"model.reliability", 0.9}, {"review.count", std::int64_t{3}}};
  plan.design.columns[0].labels = {"low", "high", "perfect"};
  runner::RunOptions options;
  options.threads = 2;
  options.command_line = "stsim run scenarios/sample.toml --threads 2";
  return runner::run_plan(plan, options, test::fake_factory(100));
}

}  // namespace

TEST_CASE("every dataset round-trips through the file", "[output]") {
  TempDir dir;
  const auto result = sample_result();
  const auto path = (dir.path / "out.h5").string();
  output::write_results(result, path);
  REQUIRE(fs::exists(path));
  CHECK_FALSE(fs::exists(output::partial_path(path)));

  const output::ResultFile file(path);
  CHECK(file.attribute_string("/", "format") == "stsim-results");
  CHECK(file.attribute_integer("/", "format_version") == 3);
  CHECK(file.attribute_string("/", "status") == "complete");
  CHECK(file.attribute_integer("/", "seed") == 7);
  CHECK(file.attribute_integer("/", "threads") == 2);
  CHECK(file.attribute_integer("/", "points") == 3);
  CHECK(file.attribute_string("/", "design") == "grid");
  CHECK(file.attribute_string("/", "command_line") == result.command_line);
  CHECK(file.attribute_string("/", "scenario_file") == "scenarios/sample.toml");
  CHECK(file.attribute_string("/", "fingerprint") == result.fingerprint);
  CHECK(file.attribute_integer("/", "common_random_numbers") == 1);
  CHECK(file.attribute_double("/", "horizon_hours") == 100.0);
  CHECK(file.attribute_integer("/", "time_bins") == 4);

  // The scenario text comes back byte for byte (UTF-8 and quotes included).
  CHECK(file.strings("/scenario/text") == std::vector<std::string>{result.plan.base.text});
  CHECK(file.strings("/scenario/overrides") ==
        std::vector<std::string>{"model.reliability=0.9", "review.count=3"});
  CHECK(file.strings("/scenario/resolved") == result.plan.resolved);

  CHECK(file.strings("/design/point_label") == result.plan.design.point_labels);
  CHECK(file.doubles("/design/columns/0") == std::vector<double>{0.9, 0.99, 1.0});
  CHECK(file.attribute_string("/design/columns/0", "path") == "model.reliability");
  CHECK(file.strings("/design/labels/0") == std::vector<std::string>{"low", "high", "perfect"});
  CHECK(file.integers("/design/baseline") == std::vector<std::uint64_t>{0});

  for (const char* root : {"/results", "/paired"}) {
    const bool paired = std::string(root) == "/paired";
    CHECK(file.children(root).size() == runner::metric_count);
    for (const auto& m : runner::metric_table()) {
      const auto k = static_cast<std::size_t>(m.id);
      const std::string g = std::string(root) + "/" + m.name;
      INFO(g);
      const auto n = file.integers(g + "/n");
      const auto mean = file.doubles(g + "/mean");
      const auto se = file.doubles(g + "/stderr");
      const auto lo = file.doubles(g + "/ci_low");
      const auto hi = file.doubles(g + "/ci_high");
      REQUIRE(mean.size() == 3);
      for (std::size_t p = 0; p < 3; ++p) {
        const auto& s = paired ? result.points[p].paired[k] : result.points[p].metrics[k];
        CHECK(n[p] == s.n);
        CHECK(same(mean[p], s.mean));
        CHECK(same(se[p], s.standard_error));
        CHECK(same(lo[p], s.ci_low));
        CHECK(same(hi[p], s.ci_high));
      }
      const bool pooled = !paired && m.kind != runner::MetricKind::mean;
      CHECK(file.exists(g + "/count") == pooled);
      if (pooled) {
        const auto count = file.integers(g + "/count");
        const auto exposure = file.doubles(g + "/exposure");
        const auto upper = file.doubles(g + "/upper_bound");
        for (std::size_t p = 0; p < 3; ++p) {
          CHECK(count[p] == result.points[p].metrics[k].count);
          CHECK(same(exposure[p], result.points[p].metrics[k].exposure));
          CHECK(same(upper[p], result.points[p].metrics[k].upper_bound));
        }
        CHECK(file.attribute_string(g, "interval") == runner::to_string(m.interval));
      }
      CHECK(file.attribute_string(g, "kind") == (paired ? "mean" : runner::to_string(m.kind)));
      CHECK_FALSE(file.attribute_string(g, "unit").empty());
      CHECK_FALSE(file.attribute_string(g, "description").empty());
    }
  }
  std::vector<std::uint64_t> censored;
  for (const auto& p : result.points) censored.push_back(p.time_to_first_harm_censored);
  CHECK(file.integers("/results/time_to_first_harm/censored") == censored);
  // The perfect model has no harm: a zero-event upper bound, NaN where there were harms.
  const auto upper = file.doubles("/results/harm_rate/upper_bound");
  CHECK(std::isnan(upper[0]));
  CHECK(upper[2] > 0.0);

  CHECK(file.shape("/attribution/harms_by_origin") == std::vector<std::uint64_t>{3, 6});
  CHECK(file.attribute_strings("/attribution/harms_by_origin", "names") ==
        std::vector<std::string>{"model_error", "misuse", "operator_induced", "attack", "omission",
                                 "late"});
  const auto origin = file.integers("/attribution/harms_by_origin");
  const auto last = file.integers("/attribution/harms_by_last_layer");
  const auto near = file.integers("/attribution/near_misses_by_layer");
  CHECK(file.shape("/attribution/harms_by_last_layer") == std::vector<std::uint64_t>{3, 3});
  for (std::size_t p = 0; p < 3; ++p) {
    for (std::size_t o = 0; o < 6; ++o)
      CHECK(origin[p * 6 + o] == result.points[p].harms_by_origin[o]);
    for (std::size_t c = 0; c < 3; ++c) {
      CHECK(last[p * 3 + c] == result.points[p].harms_by_last_layer[c]);
      CHECK(near[p * 3 + c] == result.points[p].near_misses_by_layer[c]);
    }
  }
  auto column = [&](auto f) {
    std::vector<std::uint64_t> v;
    for (const auto& p : result.points) v.push_back(f(p));
    return v;
  };
  CHECK(file.integers("/attribution/harms_latent_involved") ==
        column([](const auto& p) { return p.harms_latent_involved; }));
  CHECK(file.integers("/attribution/harms_common_cause") ==
        column([](const auto& p) { return p.harms_common_cause; }));
  CHECK(file.integers("/attribution/model_errors_no_harm") ==
        column([](const auto& p) { return p.model_errors_no_harm; }));
  CHECK(file.strings("/attribution/components") == result.components);
  CHECK(file.strings("/attribution/component_kinds") ==
        std::vector<std::string>{"source", "ai", "outcome"});

  CHECK(file.doubles("/timeseries/bin_edges_hours") == result.bin_edges_hours);
  CHECK(file.doubles("/first_harm/bin_edges_hours") == result.bin_edges_hours);
  CHECK(file.shape("/timeseries/harms_mean") == std::vector<std::uint64_t>{3, 4});
  const auto hm = file.doubles("/timeseries/harms_mean");
  const auto hs = file.doubles("/timeseries/harms_stderr");
  const auto fh = file.integers("/first_harm/counts");
  for (std::size_t p = 0; p < 3; ++p) {
    for (std::size_t b = 0; b < 4; ++b) {
      CHECK(same(hm[p * 4 + b], result.points[p].harms_mean[b]));
      CHECK(same(hs[p * 4 + b], result.points[p].harms_stderr[b]));
      CHECK(fh[p * 4 + b] == result.points[p].first_harm_counts[b]);
    }
  }
  CHECK(file.integers("/first_harm/censored") ==
        column([](const auto& p) { return p.first_harm_censored; }));
  const auto survival = file.doubles("/first_harm/survival");
  CHECK(file.shape("/first_harm/survival") == std::vector<std::uint64_t>{3, 5});
  for (std::size_t p = 0; p < 3; ++p) {
    for (std::size_t b = 0; b < 5; ++b) {
      CHECK(same(survival[p * 5 + b], result.points[p].evidence.survival.survival[b]));
    }
  }
  const auto rate = file.doubles("/evidence/first_harm_rate/mean");
  const auto lower = file.doubles("/evidence/mean_time_to_first_harm/lower_bound");
  for (std::size_t p = 0; p < 3; ++p) {
    CHECK(same(rate[p], result.points[p].evidence.first_harm.rate));
    CHECK(same(lower[p], result.points[p].evidence.first_harm.mean_time_lower));
  }
  CHECK(file.attribute_string("/evidence/first_harm_rate", "interval") == "chi-square");
  // No point has a harm rate target: no acceptance test.
  CHECK_FALSE(file.exists("/acceptance"));

  CHECK(file.integers("/runtime/replications") ==
        column([](const auto& p) { return p.replications; }));
  CHECK(file.integers("/runtime/tasks") == column([](const auto& p) { return p.tasks; }));
  CHECK(file.integers("/runtime/events") == column([](const auto& p) { return p.events; }));
  CHECK(file.doubles("/runtime/wall_seconds").size() == 3);
  CHECK(file.attribute_double("/runtime", "total_wall_seconds") == result.total_wall_seconds);
  CHECK(file.attribute_double("/runtime", "tasks_per_second") >= 0.0);
}

TEST_CASE("the acceptance test of a harm rate target is written per point", "[output]") {
  TempDir dir;
  auto plan = test::reliability_plan({0.9, 0.99});
  for (auto& spec : plan.specs) spec.harm_rate_target = 0.05;
  plan.specs[1].harm_rate_target = 0.0;
  runner::RunOptions options;
  options.threads = 2;
  const auto result = runner::run_plan(plan, options, test::fake_factory(100));
  const auto path = (dir.path / "out.h5").string();
  output::write_results(result, path);
  const output::ResultFile file(path);
  const auto& e = result.points[0].evidence;
  CHECK(file.strings("/acceptance/verdict") ==
        std::vector<std::string>{stats::to_string(e.acceptance.verdict), "untested"});
  CHECK(file.doubles("/acceptance/upper_bound")[0] == e.acceptance.upper);
  CHECK(file.integers("/acceptance/failure_free_tasks")[0] ==
        stats::trials_for_zero_event_claim(0.05));
  CHECK(file.attribute_string("/acceptance", "metric") == "harm_rate");
  CHECK(file.dimensions("/acceptance/verdict") == std::vector<std::string>{"point"});
}

TEST_CASE("every dataset names its axes with dimension scales, for netCDF readers", "[output]") {
  TempDir dir;
  const auto result = sample_result();
  const auto path = (dir.path / "axes.h5").string();
  output::write_results(result, path);
  const output::ResultFile file(path);
  using Axes = std::vector<std::string>;
  CHECK(file.integers("/point") == std::vector<std::uint64_t>{0, 1, 2});
  CHECK(file.strings("/component") == result.components);
  CHECK(file.strings("/origin") == std::vector<std::string>{"model_error", "misuse",
                                                            "operator_induced", "attack",
                                                            "omission", "late"});
  CHECK(file.strings("/override") == file.strings("/scenario/overrides"));
  CHECK(file.doubles("/bin_edge") == result.bin_edges_hours);
  const auto centres = file.doubles("/time_bin");
  REQUIRE(centres.size() == 4);
  CHECK(centres[0] == 12.5);  // horizon 100 h in 4 bins
  CHECK(file.attribute_string("/time_bin", "unit") == "hours");
  for (const char* name : {"/point", "/component", "/time_bin", "/bin_edge", "/origin"}) {
    INFO(name);
    CHECK(file.dimensions(name) == Axes{std::string(name).substr(1)});  // a scale names itself
  }
  for (const char* root : {"/results", "/paired"}) {
    for (const auto& metric : file.children(root)) {
      for (const auto& dataset : file.children(std::string(root) + "/" + metric)) {
        const std::string name = std::string(root) + "/" + metric + "/" + dataset;
        INFO(name);
        CHECK(file.dimensions(name) == Axes{"point"});
      }
    }
  }
  CHECK(file.dimensions("/design/point_label") == Axes{"point"});
  CHECK(file.dimensions("/design/columns/0") == Axes{"point"});
  CHECK(file.dimensions("/design/labels/0") == Axes{"point"});
  CHECK(file.dimensions("/scenario/resolved") == Axes{"point"});
  CHECK(file.dimensions("/scenario/overrides") == Axes{"override"});
  CHECK(file.dimensions("/scenario/text").empty());
  CHECK(file.dimensions("/attribution/harms_by_origin") == Axes{"point", "origin"});
  CHECK(file.dimensions("/attribution/near_misses_by_layer") == Axes{"point", "component"});
  CHECK(file.dimensions("/attribution/harms_by_last_layer") == Axes{"point", "component"});
  CHECK(file.dimensions("/attribution/component_labels") == Axes{"component"});
  CHECK(file.dimensions("/timeseries/harms_mean") == Axes{"point", "time_bin"});
  CHECK(file.dimensions("/timeseries/bin_edges_hours") == Axes{"bin_edge"});
  CHECK(file.dimensions("/first_harm/counts") == Axes{"point", "time_bin"});
  CHECK(file.dimensions("/runtime/wall_seconds") == Axes{"point"});
  // Labels in words, for figures and tables.
  CHECK(file.attribute_string("/design/columns/0", "label") == "model reliability");
  CHECK(file.attribute_string("/design/columns/0", "unit").empty());
  CHECK(file.strings("/attribution/component_labels") ==
        std::vector<std::string>{"users", "model", "world"});
  // A fixed count records no precision outcome.
  CHECK_FALSE(file.exists("/runtime/precision_target_met"));
}

TEST_CASE("a precision run records per point whether it met its target", "[output]") {
  TempDir dir;
  auto plan = test::reliability_plan({0.9, 1.0});
  auto& r = plan.replications;
  r.precision = true;
  r.metric = runner::MetricId::harm_rate;
  r.relative_error = 0.2;
  r.min_replications = 8;
  r.max_replications = 24;
  r.block_size = 8;
  runner::RunOptions options;
  options.threads = 1;
  const auto result = runner::run_plan(plan, options, test::fake_factory(100));
  const auto path = (dir.path / "precision.h5").string();
  output::write_results(result, path);
  const output::ResultFile file(path);
  // Reliability 0.9 reaches 20% relative error at once; the perfect model never has a harm
  // to estimate a relative error from, and stops at the maximum.
  CHECK(file.integers("/runtime/precision_target_met") == std::vector<std::uint64_t>{1, 0});
  CHECK(file.integers("/runtime/replications") == std::vector<std::uint64_t>{8, 24});
  CHECK(file.dimensions("/runtime/precision_target_met") == std::vector<std::string>{"point"});
}

namespace {

// A fake-model sweep over `points` reliabilities from `first` by `step`.
runner::RunResult sweep_result(int points, double first, double step, std::uint32_t replications) {
  std::vector<double> reliabilities;
  for (int i = 0; i < points; ++i) reliabilities.push_back(first + step * i);
  auto plan = test::reliability_plan(reliabilities);
  plan.replications.max_replications = replications;
  plan.replications.block_size = replications;
  runner::RunOptions options;
  options.threads = 1;
  return runner::run_plan(plan, options, test::fake_factory(10));
}

}  // namespace

TEST_CASE("large column datasets are chunked and still read back", "[output]") {
  TempDir dir;
  const auto result = sweep_result(70, 0.9, 0.001, 2);
  const auto path = (dir.path / "big.h5").string();
  output::write_results(result, path);
  const output::ResultFile file(path);
  CHECK(file.doubles("/design/columns/0") == result.plan.design.columns[0].numbers);
  const auto mean = file.doubles("/results/harm_rate/mean");
  REQUIRE(mean.size() == 70);
  for (std::size_t p = 0; p < 70; ++p) CHECK(same(mean[p], result.points[p].metrics[0].mean));
}

TEST_CASE("a sweep of more points than an HDF5 attribute can hold writes and reads back",
          "[output]") {
  // 10,000 points: a per-point attribute (8 bytes each) would pass HDF5's 64 kB limit.
  TempDir dir;
  const auto path = (dir.path / "wide.h5").string();
  output::write_results(sweep_result(10000, 0.5, 0.00004, 1), path);
  const output::ResultFile file(path);
  CHECK(file.integers("/results/time_to_first_harm/censored").size() == 10000);
  CHECK(file.attribute_integer("/", "points") == 10000);
}

TEST_CASE("a failed write leaves neither the file nor its partial", "[output]") {
  TempDir dir;
  const auto result = sample_result();
  const auto path = (dir.path / "missing-dir" / "out.h5").string();
  CHECK_THROWS_AS(output::write_results(result, path), output::FileError);
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(output::partial_path(path)));

  auto stopped = result;
  stopped.complete = false;
  const auto other = (dir.path / "stopped.h5").string();
  CHECK_THROWS_WITH(output::write_results(stopped, other), Catch::Contains("incomplete"));
  CHECK_FALSE(fs::exists(other));
  CHECK_FALSE(fs::exists(output::partial_path(other)));
}

TEST_CASE("the reader rejects missing and foreign files clearly", "[output]") {
  TempDir dir;
  CHECK_THROWS_WITH(output::ResultFile((dir.path / "nope.h5").string()),
                    Catch::Contains("no such file"));
  const auto text = (dir.path / "text.h5").string();
  std::ofstream(text) << "not hdf5\n";
  CHECK_THROWS_WITH(output::ResultFile(text), Catch::Contains("not an HDF5 file"));
}
