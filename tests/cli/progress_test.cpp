// The progress display of `stsim run`, fed reports directly.

#include "sim/cli/progress.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

namespace {

// Everything a printer wrote to a temporary file.
std::string written(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) text += static_cast<char>(c);
  return text;
}

stsim::runner::Progress report(std::uint32_t done, std::uint64_t replications, double seconds,
                               std::uint64_t resumed = 0) {
  stsim::runner::Progress p;
  p.points_total = 4;
  p.points_done = done;
  p.replications_done = replications;
  p.replications_resumed = resumed;
  p.replications_planned = 400;
  p.elapsed_seconds = seconds;
  return p;
}

}  // namespace

TEST_CASE("the progress log writes a line every 5 seconds and one, only one, at the end",
          "[progress]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  stsim::cli::ProgressPrinter printer(false, file);
  printer(report(0, 10, 1.0));    // too soon
  printer(report(1, 100, 5.0));   // a line
  printer(report(2, 150, 7.0));   // too soon
  printer(report(4, 400, 10.0));  // the end
  printer(report(4, 400, 10.0));  // the end again (the final report after the last interval)
  printer.finish();
  CHECK(written(file) ==
        "stsim: 1/4 points, 100 replications (25.0%), 20 reps/s, elapsed 0:05, ETA 0:15\n"
        "stsim: 4/4 points, 400 replications (100.0%), 40 reps/s, elapsed 0:10, ETA 0:00\n");
  std::fclose(file);
}

TEST_CASE("the rate leaves out replications restored from a checkpoint", "[progress]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  stsim::cli::ProgressPrinter printer(false, file);
  printer(report(2, 300, 10.0, 200));  // 100 run in 10 s: 10/s, 100 left: 10 s
  CHECK(written(file) ==
        "stsim: 2/4 points, 300 replications (75.0%), 10 reps/s, elapsed 0:10, ETA 0:10\n");
  std::fclose(file);
}

TEST_CASE("the progress bar redraws one line and ends it", "[progress]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file);
  stsim::cli::ProgressPrinter printer(true, file);
  printer(report(0, 100, 2.0));
  printer(report(4, 400, 8.0));
  printer.finish();
  CHECK(written(file) ==
        "\r[#######.......................] 0/4 points  50 reps/s  ETA 0:06   "
        "\r[##############################] 4/4 points  50 reps/s  ETA 0:00   \n");
  std::fclose(file);
}
