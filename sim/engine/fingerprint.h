#pragma once
// A 64-bit hash of a trajectory, in the spirit of OMNeT++'s fingerprints: fold in what
// happened, in order, and compare the result with a stored value. FNV-1a over a fixed
// little-endian byte layout, so the value depends only on what was folded in, never on
// the compiler, the standard library or the machine.

#include <bit>
#include <cstdint>
#include <string_view>

namespace stsim::engine {

class Fingerprint {
 public:
  void add(std::uint64_t value) {
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(value >> (8 * i)));
  }
  // The exact bits: a difference in the last place is a different trajectory.
  void add(double value) { add(std::bit_cast<std::uint64_t>(value)); }
  void add(std::string_view text) {
    add(static_cast<std::uint64_t>(text.size()));
    for (char c : text) byte(static_cast<std::uint8_t>(c));
  }
  std::uint64_t value() const { return hash_; }

 private:
  void byte(std::uint8_t b) {
    hash_ ^= b;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace stsim::engine
