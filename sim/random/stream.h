#pragma once
// Counter-based random streams (Philox4x64-10 from Random123). A stream is named by
// stable identifiers, never by thread, task or creation order: the same key always gives
// the same sequence, and different keys give independent sequences.

#include <cstdint>
#include <string_view>

namespace stsim::random {

// What a stream is for, so one component can hold several independent streams.
// Values are part of the reproducibility contract: never renumber, only append.
enum class Purpose : std::uint32_t {
  arrivals = 1,
  context = 2,
  intent = 3,
  observable = 4,
  difficulty = 5,
  decision = 6,
  failure_mode = 7,
  detection = 8,
  false_alarm = 9,
  latent_failure = 10,
  service_time = 11,
  coupling = 12,
  sampling = 13,
  human_error = 14,
  attack = 15,     // an untrusted AI's attack policy
  suspicion = 16,  // a monitor's suspicion score
  collusion = 17,  // an untrusted monitor's collusion
  coverage = 18,   // whether a layer handles a task (ComponentSpec::coverage)
  routing = 21,    // a router's choice of port by share
  test = 100,      // reserved for tests
};

// Packing into Philox4x64-10 (2 key words, 4 counter words), so that distinct keys never
// share an input block:
//   key     = { seed, point << 32 | replication }
//   counter = { block number (low), block number (high), 0, component << 32 | purpose }
// Purposes are below 2^32 (the enum's underlying type). Each block gives four 64-bit
// outputs; 2^128 blocks per stream.
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint32_t point = 0;  // sweep point (0 when points share streams: common random numbers)
  std::uint32_t replication = 0;
  std::uint32_t component = 0;  // stable_id() of the component's name
  Purpose purpose = Purpose::test;
};

// 32-bit FNV-1a of a name: a component's stream identity follows its name, not its
// position, so adding a component never reshuffles the others' randomness.
constexpr std::uint32_t stable_id(std::string_view name) {
  std::uint32_t hash = 2166136261u;
  for (char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

// Satisfies UniformRandomBitGenerator, so Boost.Random distributions accept it.
class Stream {
 public:
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return UINT64_MAX; }

  Stream() = default;
  explicit Stream(const StreamKey& key);

  result_type operator()();
  // Uniform on the open interval (0, 1), 53 bits of resolution: safe for log() and
  // inverse CDFs.
  double uniform01();

 private:
  void refill();  // next block of four outputs

  std::uint64_t key_[2] = {0, 0};
  std::uint64_t counter_[4] = {0, 0, 0, 0};
  std::uint64_t buffer_[4] = {0, 0, 0, 0};
  unsigned used_ = 4;
};

// Inline: every draw goes through these, and Philox runs only once per four outputs.
inline Stream::result_type Stream::operator()() {
  if (used_ == 4) {
    refill();
  }
  return buffer_[used_++];
}

inline double Stream::uniform01() {
  // k * 2^-53 with k uniform on [1, 2^53): never 0, never 1, every value exact. k = 0
  // (probability 2^-53) is redrawn rather than nudged, so the law stays uniform.
  for (;;) {
    const std::uint64_t k = (*this)() >> 11;
    if (k != 0) {
      return static_cast<double>(k) * 0x1.0p-53;
    }
  }
}

}  // namespace stsim::random
