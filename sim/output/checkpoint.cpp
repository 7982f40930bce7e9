#include "sim/output/checkpoint.h"

#include <filesystem>
#include <stdexcept>

#include "sim/output/plain_file.h"

namespace stsim::output {

std::string checkpoint_path(const std::string& result_path) { return result_path + ".checkpoint"; }

void write_checkpoint(const runner::RunState& state, const std::string& path) {
  const std::string temporary = path + ".new";
  try {
    write_durably(runner::encode_state(state), temporary);
    std::filesystem::rename(temporary, path);
  } catch (const std::filesystem::filesystem_error& e) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw FileError("cannot replace " + path + ": " + e.code().message());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

std::optional<runner::RunState> read_checkpoint(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error) && !std::filesystem::is_symlink(path, error))
    return std::nullopt;
  const auto bytes = read_regular_file(path);
  try {
    return runner::decode_state(bytes);
  } catch (const std::runtime_error& e) {
    throw FileError(path + " is not a usable checkpoint: " + e.what());
  }
}

runner::RunState read_shard_state(const ResultFile& file, const std::string& path) {
  if (!file.has_attribute("/", "shard_count") || !file.exists("/shard_state")) {
    throw FileError(path + " is not a shard file (it was not made with stsim run --shard)");
  }
  try {
    return runner::decode_state(file.bytes("/shard_state"));
  } catch (const std::runtime_error& e) {
    throw FileError(path + ": its shard state is unreadable: " + e.what());
  }
}

}  // namespace stsim::output
