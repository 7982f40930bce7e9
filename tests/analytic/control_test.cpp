// The exact safety of control protocols: the closed form of upfront auditing against the
// recursion over tasks and budget (docs/validation.md, Control protocols), and the
// scenarios the control subset takes.

#include "sim/analytic/control.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <tuple>

using namespace stsim;

TEST_CASE("upfront auditing: the closed form and the recursion agree", "[analytic][control]") {
  for (const auto& [n, b, a, q, d] :
       {std::tuple{100u, 10u, 0.02, 0.5, 1.0}, std::tuple{1000u, 20u, 0.003, 0.3, 0.8},
        std::tuple{50u, 60u, 0.1, 1.0, 0.9}}) {
    analytic::ControlCase c;
    c.tasks = n;
    c.budget = b;
    c.attack = a;
    c.success = q;
    c.detect = d;
    CHECK(analytic::control_safety(c) ==
          Approx(analytic::upfront_safety(n, b, a, q, d)).epsilon(1e-12));
  }
  // No attack: safe; no audit and certain success: safe only with no attempt at all.
  CHECK(analytic::upfront_safety(100, 10, 0.0, 1.0, 1.0) == 1.0);
  CHECK(analytic::upfront_safety(100, 0, 0.01, 1.0, 1.0) ==
        Approx(std::pow(0.99, 100)).epsilon(1e-12));
}
