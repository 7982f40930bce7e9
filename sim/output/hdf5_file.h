#pragma once
// The stsim result file (format "stsim-results", see docs/output.md): a writer that
// never leaves a complete-looking file behind on failure, and a reader for `stsim
// inspect`, tests and tools. HDF5 is serial here: call these from one thread at a time.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/runner/runner.h"

namespace stsim::output {

inline constexpr const char* format_name = "stsim-results";
// 2: a user block with a checksum of the rest of the file; 3: dimension scales, labels
// in words, swept durations and rates as numbers (see docs/output.md).
inline constexpr std::uint32_t format_version = 3;

// An I/O failure, or a file that is missing or not an stsim result file.
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes `result` to "<path>.partial", then renames it to `path`. On any failure the
// partial file is removed and FileError is thrown. The parent directory must exist.
// The file is built in memory and written with plain writes, so a full disk is a
// FileError like any other.
void write_results(const runner::RunResult& result, const std::string& path);

// The HDF5 library this stsim runs with, "1.10.8".
std::string hdf5_version();

// "<path>.partial": where write_results writes before the rename.
std::string partial_path(const std::string& path);

// Read access to any dataset or attribute by absolute path ("/results/harm_rate/mean").
class ResultFile {
 public:
  // Throws FileError if the file is missing, not a regular file, not HDF5, not an stsim
  // result file, or damaged (its checksum does not match). The file is read into memory
  // and checked before HDF5 sees it.
  explicit ResultFile(const std::string& path);
  ~ResultFile();
  ResultFile(const ResultFile&) = delete;
  ResultFile& operator=(const ResultFile&) = delete;

  const std::string& path() const { return path_; }
  bool exists(const std::string& object) const;
  bool is_group(const std::string& object) const;
  enum class DataType : std::uint8_t { integer, floating, text, other };
  DataType data_type(const std::string& dataset) const;
  std::vector<std::string> children(const std::string& group) const;  // in name order
  std::vector<std::uint64_t> shape(const std::string& dataset) const;
  // Throws FileError naming the file and the dataset unless it exists with this shape.
  void require_shape(const std::string& dataset, const std::vector<std::uint64_t>& expected) const;
  // The name of the dimension scale on each axis of a dataset ("point", "component"...),
  // its own name for a scale, "" for an axis without one (every axis of a file of format
  // 1 or 2).
  std::vector<std::string> dimensions(const std::string& dataset) const;

  // Whole datasets, flattened row-major; a scalar reads as one element. Integer data
  // converts to double and to uint64 on request; strings must be strings.
  std::vector<double> doubles(const std::string& dataset) const;
  std::vector<std::uint64_t> integers(const std::string& dataset) const;
  std::vector<std::string> strings(const std::string& dataset) const;
  std::vector<std::uint8_t> bytes(const std::string& dataset) const;  // opaque uint8 data

  // Attributes of an object ("/" for the root).
  bool has_attribute(const std::string& object, const std::string& name) const;
  std::string attribute_string(const std::string& object, const std::string& name) const;
  std::vector<std::string> attribute_strings(const std::string& object,
                                             const std::string& name) const;
  double attribute_double(const std::string& object, const std::string& name) const;
  std::uint64_t attribute_integer(const std::string& object, const std::string& name) const;
  std::vector<std::uint64_t> attribute_integers(const std::string& object,
                                                const std::string& name) const;
  // A scalar attribute of any type as text: strings as they are, numbers in decimal.
  std::string attribute_text(const std::string& object, const std::string& name) const;

 private:
  std::int64_t file_ = -1;  // hid_t
  std::string path_;
};

}  // namespace stsim::output
