#include "sim/output/kept_runs.h"

#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "sim/output/hdf5_file.h"
#include "sim/output/plain_file.h"
#include "sim/runner/checksum.h"

namespace stsim::output {

namespace fs = std::filesystem;

namespace {

std::optional<fs::path> state_directory() {
  const auto from = [](const char* variable) -> std::optional<fs::path> {
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return fs::path(value);
  };
  if (auto dir = from("STSIM_STATE_DIR")) return dir;
  if (auto dir = from("XDG_STATE_HOME")) return *dir / "stsim";
  if (auto home = from("HOME")) return *home / ".local" / "state" / "stsim";
  return std::nullopt;
}

// The record's file: named by a checksum of the identity alone (no statistics).
std::optional<fs::path> record_path(const runner::RunState& identity) {
  const auto dir = state_directory();
  if (!dir) return std::nullopt;
  runner::RunState key = identity;
  key.complete = false;
  key.points.clear();
  return *dir / "kept-runs" / fmt::format("{:016x}", runner::checksum(runner::encode_state(key)));
}

}  // namespace

bool remember_kept_run(const runner::RunState& identity, const std::string& checkpoint) {
  const auto record = record_path(identity);
  if (!record) return false;
  std::error_code error;
  fs::create_directories(record->parent_path(), error);
  const auto target = fs::absolute(checkpoint, error).string() + "\n";
  if (error) return false;
  const auto temporary = record->string() + ".new";
  try {
    write_durably({reinterpret_cast<const std::uint8_t*>(target.data()), target.size()}, temporary);
    fs::rename(temporary, *record);
  } catch (const FileError&) {
    fs::remove(temporary, error);
    return false;
  } catch (const fs::filesystem_error&) {
    fs::remove(temporary, error);
    return false;
  }
  return true;
}

std::optional<std::string> find_kept_run(const runner::RunState& identity) {
  const auto record = record_path(identity);
  if (!record) return std::nullopt;
  std::ifstream in(*record);
  std::string checkpoint;
  if (!std::getline(in, checkpoint) || checkpoint.empty()) return std::nullopt;
  std::error_code error;
  if (!fs::is_regular_file(checkpoint, error)) return std::nullopt;
  return checkpoint;
}

void forget_kept_run(const runner::RunState& identity) {
  if (const auto record = record_path(identity)) {
    std::error_code ignored;
    fs::remove(*record, ignored);
  }
}

}  // namespace stsim::output
