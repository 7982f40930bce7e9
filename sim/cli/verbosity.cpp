#include "sim/cli/verbosity.h"

namespace stsim::cli {

namespace {
Verbosity current = Verbosity::normal;
}  // namespace

void set_verbosity(Verbosity verbosity) { current = verbosity; }

Verbosity verbosity() { return current; }

}  // namespace stsim::cli
