#pragma once
// An exclusive lock on a result path for the whole of a run, so that two runs given the
// same -o cannot overwrite each other's partial file, checkpoint or result. The lock is
// `<path>.lock`, locked with flock() and holding the owner's PID; the kernel releases it
// when the process ends however it ends, so a killed run never leaves a stale lock.

#include <string>

#include "sim/output/hdf5_file.h"

namespace stsim::output {

// The lock is held by another process.
class OutputLocked : public FileError {
 public:
  using FileError::FileError;
};

std::string lock_path(const std::string& result_path);

class OutputLock {
 public:
  // Takes the lock, or throws OutputLocked when another process holds it (the message
  // names its PID) and FileError when the directory is not writable (the system's reason).
  explicit OutputLock(const std::string& result_path);
  ~OutputLock();  // removes the lock file and releases the lock
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace stsim::output
