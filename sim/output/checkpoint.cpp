#include "sim/output/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace stsim::output {

namespace {

FileError io_error(const std::string& what, const std::string& path) {
  return FileError("cannot " + what + " " + path + ": " + std::strerror(errno));
}

// Writes all of `bytes` to a new file and flushes it to the disk before returning.
void write_durably(const std::vector<std::uint8_t>& bytes, const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io_error("create", path);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const auto error = io_error("write", path);
      ::close(fd);
      throw error;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const auto error = io_error("flush", path);
    ::close(fd);
    throw error;
  }
  if (::close(fd) != 0) throw io_error("close", path);
}

}  // namespace

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
  if (!std::filesystem::exists(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("open", path);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  if (in.bad()) throw io_error("read", path);
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
