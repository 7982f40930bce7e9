// Diagnostics as a user sees them: one line each whatever the values hold, and at most
// max_errors_of_a_kind of one kind with a count of the rest (an array of 10^6 bad sweep
// values gave 10^6 errors, 104 MB of stderr).

#include <catch2/catch.hpp>
#include <string>

#include "sim/scenario/scenario.h"

using namespace stsim::scenario;

namespace {

std::string with_reliabilities(const std::string& values) {
  std::string text =
      "[users]\nkind = \"source\"\nnext = \"model\"\n[model]\nkind = \"ai\"\n"
      "next = { pass = \"world\" }\n[world]\nkind = \"outcome\"\n"
      "[sweep]\ndesign = \"zip\"\n[[sweep.dimensions]]\npath = \"model.reliability\"\n";
  text.append("values = [").append(values).append("]\n");
  return text;
}

Diagnostic diagnostic(Diagnostic::Severity severity, std::uint32_t line, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.where.file = "f.toml";
  d.where.line = line;
  d.where.column = 1;
  d.message = std::move(message);
  return d;
}

}  // namespace

TEST_CASE("control characters in values are escaped, so a diagnostic stays one line",
          "[load][diagnostics]") {
  CHECK(printable("a\nb\tc\rd\x01\x7f") == "a\\nb\\tc\\rd\\x01\\x7f");
  CHECK(printable("plain 'text', été") == "plain 'text', été");
  // An edge naming a component whose name holds a newline and a bell.
  const auto result = load_string(
      "[users]\nkind = \"source\"\nnext = \"wo\\nrld\\u0007\"\n[world]\nkind = \"outcome\"\n",
      "ctl.toml");
  std::string line;
  for (const auto& d : result.diagnostics) {
    if (d.message.find("refers to") != std::string::npos) line = format(d);
  }
  REQUIRE_FALSE(line.empty());
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\a') == std::string::npos);
  CHECK_THAT(line,
             Catch::StartsWith("ctl.toml:3:8: error: 'users.next.pass' refers to 'wo\\nrld\\x07'"));
  // The file name is escaped too.
  auto d = diagnostic(Diagnostic::Severity::error, 3, "bad");
  d.where.file = "odd\nname.toml";
  CHECK(format(d) == "odd\\nname.toml:3:1: error: bad");
}

TEST_CASE("errors of one kind stop at the documented number, with a count of the rest",
          "[load][diagnostics]") {
  std::string values;
  for (int i = 0; i < 1000; ++i) values += (i ? ", " : "") + std::string(i % 2 ? "1.5" : "2");
  const auto result = load_string(with_reliabilities(values), "many.toml");
  REQUIRE(result.diagnostics.size() == max_errors_of_a_kind + 1);
  for (std::size_t i = 0; i < max_errors_of_a_kind; ++i) {
    CHECK_THAT(result.diagnostics[i].message,
               Catch::StartsWith("'model.reliability' must be a probability in [0, 1]; got "));
  }
  CHECK(result.diagnostics.back().message ==
        "... and 980 more error(s) of this kind, not shown (at most 20 of a kind are reported)");
  CHECK(result.diagnostics.back().where.line == result.diagnostics[19].where.line);
  CHECK(result.diagnostics.back().where.column == result.diagnostics[19].where.column);

  // Two kinds, each capped on its own; the order of the file is kept.
  std::vector<Diagnostic> mixed;
  for (int i = 0; i < 30; ++i) {
    mixed.push_back(diagnostic(Diagnostic::Severity::error, 1, "'a' got " + std::to_string(i)));
    mixed.push_back(diagnostic(Diagnostic::Severity::error, 2, "other kind"));
  }
  mixed.push_back(diagnostic(Diagnostic::Severity::warning, 3, "a warning"));
  limit_repeats(mixed);
  REQUIRE(mixed.size() == 2 * 20 + 2 + 1);
  // The 20th of each kind is followed by its count: kind 1's at index 39, kind 2's at 41.
  CHECK(mixed[38].message == "'a' got 19");
  CHECK_THAT(mixed[39].message, Catch::StartsWith("... and 10 more error(s)"));
  CHECK(mixed[39].where.line == 1);
  CHECK(mixed[40].message == "other kind");
  CHECK_THAT(mixed[41].message, Catch::StartsWith("... and 10 more error(s)"));
  CHECK(mixed[41].where.line == 2);
  CHECK(mixed.back().message == "a warning");
  // Under the cap nothing changes.
  std::vector<Diagnostic> few(20, diagnostic(Diagnostic::Severity::error, 1, "x"));
  limit_repeats(few);
  CHECK(few.size() == 20);
}
