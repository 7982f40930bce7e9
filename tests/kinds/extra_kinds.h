#pragma once
// The test-only list entry: what sim/model/kinds.h appends to the list of kinds when a
// build defines STSIM_EXTRA_KINDS_HEADER as this file (tests/CMakeLists.txt does, for
// the libraries and the tool of tests/kinds).

#include "tests/kinds/gate.h"

#define STSIM_EXTRA_KINDS , ::stsim::probe::Gate
