#pragma once
// Whole files as bytes, outside HDF5: written so that a full disk is an error rather than
// a crash, and read only when they are regular files (a FIFO would block the reader).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace stsim::output {

// Writes all of `bytes` to a new file at `path` and flushes it to the disk. Throws
// FileError with the system's reason (e.g. "No space left on device").
void write_durably(std::span<const std::uint8_t> bytes, const std::string& path);

// Creates `path` (a temporary name of the caller's) and removes it again. Throws
// FileError with the system's reason when that is not possible: a read-only directory,
// a full disk for new files, a missing directory.
void check_writable(const std::string& path);

// The whole file. Throws FileError when it is missing, not a regular file (a directory,
// FIFO, device or socket) or unreadable.
std::vector<std::uint8_t> read_regular_file(const std::string& path);

// "" when `path` is a regular file (or does not exist and `may_be_missing`); otherwise
// why not, in words ("it is a FIFO").
std::string why_not_regular(const std::string& path, bool may_be_missing);

}  // namespace stsim::output
