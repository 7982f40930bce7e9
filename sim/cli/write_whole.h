#pragma once
// Writing a command's text output to a file so that the file is either the old one or
// the whole new one, never a part.

#include <string>

namespace stsim::cli {

// Writes next to `path` and renames. On failure prints "stsim COMMAND: error: cannot
// write 'PATH': why" to stderr, leaves no temporary file and returns false.
bool write_whole(const std::string& path, const std::string& text, const std::string& command);

}  // namespace stsim::cli
