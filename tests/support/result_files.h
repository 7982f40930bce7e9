#pragma once
// Two result files hold the same results bit for bit: every dataset but the wall times,
// which are the one thing allowed to differ between runs of the same seed.

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "sim/output/hdf5_file.h"

namespace stsim::test {

// Every dataset under `group`, by absolute path, in name order.
inline void collect_datasets(const output::ResultFile& file, const std::string& group,
                             std::vector<std::string>& out) {
  for (const auto& child : file.children(group)) {
    const auto path = (group == "/" ? "/" : group + "/") + child;
    try {
      file.children(path);
      collect_datasets(file, path, out);
    } catch (const output::FileError&) {
      out.push_back(path);  // not a group: a dataset
    }
  }
}

// Compares every dataset of two files (and the fingerprint); returns how many datasets.
inline std::size_t require_same_results(const std::string& path_a, const std::string& path_b) {
  const output::ResultFile a(path_a), b(path_b);
  std::vector<std::string> datasets, other;
  collect_datasets(a, "/", datasets);
  collect_datasets(b, "/", other);
  REQUIRE(datasets == other);
  for (const auto& d : datasets) {
    if (d == "/runtime/wall_seconds") continue;
    INFO(d);
    CHECK(a.shape(d) == b.shape(d));
    std::vector<double> x, y;
    try {
      x = a.doubles(d);
    } catch (const output::FileError&) {
      CHECK(a.strings(d) == b.strings(d));  // not numeric: text
      continue;
    }
    y = b.doubles(d);
    REQUIRE(x.size() == y.size());
    CHECK(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
  }
  CHECK(a.attribute_string("/", "fingerprint") == b.attribute_string("/", "fingerprint"));
  return datasets.size();
}

}  // namespace stsim::test
