#pragma once
// Checks made on a scenario's text before the TOML parser sees it: its size, and how
// deeply its tables nest. TOML++ recurses once per level of nested tables (dotted keys
// and table headers such as a.a.a... = 1), so a small file nested 100,000 levels deep
// overflowed the stack; arrays and inline tables it already caps itself.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sim/scenario/scenario.h"

namespace stsim::scenario {

// Far beyond any real scenario (the shipped ones are a few kB; 10^6 sweep values are
// about 10 MB), far below what could exhaust memory.
inline constexpr std::size_t max_scenario_bytes = 64u << 20;
// Levels of nested tables: the header's keys plus a dotted key's plus inline tables'.
// A scenario uses at most five.
inline constexpr std::size_t max_table_depth = 128;

// The first fault of the text's size or nesting, as an error at its place; nothing when
// the text may be parsed.
std::optional<Diagnostic> prescan(std::string_view text, const std::string& file);

}  // namespace stsim::scenario
