// Texts nested too deeply or too large are refused before the TOML parser sees them:
// TOML++ recursed once per level of nested tables, and a 200 kB file of keys 100,000
// levels deep (dotted, or as a table header) crashed it with a stack overflow.

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "sim/scenario/prescan.h"
#include "sim/scenario/scenario.h"
#include "tests/scenario/texts.h"

using namespace stsim::scenario;

namespace {

// Concatenation by append: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string.
template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

std::string dotted(std::size_t levels) {
  std::string key = "a";
  for (std::size_t i = 1; i < levels; ++i) key += ".a";
  return key;
}

std::string nested_inline(std::size_t levels) {
  std::string text = "x = ";
  for (std::size_t i = 0; i < levels; ++i) text += "{ a = ";
  text += "1";
  for (std::size_t i = 0; i < levels; ++i) text += " }";
  return text + "\n";
}

const std::string too_deep =
    "error: tables nested more than 128 levels deep (table headers, dotted keys and inline "
    "tables together); a scenario needs a few levels: is the file what you meant to load?";

}  // namespace

TEST_CASE("tables nested 100,000 levels deep are refused with a clear error, not a crash",
          "[load][prescan]") {
  for (const auto& [what, text] :
       {std::pair{"dotted keys", cat(dotted(100000), " = 1\n")},
        std::pair{"a table header", cat("[", dotted(100000), "]\nx = 1\n")},
        std::pair{"an array of tables", cat("[[", dotted(100000), "]]\nx = 1\n")},
        std::pair{"inline tables", nested_inline(100000)},
        std::pair{"a header and a dotted key",
                  cat("[", dotted(100), "]\n", dotted(100), " = 1\n")}}) {
    INFO(what);
    const auto result = load_string(text, "deep.toml");
    CHECK_FALSE(result.ok());
    REQUIRE(result.diagnostics.size() == 1);
    CHECK_THAT(format(result.diagnostics[0]), Catch::StartsWith("deep.toml:"));
    CHECK_THAT(format(result.diagnostics[0]), Catch::EndsWith(too_deep));
  }
  // The place is where the 129th level opens: line 2 of the header-and-key text.
  const auto mixed = load_string(cat("[", dotted(100), "]\n", dotted(100), " = 1\n"), "deep.toml");
  CHECK(mixed.diagnostics[0].where.line == 2);
}

TEST_CASE("nesting within the limit, and dots inside strings and comments, are not refused",
          "[load][prescan]") {
  CHECK_FALSE(prescan(cat(dotted(128), " = 1\n"), "ok.toml"));
  CHECK(prescan(cat(dotted(129), " = 1\n"), "ok.toml"));
  CHECK_FALSE(prescan(cat("[", dotted(64), "]\n", dotted(64), " = 1\n"), "ok.toml"));
  // Dots in strings and comments are not levels: under a header of 100 levels, strings
  // of 100 dots stay within the limit (a run of 128 dots anywhere is refused, whatever
  // state a mangled file leaves the lexer in).
  const std::string dots(100, '.');
  CHECK_FALSE(prescan(cat("[", dotted(100), "]\n\"", dots, "\" = 1\nx = '", dots, "'\ny = \"\"\"\n",
                          dots, "\n\"\"\"\nz = , dots, \n# ", dots, "\nw = 1.5\n"),
                      "ok.toml"));
  CHECK(prescan(cat("x = \"", std::string(128, '.'), "\"\n"), "ok.toml"));
  CHECK_FALSE(prescan("x = [\"a.b\", 1.5, 2.5]\n", "ok.toml"));
  CHECK_FALSE(prescan(testing::full_text, "full.toml"));
}

TEST_CASE("a --set value nested too deeply is refused, not parsed", "[load][prescan]") {
  std::string error;
  CHECK_FALSE(parse_assignment(cat("model.next.pass=[", dotted(100000), "]"), error));
  CHECK(error == too_deep.substr(std::string("error: ").size()));
  CHECK(parse_assignment("model.reliability=0.5", error));
}

TEST_CASE("a text larger than the documented maximum is refused before parsing",
          "[load][prescan]") {
  const std::string huge(max_scenario_bytes + 1, '#');
  const auto result = load_string(huge, "huge.toml");
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(format(result.diagnostics[0]) ==
        "huge.toml: error: the file is 67108865 bytes; a scenario may be at most 64 MiB (is it "
        "the file you meant?)");
}

TEST_CASE("load_file refuses a FIFO instead of waiting for a writer", "[load][prescan]") {
  const auto fifo = std::filesystem::temp_directory_path() /
                    ("stsim-scenario-fifo-" + std::to_string(::getpid()) + ".toml");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto result = load_file(fifo.string());
  std::filesystem::remove(fifo);
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(format(result.diagnostics[0]) ==
        fifo.string() + ": error: cannot read the file; expected a readable TOML scenario file");
}
