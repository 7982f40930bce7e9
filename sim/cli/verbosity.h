#pragma once
// How much a command says besides its result: -q/--quiet (errors and warnings only),
// the default, or -v/--verbose (also the details of what it does). Set once, from the
// command line, before the command runs.

#include <fmt/core.h>

#include <cstdint>
#include <cstdio>
#include <utility>

namespace stsim::cli {

enum class Verbosity : std::uint8_t { quiet, normal, verbose };

void set_verbosity(Verbosity verbosity);
Verbosity verbosity();
inline bool quiet() { return verbosity() == Verbosity::quiet; }
inline bool verbose() { return verbosity() == Verbosity::verbose; }

// What a command is doing or found ("stsim: running ...", a summary) on stderr; not
// with --quiet.
template <typename... T>
void note(fmt::format_string<T...> format, T&&... args) {
  if (!quiet()) fmt::print(stderr, format, std::forward<T>(args)...);
}

// A result that is not the command's product (the table after a run, validate's line
// per file) on stdout; not with --quiet.
template <typename... T>
void report(fmt::format_string<T...> format, T&&... args) {
  if (!quiet()) fmt::print(format, std::forward<T>(args)...);
}

}  // namespace stsim::cli
