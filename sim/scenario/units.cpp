#include "sim/scenario/units.h"

#include <fmt/core.h>

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

std::string duration_words(double hours) {
  if (!std::isfinite(hours)) return hours > 0 ? "forever" : "no time";
  if (hours == 0.0) return "0 hours";
  // A whole count is said in its unit below `whole_below` of it (90 minutes is 1.5 hours);
  // weeks are for whole weeks only.
  struct Unit {
    double hours;
    const char* name;
    double whole_below;
    bool fraction;
  };
  constexpr Unit units[] = {
      {365.0 * 24.0, "year", 1e9, true},  {7.0 * 24.0, "week", 52.0, false},
      {24.0, "day", 365.0, true},         {1.0, "hour", 24.0, true},
      {1.0 / 60.0, "minute", 60.0, true}, {1.0 / 3600.0, "second", 60.0, true}};
  const auto words = [](double count, const char* name) {
    const std::string number = fmt::format("{:.3g}", count);
    return fmt::format("{} {}{}", number, name, number == "1" ? "" : "s");
  };
  const double magnitude = std::abs(hours);
  for (const Unit& unit : units) {
    const double count = magnitude / unit.hours;
    if (count >= 1.0 && count < unit.whole_below &&
        std::abs(count - std::round(count)) <= 1e-9 * count) {
      return words(std::copysign(std::round(count), hours), unit.name);
    }
  }
  for (const Unit& unit : units) {
    if (unit.fraction && magnitude / unit.hours >= 1.0) {
      return words(hours / unit.hours, unit.name);
    }
  }
  return words(hours * 3600.0, "second");
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
