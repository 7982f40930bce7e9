#include "sim/output/output_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace stsim::output {

namespace {

std::string read_owner(int fd) {
  char buffer[32] = {};
  const auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string owner = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
  while (!owner.empty() && (owner.back() == '\n' || owner.back() == '\0')) owner.pop_back();
  return owner.empty() || owner.find_first_not_of("0123456789") != std::string::npos ? "unknown"
                                                                                     : owner;
}

}  // namespace

std::string lock_path(const std::string& result_path) { return result_path + ".lock"; }

OutputLock::OutputLock(const std::string& result_path) : path_(lock_path(result_path)) {
  // A run that finishes removes its lock file; one that locked the file just before it
  // went away holds a lock on nothing, so it checks that the path is still its file.
  for (int attempt = 0; attempt < 100; ++attempt) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw FileError("cannot write beside " + result_path + " (" + path_ +
                      "): " + std::strerror(errno));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      const std::string owner = read_owner(fd_);
      ::close(fd_);
      fd_ = -1;
      if (error == EWOULDBLOCK) {
        throw OutputLocked(result_path + " is being written by another stsim run (PID " + owner +
                           ", holding " + path_ + "); wait for it to end, or choose another -o");
      }
      throw FileError("cannot lock " + path_ + ": " + std::strerror(error));
    }
    struct stat held {
    }, named{};
    if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 &&
        held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd_, 0) != 0 ||
          ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        const int error = errno;
        ::unlink(path_.c_str());
        ::close(fd_);
        fd_ = -1;
        throw FileError("cannot write " + path_ + ": " + std::strerror(error));
      }
      return;
    }
    ::close(fd_);
    fd_ = -1;
  }
  throw FileError("cannot lock " + path_ + ": it keeps being replaced");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace stsim::output
