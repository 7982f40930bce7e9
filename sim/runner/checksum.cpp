#include "sim/runner/checksum.h"

#include <boost/crc.hpp>

namespace stsim::runner {

std::uint64_t checksum(std::span<const std::uint8_t> bytes) {
  boost::crc_optimal<64, 0x42F0E1EBA9EA3693ULL, ~0ULL, ~0ULL, true, true> crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

}  // namespace stsim::runner
