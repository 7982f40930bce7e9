#include "sim/scenario/units.h"

#include <charconv>
#include <cmath>

namespace stsim::scenario {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<double> unit_hours(std::string_view unit) {
  if (unit == "s") return 1.0 / 3600.0;
  if (unit == "m") return 1.0 / 60.0;
  if (unit == "h") return 1.0;
  if (unit == "d") return 24.0;
  if (unit == "w") return 7.0 * 24.0;
  if (unit == "y") return 365.0 * 24.0;
  return std::nullopt;
}

// A finite decimal number followed by whatever remains (returned in `rest`).
std::optional<double> leading_number(std::string_view text, std::string_view& rest) {
  text = trim(text);
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;  // from_chars refuses a leading '+'
  double value = 0.0;
  // fixed/scientific only: from_chars would otherwise read "inf" and "nan".
  const auto [end, error] = std::from_chars(first, last, value, std::chars_format::general);
  if (error != std::errc() || end == first || !std::isfinite(value)) return std::nullopt;
  const char c = *first == '-' ? (first + 1 < last ? first[1] : '\0') : *first;
  if (!(c >= '0' && c <= '9') && c != '.') return std::nullopt;  // rejects "inf", "nan"
  rest = trim(std::string_view(end, static_cast<std::size_t>(last - end)));
  return value;
}

}  // namespace

std::optional<double> parse_duration(std::string_view text) {
  std::string_view unit;
  const auto number = leading_number(text, unit);
  if (!number) return std::nullopt;
  const auto hours = unit_hours(unit);
  if (!hours) return std::nullopt;
  return *number * *hours;
}

std::optional<double> parse_rate(std::string_view text) {
  std::string_view rest;
  const auto number = leading_number(text, rest);
  if (!number || rest.empty() || rest.front() != '/') return std::nullopt;
  const auto hours = unit_hours(trim(rest.substr(1)));
  if (!hours) return std::nullopt;
  return *number / *hours;
}

}  // namespace stsim::scenario
