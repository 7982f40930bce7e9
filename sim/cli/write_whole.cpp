#include "sim/cli/write_whole.h"

#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace stsim::cli {

bool write_whole(const std::string& path, const std::string& text, const std::string& command) {
  const std::string temporary = fmt::format("{}.tmp-{}", path, ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (out) out << text;
    if (out) out.close();
    if (!out) {
      fmt::print(stderr, "stsim {}: error: cannot write '{}': {}\n", command, path,
                 std::strerror(errno));
      std::remove(temporary.c_str());
      return false;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    fmt::print(stderr, "stsim {}: error: cannot write '{}': {}\n", command, path,
               std::strerror(errno));
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

}  // namespace stsim::cli
