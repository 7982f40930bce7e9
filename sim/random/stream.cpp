#include "sim/random/stream.h"

#include <Random123/philox.h>

namespace stsim::random {

Stream::Stream(const StreamKey& key)
    : key_{key.seed, static_cast<std::uint64_t>(key.point) << 32 | key.replication},
      counter_{0, 0, 0,
               static_cast<std::uint64_t>(key.component) << 32 |
                   static_cast<std::uint32_t>(key.purpose)} {}

void Stream::refill() {
  const r123::Philox4x64::ctr_type counter = {{counter_[0], counter_[1], counter_[2], counter_[3]}};
  const r123::Philox4x64::key_type key = {{key_[0], key_[1]}};
  const r123::Philox4x64::ctr_type block = r123::Philox4x64()(counter, key);
  for (unsigned i = 0; i < 4; ++i) {
    buffer_[i] = block.v[i];
  }
  // 128-bit block number: the stream never wraps onto itself.
  if (++counter_[0] == 0) {
    ++counter_[1];
  }
  used_ = 0;
}

}  // namespace stsim::random
