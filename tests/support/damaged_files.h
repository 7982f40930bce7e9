#pragma once
// Damaged copies of a file, for the tests that every reader refuses them cleanly, and a
// way to edit a result file on purpose: after changing it (with h5py, say), reseal()
// recomputes the checksum header so that the change itself is what a reader meets.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/runner/checksum.h"

namespace stsim::test {

inline std::vector<std::uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// The header docs/output.md describes, rewritten for the file's present contents.
inline void reseal(const std::string& path) {
  auto bytes = file_bytes(path);
  constexpr std::size_t user_block = 512;
  const std::span<const std::uint8_t> image(bytes.data() + user_block, bytes.size() - user_block);
  char header[user_block] = {};
  std::snprintf(header, sizeof header, "stsim-results checksum\ncrc64 %016llx\nbytes %zu\n",
                static_cast<unsigned long long>(runner::checksum(image)), image.size());
  std::copy(header, header + user_block, bytes.begin());
  write_bytes(path, bytes);
}

// A minimal PNG (a 1x1 grey image): a file of another kind that is not HDF5.
inline std::vector<std::uint8_t> png_bytes() {
  return {0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
          0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00,
          0x00, 0x3a, 0x7e, 0x9b, 0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78,
          0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x48, 0xaf, 0xa4, 0x71, 0x00,
          0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
}

// Named damaged variants of `good`: truncations, flipped bits (fixed seeds), empty, a PNG.
inline std::vector<std::pair<std::string, std::vector<std::uint8_t>>> damaged_variants(
    const std::vector<std::uint8_t>& good) {
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> out;
  for (const std::size_t keep : {good.size() / 2, good.size() - 1, std::size_t{100}}) {
    out.emplace_back("truncated to " + std::to_string(keep) + " bytes",
                     std::vector<std::uint8_t>(good.begin(), good.begin() + keep));
  }
  for (const unsigned flips : {1u, 8u, 64u}) {
    for (const unsigned seed : {1u, 2u, 3u}) {
      auto bytes = good;
      std::mt19937_64 random(seed * 1000 + flips);
      for (unsigned i = 0; i < flips; ++i) {
        const auto bit = random() % (bytes.size() * 8);
        bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      }
      out.emplace_back(std::to_string(flips) + " flipped bit(s), seed " + std::to_string(seed),
                       std::move(bytes));
    }
  }
  out.emplace_back("empty", std::vector<std::uint8_t>{});
  out.emplace_back("a PNG", png_bytes());
  return out;
}

}  // namespace stsim::test
