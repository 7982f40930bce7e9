#pragma once
// The check every command makes before loading a scenario file, so that a missing or
// unreadable path gets one clear line instead of the loader's view of an empty file.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace stsim::cli {

// "" if `path` can be read as a file; otherwise why not, e.g. "No such file or directory".
inline std::string why_unreadable(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return "it is a directory";
  errno = 0;
  if (!std::ifstream(path)) return errno != 0 ? std::strerror(errno) : "cannot open it";
  return "";
}

}  // namespace stsim::cli
