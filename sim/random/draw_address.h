#pragma once
// Draws addressed by their coordinates rather than read from a stream: Philox is
// counter-based, so the draw at (item, owner, component, purpose, k) is one block of the
// cipher at that counter, with no state and nothing buffered. The same coordinates give
// the same draw whatever was drawn before; a draw never made costs nothing.

#include <Random123/philox.h>

#include <cstdint>

#include "sim/random/stream.h"

namespace stsim::random {

// Uniform on the open interval (0, 1) from 64 random bits: (j + 1/2) * 2^-52 with j the
// top 52 bits, so never 0 or 1, every value exact, and no redraw (an addressed draw has
// no next value to redraw from).
inline double open_uniform(std::uint64_t bits) {
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
}

// The addressed draws of one replication. Packing into Philox4x64-10, disjoint from
// Stream's (whose counter word 2 is always 0):
//   key     = { seed, point << 32 | replication }
//   counter = { item, owner << 32 | k / 4, visit << 1 | 1, component << 32 | purpose }
// and the draw is output k % 4 of that block. `item` and `owner` name what the draws
// belong to (for a task: its birth number and its source's stable id), `visit` which
// pass of the item it is (a task sent back by a bounded loop draws afresh; its first
// pass, visit 0, draws what it always drew), `component` the stable id of the component
// drawing, `k` the draw's index among that purpose's.
class DrawSpace {
 public:
  DrawSpace() = default;
  DrawSpace(std::uint64_t seed, std::uint32_t point, std::uint32_t replication)
      : key_{{seed, static_cast<std::uint64_t>(point) << 32 | replication}} {}

  std::uint64_t bits(std::uint64_t item, std::uint32_t owner, std::uint32_t component,
                     Purpose purpose, std::uint32_t k, std::uint32_t visit = 0) const {
    const r123::Philox4x64::ctr_type counter = {
        {item, static_cast<std::uint64_t>(owner) << 32 | (k >> 2),
         static_cast<std::uint64_t>(visit) << 1 | 1,
         static_cast<std::uint64_t>(component) << 32 | static_cast<std::uint32_t>(purpose)}};
    return r123::Philox4x64()(counter, key_).v[k & 3];
  }
  double uniform(std::uint64_t item, std::uint32_t owner, std::uint32_t component, Purpose purpose,
                 std::uint32_t k, std::uint32_t visit = 0) const {
    return open_uniform(bits(item, owner, component, purpose, k, visit));
  }

 private:
  r123::Philox4x64::key_type key_ = {{0, 0}};
};

}  // namespace stsim::random
