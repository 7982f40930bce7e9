#include "sim/output/plain_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/output/hdf5_file.h"

namespace stsim::output {

namespace {

FileError io_error(const std::string& what, const std::string& path) {
  return FileError("cannot " + what + " " + path + ": " + std::strerror(errno));
}

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

}  // namespace

void write_durably(std::span<const std::uint8_t> bytes, const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io_error("create", path);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
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

void check_writable(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io_error("write", path);
  ::close(fd);
  ::unlink(path.c_str());
}

std::string why_not_regular(const std::string& path, bool may_be_missing) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    if (errno == ENOENT && may_be_missing) return "";
    return errno == ENOENT ? "no such file" : std::strerror(errno);
  }
  return S_ISREG(status.st_mode) ? "" : "it is " + kind_of(status.st_mode);
}

std::vector<std::uint8_t> read_regular_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) throw FileError(path + ": no such file");
    throw io_error("open", path);
  }
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    const std::string kind =
        S_ISREG(status.st_mode) ? "unreadable" : "it is " + kind_of(status.st_mode);
    ::close(fd);
    throw FileError(path + ": not a regular file (" + kind + ")");
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(status.st_size));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const auto error = io_error("read", path);
      ::close(fd);
      throw error;
    }
    if (n == 0) break;  // shrank while reading
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  ::close(fd);
  return bytes;
}

}  // namespace stsim::output
