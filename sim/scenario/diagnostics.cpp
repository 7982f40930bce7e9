// What every list of diagnostics goes through before a user sees it: control characters
// escaped, so that one diagnostic is one line, and a cap on errors of one kind, so that
// an array of a million bad values gives twenty lines and a count, not a million.

#include <fmt/core.h>

#include <map>

#include "sim/scenario/scenario.h"

namespace stsim::scenario {

namespace {

// The kind of an error: its message with numbers and quoted text masked, so that "got
// 1.5" and "got 2" or 'a' and 'b' are one kind.
std::string kind_of(const std::string& message) {
  std::string kind;
  char quote = 0;
  for (const char c : message) {
    if (quote != 0) {
      if (c == quote) {
        kind += c;
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      kind += c;
    } else if ((c >= '0' && c <= '9') || (c == '.' && !kind.empty() && kind.back() == '#')) {
      if (kind.empty() || kind.back() != '#') kind += '#';
    } else {
      kind += c;
    }
  }
  return kind;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

void limit_repeats(std::vector<Diagnostic>& diagnostics) {
  std::map<std::string, std::size_t> seen;
  std::vector<Diagnostic> kept;
  std::vector<std::pair<std::size_t, std::string>> capped;  // where its count goes, kind
  for (auto& d : diagnostics) {
    if (d.severity != Diagnostic::Severity::error) {
      kept.push_back(std::move(d));
      continue;
    }
    const auto kind = kind_of(d.message);
    const auto n = ++seen[kind];
    if (n <= max_errors_of_a_kind) kept.push_back(std::move(d));
    if (n == max_errors_of_a_kind) capped.emplace_back(kept.size(), kind);
  }
  // Each count goes right after the last error of its kind that is shown.
  for (auto it = capped.rbegin(); it != capped.rend(); ++it) {
    const auto more = seen[it->second] - max_errors_of_a_kind;
    if (more == 0) continue;
    Diagnostic summary = kept[it->first - 1];
    summary.message = fmt::format(
        "... and {} more error(s) of this kind, not shown (at most {} of a kind are reported)",
        more, max_errors_of_a_kind);
    kept.insert(kept.begin() + static_cast<std::ptrdiff_t>(it->first), std::move(summary));
  }
  diagnostics = std::move(kept);
}

}  // namespace stsim::scenario
