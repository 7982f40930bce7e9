#include "sim/cli/option_checks.h"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <optional>

namespace stsim::cli {

namespace {

std::optional<double> number(const std::string& text) {
  double value = 0.0;
  const auto* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

CLI::Validator check(const std::string& name, const std::string& expectation,
                     bool (*accepts)(double)) {
  return CLI::Validator(
      [expectation, accepts](std::string& text) -> std::string {
        const auto value = number(text);
        if (value && accepts(*value)) return "";
        return fmt::format("expected {}; got {}", expectation, text.empty() ? "nothing" : text);
      },
      name);
}

}  // namespace

CLI::Validator whole_number_from_1(const std::string& meaning) {
  return check("INTEGER >= 1", meaning + ", a whole number of 1 or more",
               [](double v) { return v >= 1.0 && v == std::floor(v) && v <= 4294967295.0; });
}

CLI::Validator number_above_0(const std::string& meaning) {
  return check("NUMBER > 0", meaning + ", a number above 0", [](double v) { return v > 0.0; });
}

CLI::Validator number_from_0(const std::string& meaning) {
  return check("NUMBER >= 0", meaning + ", a number of 0 or more",
               [](double v) { return v >= 0.0; });
}

}  // namespace stsim::cli
