// Durations and rates as written in scenario files.

#include <catch2/catch.hpp>

#include "sim/scenario/parameters.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/units.h"

using namespace stsim;
using namespace stsim::scenario;

TEST_CASE("durations convert to hours", "[units]") {
  CHECK(parse_duration("90d") == 90 * 24.0);
  CHECK(parse_duration("4h") == 4.0);
  CHECK(parse_duration("30s") == 30.0 / 3600.0);
  CHECK(parse_duration("3m") == 3.0 / 60.0);
  CHECK(parse_duration("1.5h") == 1.5);
  CHECK(parse_duration("2w") == 14 * 24.0);
  CHECK(parse_duration("1y") == 365 * 24.0);
  CHECK(parse_duration(" 4 h ") == 4.0);
  CHECK(parse_duration("1e2s") == 100.0 / 3600.0);
  CHECK(parse_duration("-1h") == -1.0);  // kept, so that the range check can name it
}

TEST_CASE("text that is not a duration is rejected", "[units]") {
  for (const char* text : {"", "h", "4", "4x", "4hh", "h4", "4 /h", "inf h", "nanh", "infh", "4.h.",
                           "--4h", "4H", "1e999h"}) {
    INFO(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("rates convert to events per hour", "[units]") {
  CHECK(parse_rate("12/h") == 12.0);
  CHECK(parse_rate("2/y") == 2.0 / (365 * 24));
  CHECK(parse_rate("300/d") == 300.0 / 24.0);
  CHECK(parse_rate("1/s") == 3600.0);
  CHECK(parse_rate("6/m") == 360.0);
  CHECK(parse_rate("7 / w") == 7.0 / (7 * 24));
}

TEST_CASE("text that is not a rate is rejected", "[units]") {
  for (const char* text :
       {"", "12", "12h", "12/", "/h", "12/x", "1/30d", "12//h", "a/h", "inf/h"}) {
    INFO(text);
    CHECK_FALSE(parse_rate(text).has_value());
  }
}

TEST_CASE("bare numbers in a file are hours and events per hour", "[units]") {
  const auto result = load_string(R"toml([scenario]
horizon = 48
pause_after_harm = 0.5
[users]
kind = "source"
rate = 12
next = "world"
[world]
kind = "outcome"
)toml",
                                  "bare.toml");
  REQUIRE(result.ok());
  const auto& spec = result.scenario->spec;
  CHECK(spec.horizon == 48.0);
  CHECK(spec.pause_after_harm == 0.5);
  CHECK(std::get<model::SourceSpec>(spec.components[0].parameters).rate == 12.0);
}

TEST_CASE("durations are said in words, in the unit a reader would use", "[units]") {
  CHECK(duration_words(365 * 24.0) == "1 year");
  CHECK(duration_words(14 * 24.0) == "2 weeks");
  CHECK(duration_words(30 * 24.0) == "30 days");
  CHECK(duration_words(90 * 24.0) == "90 days");
  CHECK(duration_words(1.0) == "1 hour");
  CHECK(duration_words(1.5) == "1.5 hours");
  CHECK(duration_words(*parse_duration("3m")) == "3 minutes");
  CHECK(duration_words(*parse_duration("30s")) == "30 seconds");
  CHECK(duration_words(*parse_duration("10d")) == "10 days");
  CHECK(duration_words(1000.0) == "41.7 days");
  CHECK(duration_words(36.0) == "1.5 days");
  CHECK(duration_words(100.0 / 3600.0) == "1.67 minutes");
  CHECK(duration_words(48.0) == "2 days");
  CHECK(duration_words(0.0) == "0 hours");
}
