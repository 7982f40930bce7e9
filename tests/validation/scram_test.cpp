// SCRAM (Debian's scram, an independent fault-tree tool) as an oracle for the static
// subset: `stsim graph --format mef` exports the scenario's static fault tree, SCRAM
// computes the top event's probability and the importance of every basic event, and
// they must agree with stsim's exact harm rate and importance measures (to SCRAM's six
// printed digits) and with the simulated measures (within 4 SE).

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>

#include "sim/analytic/analytic.h"
#include "sim/analytic/importance.h"
#include "sim/runner/runner.h"
#include "tests/validation/command.h"

namespace {

using namespace stsim;

using validation::run_command;
using validation::scenario_path;

// A case under tests/validation/ ("scenarios/...", or "fault-trees/..." for cases the
// validation suite and the golden fingerprints do not cover).
std::string case_path(const char* relative) {
  return std::string(STSIM_SOURCE_DIR) + "/tests/validation/" + relative;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The value of attribute `name` in an XML element's text.
double attribute(const std::string& element, const std::string& name) {
  const auto at = element.find(" " + name + "=\"");
  REQUIRE(at != std::string::npos);
  const auto start = at + name.size() + 3;
  return std::stod(element.substr(start, element.find('"', start) - start));
}

struct ScramReport {
  double probability = 0.0;
  std::map<std::string, std::string> importance;  // basic event -> its element
};

ScramReport scram(const char* file) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("stsim-scram-" + std::to_string(::getpid()) + "-" +
                                                std::filesystem::path(file).stem().string());
  std::filesystem::create_directories(dir);
  const auto mef = dir / "tree.xml", report = dir / "report.xml";
  const auto exported = run_command(std::string(STSIM_BINARY) + " graph --format mef " +
                                    case_path(file) + " -o " + mef.string());
  INFO(exported.text);
  REQUIRE(exported.status == 0);
  const auto analysed = run_command("scram --probability 1 --importance 1 " + mef.string() +
                                    " -o " + report.string());
  INFO(analysed.text);
  REQUIRE(analysed.status == 0);
  const std::string xml = read(report);
  ScramReport out;
  const auto sum = xml.find("<sum-of-products");
  REQUIRE(sum != std::string::npos);
  out.probability = attribute(xml.substr(sum, xml.find('>', sum) - sum), "probability");
  const auto section = xml.find("<importance");
  REQUIRE(section != std::string::npos);
  for (auto at = xml.find("<basic-event name=", section); at != std::string::npos;
       at = xml.find("<basic-event name=", at + 1)) {
    const std::string element = xml.substr(at, xml.find("/>", at) - at);
    const auto name_start = element.find('"') + 1;
    out.importance[element.substr(name_start, element.find('"', name_start) - name_start)] =
        element;
  }
  std::filesystem::remove_all(dir);
  return out;
}

// SCRAM's names for the measures. An infinite RRW (a perfect event removes the top event)
// it writes as 0, or as the reciprocal of its rounding residue (|RRW| ~ 1e15).
double scram_measure(const std::string& element, model::ImportanceMeasure m) {
  switch (m) {
    case model::ImportanceMeasure::birnbaum:
      return attribute(element, "MIF");
    case model::ImportanceMeasure::fussell_vesely:
      return attribute(element, "CIF");  // p dP/dp / P = (P - P(p = 0)) / P for a coherent tree
    case model::ImportanceMeasure::raw:
      return attribute(element, "RAW");
    case model::ImportanceMeasure::rrw: {
      const double rrw = attribute(element, "RRW");
      return rrw == 0.0 || std::abs(rrw) > 1e12 ? std::numeric_limits<double>::infinity() : rrw;
    }
  }
  return 0.0;
}

void check_against_scram(const char* file, std::uint32_t replications) {
  const auto report = scram(file);
  const auto loaded = scenario::load_file(case_path(file));
  REQUIRE(loaded.ok());
  const auto& spec = loaded.scenario->spec;
  CHECK(report.probability ==
        Approx(analytic::analyse(spec).find("harm_rate")->value).epsilon(1e-5));

  runner::RunOptions options;
  options.threads = 2;
  options.replications = replications;
  const auto plan = runner::importance_plan(*loaded.scenario, options);
  const auto measured = runner::importance_measures(runner::run_plan(plan, options));
  const auto exact = analytic::exact_importance(spec);
  REQUIRE(report.importance.size() == exact.size());
  const auto& harm = measured.metrics.front();
  for (std::size_t j = 0; j < exact.size(); ++j) {
    REQUIRE(report.importance.count(exact[j].id) == 1);
    const auto& element = report.importance.at(exact[j].id);
    for (std::size_t k = 0; k < model::importance_measure_count; ++k) {
      const auto m = static_cast<model::ImportanceMeasure>(k);
      const double theirs = scram_measure(element, m);
      const double ours = model::value_of(exact[j].measures, m);
      const auto& e = harm.measures[k][j];
      INFO(file << ": " << exact[j].id << " " << model::to_string(m) << ": SCRAM " << theirs
                << ", exact " << ours << ", simulated " << e.value << " (SE " << e.standard_error
                << ")");
      if (std::isinf(theirs)) {
        CHECK(std::isinf(ours));
        CHECK(std::isinf(e.value));
        continue;
      }
      CHECK(ours == Approx(theirs).epsilon(1e-5));
      if (e.standard_error > 0.0) {
        CHECK(std::abs(e.value - theirs) < 4.0 * e.standard_error);
      } else {
        CHECK(e.value == Approx(theirs).epsilon(1e-5));
      }
    }
  }
}

}  // namespace

TEST_CASE("SCRAM agrees on the static fault tree of two independent layers",
          "[validation][importance][statistical]") {
  check_against_scram("scenarios/independent-layers.toml", 400);
}

TEST_CASE("SCRAM agrees on the static fault tree of a chain of every kind of layer",
          "[validation][importance][statistical]") {
  check_against_scram("fault-trees/static-chain.toml", 300);
}

TEST_CASE("stsim graph --format mef refuses a scenario outside the static subset, saying why",
          "[validation][importance]") {
  const auto out = run_command(std::string(STSIM_BINARY) + " graph --format mef " +
                               scenario_path("beta-factor-pair.toml"));
  CHECK(out.status == 2);
  CHECK_THAT(out.text, Catch::Contains("error: no static fault tree: the layers are not "
                                       "independent"));
  const auto misuse = run_command(std::string(STSIM_BINARY) + " graph --format mef " +
                                  scenario_path("refusal-and-misuse.toml"));
  CHECK(misuse.status == 2);
  CHECK_THAT(misuse.text, Catch::Contains("malicious_share"));
}
