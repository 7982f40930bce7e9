// Kept apart from check.cpp so that programs using only the graph checks do not pull in
// the TOML loader.
#include <algorithm>
#include <iterator>
#include <tuple>

#include "sim/structure/check.h"

namespace stsim::structure {

namespace {

// `whole_sweep`: also check every design of edges the scenario's sweep can switch to;
// a single sweep point is one design, checked as it is.
scenario::LoadResult add_checks(scenario::LoadResult result, bool whole_sweep) {
  if (!result.ok()) return result;
  std::vector<scenario::Diagnostic> found =
      whole_sweep ? check(result.scenario->spec, result.scenario->sweep)
                  : check(result.scenario->spec);
  const bool failed = std::any_of(found.begin(), found.end(), [](const scenario::Diagnostic& d) {
    return d.severity == scenario::Diagnostic::Severity::error;
  });
  result.diagnostics.insert(result.diagnostics.end(), std::make_move_iterator(found.begin()),
                            std::make_move_iterator(found.end()));
  // One list in file order, as a compiler reports.
  std::stable_sort(
      result.diagnostics.begin(), result.diagnostics.end(), [](const auto& a, const auto& b) {
        return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
      });
  if (failed) result.scenario.reset();
  return result;
}

}  // namespace

scenario::LoadResult load_checked(const std::string& path,
                                  const std::vector<scenario::Assignment>& overrides) {
  return add_checks(scenario::load_file(path, overrides), true);
}

scenario::LoadResult with_assignments_checked(
    const scenario::Scenario& base, const std::vector<scenario::Assignment>& assignments) {
  return add_checks(scenario::with_assignments(base, assignments), false);
}

}  // namespace stsim::structure
