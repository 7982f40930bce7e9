#pragma once
// CRC-64 (ECMA-182, as in xz) of a byte string: what result files, checkpoints and shard
// states carry so that a damaged or truncated copy is refused instead of misread.

#include <cstdint>
#include <span>

namespace stsim::runner {

std::uint64_t checksum(std::span<const std::uint8_t> bytes);

}  // namespace stsim::runner
