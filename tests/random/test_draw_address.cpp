// Addressed draws (sim/random/draw_address.h): a function of their coordinates only,
// independent across coordinates, uniform on the open interval, disjoint from streams.

#include <Random123/philox.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <set>

#include "sim/random/draw_address.h"
#include "sim/random/stream.h"

using namespace stsim::random;

namespace {

const DrawSpace space(20261201, 3, 7);
const std::uint32_t owner = stable_id("users"), component = stable_id("filter");

}  // namespace

TEST_CASE("an addressed draw depends on its coordinates only", "[random]") {
  const double u = space.uniform(41, owner, component, Purpose::detection, 2);
  // Other draws in between change nothing: there is no state.
  for (std::uint32_t k = 0; k < 9; ++k)
    (void)space.uniform(40, owner, component, Purpose::coupling, k);
  CHECK(space.uniform(41, owner, component, Purpose::detection, 2) == u);
  CHECK(DrawSpace(20261201, 3, 7).uniform(41, owner, component, Purpose::detection, 2) == u);

  // Each coordinate, changed alone, gives another draw.
  const std::set<double> others = {
      DrawSpace(20261202, 3, 7).uniform(41, owner, component, Purpose::detection, 2),
      DrawSpace(20261201, 4, 7).uniform(41, owner, component, Purpose::detection, 2),
      DrawSpace(20261201, 3, 8).uniform(41, owner, component, Purpose::detection, 2),
      space.uniform(42, owner, component, Purpose::detection, 2),
      space.uniform(41, owner + 1, component, Purpose::detection, 2),
      space.uniform(41, owner, component + 1, Purpose::detection, 2),
      space.uniform(41, owner, component, Purpose::false_alarm, 2),
      space.uniform(41, owner, component, Purpose::detection, 3),
      space.uniform(41, owner, component, Purpose::detection, 6),
  };
  CHECK(others.size() == 9);
  CHECK(others.count(u) == 0);
}

TEST_CASE("a task's visit keys its draws, and its first visit draws as before loops", "[random]") {
  // Counter word 2 is visit << 1 | 1: visit 0 is the 1 every draw had before bounded loops,
  // so a task that is never sent back draws what it always drew (the goldens pin that).
  const r123::Philox4x64::key_type key = {{20261201, std::uint64_t{3} << 32 | 7}};
  const auto block = [&](std::uint64_t word2) {
    const r123::Philox4x64::ctr_type counter = {{41, static_cast<std::uint64_t>(owner) << 32, word2,
                                                 static_cast<std::uint64_t>(component) << 32 | 8u}};
    return r123::Philox4x64()(counter, key).v[2];
  };
  CHECK(space.bits(41, owner, component, Purpose::detection, 2) == block(1));
  CHECK(space.bits(41, owner, component, Purpose::detection, 2, 0) == block(1));
  CHECK(space.bits(41, owner, component, Purpose::detection, 2, 1) == block(3));
  CHECK(space.bits(41, owner, component, Purpose::detection, 2, 2) == block(5));
  CHECK(block(3) != block(1));
  CHECK(block(5) != block(3));
}

TEST_CASE("addressed draws never share a Philox block with a stream", "[random]") {
  // The packing differs in counter word 2 (1 here, 0 for streams): the block at item 0,
  // owner 0 of a purpose is not the stream's first block of the same component.
  Stream stream(StreamKey{20261201, 3, 7, component, Purpose::detection});
  const std::uint64_t first = stream();
  CHECK(space.bits(0, 0, component, Purpose::detection, 0) != first);
  const r123::Philox4x64::ctr_type counter = {
      {0, 0, 1, static_cast<std::uint64_t>(component) << 32 | 8u}};
  const r123::Philox4x64::key_type key = {{20261201, std::uint64_t{3} << 32 | 7}};
  CHECK(space.bits(0, 0, component, Purpose::detection, 1) ==
        r123::Philox4x64()(counter, key).v[1]);
}

TEST_CASE("addressed uniforms are uniform on the open interval", "[random][statistical]") {
  CHECK(open_uniform(0) == 0x1.0p-53);
  CHECK(open_uniform(UINT64_MAX) == 1.0 - 0x1.0p-53);
  // Mean and variance over 200,000 task addresses, within 4 standard errors.
  const int n = 200000;
  double sum = 0.0, squares = 0.0;
  for (int i = 0; i < n; ++i) {
    const double u = space.uniform(static_cast<std::uint64_t>(i), owner, component,
                                   Purpose::decision, static_cast<std::uint32_t>(i % 5));
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    squares += (u - 0.5) * (u - 0.5);
  }
  CHECK(std::abs(sum / n - 0.5) < 4.0 * std::sqrt(1.0 / 12.0 / n));
  // Var((u - 1/2)^2) = 1/80 - 1/144 for a uniform.
  CHECK(std::abs(squares / n - 1.0 / 12.0) < 4.0 * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n));
}
