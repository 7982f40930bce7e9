#pragma once
// How `stsim run` shows its progress: a bar redrawn in place on a terminal, otherwise a
// line every 5 seconds and one at the end.

#include <cstdio>

#include "sim/runner/runner.h"

namespace stsim::cli {

class ProgressPrinter {
 public:
  ProgressPrinter(bool bar, std::FILE* out) : bar_(bar), out_(out) {}
  void operator()(const runner::Progress& p);
  // Ends the bar's line.
  void finish();

 private:
  bool bar_;
  std::FILE* out_;
  bool drawn_ = false;
  bool ended_ = false;
  double next_line_ = 5.0;
};

}  // namespace stsim::cli
