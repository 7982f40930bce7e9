// RunState as bytes: a magic string and a format version first, so that a checkpoint or
// shard file from an incompatible stsim is refused by name rather than misread, and a
// CRC-64 of everything before it last, so that a damaged one is refused rather than
// resumed into results that differ from an uninterrupted run's.

#include <cstring>
#include <stdexcept>
#include <string_view>

#include "sim/runner/checksum.h"
#include "sim/runner/runner.h"

namespace stsim::runner {

namespace {

constexpr std::string_view magic = "stsim-run-state";
// 4: importance sampling sums in every block; 5: attribution per context; 6: queues per
// pool; 7: operator_fill_before_empty
constexpr std::uint32_t state_format = 7;

void put_bytes(std::vector<std::uint8_t>& out, const void* data, std::size_t size) {
  if (size == 0) return;
  const auto at = out.size();
  out.resize(at + size);
  std::memcpy(out.data() + at, data, size);
}

template <typename T>
void put(std::vector<std::uint8_t>& out, T value) {
  put_bytes(out, &value, sizeof value);
}

void put(std::vector<std::uint8_t>& out, std::string_view text) {
  put<std::uint64_t>(out, text.size());
  put_bytes(out, text.data(), text.size());
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    T value;
    need(sizeof value);
    std::memcpy(&value, bytes_.data() + at_, sizeof value);
    at_ += sizeof value;
    return value;
  }
  std::string text() {
    const auto size = get<std::uint64_t>();
    need(size);
    std::string value(reinterpret_cast<const char*>(bytes_.data() + at_), size);
    at_ += size;
    return value;
  }
  std::vector<std::uint8_t> rest() {
    std::vector<std::uint8_t> value(bytes_.begin() + static_cast<std::ptrdiff_t>(at_),
                                    bytes_.end());
    at_ = bytes_.size();
    return value;
  }

 private:
  void need(std::uint64_t n) const {
    if (bytes_.size() - at_ < n) throw std::runtime_error("corrupt run state: truncated");
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

}  // namespace

std::vector<std::uint8_t> encode_state(const RunState& state) {
  std::vector<std::uint8_t> out;
  put_bytes(out, magic.data(), magic.size());
  put(out, state_format);
  put(out, std::string_view(state.stsim_version));
  put(out, std::string_view(state.fingerprint));
  put(out, state.seed);
  put(out, state.shard.index);
  put(out, state.shard.count);
  put<std::uint8_t>(out, state.replications.has_value());
  put(out, state.replications.value_or(0));
  put<std::uint8_t>(out, state.until_relative_error.has_value());
  put(out, state.until_relative_error.value_or(0.0));
  put<std::uint8_t>(out, state.complete);
  put_bytes(out, state.points.data(), state.points.size());
  put(out, checksum(out));
  return out;
}

RunState decode_state(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < magic.size() ||
      std::string_view(reinterpret_cast<const char*>(bytes.data()), magic.size()) != magic) {
    throw std::runtime_error("not an stsim run state");
  }
  Reader r(bytes.subspan(magic.size()));
  if (const auto format = r.get<std::uint32_t>(); format != state_format) {
    throw std::runtime_error("run state format " + std::to_string(format) +
                             ", this stsim reads format " + std::to_string(state_format));
  }
  constexpr std::size_t trailer = sizeof(std::uint64_t);
  if (bytes.size() < magic.size() + sizeof state_format + trailer)
    throw std::runtime_error("corrupt run state: truncated");
  const auto body = bytes.first(bytes.size() - trailer);
  std::uint64_t recorded = 0;
  std::memcpy(&recorded, bytes.data() + body.size(), trailer);
  if (recorded != checksum(body))
    throw std::runtime_error("damaged run state: its checksum does not match its contents");
  r = Reader(body.subspan(magic.size() + sizeof state_format));
  RunState state;
  state.stsim_version = r.text();
  state.fingerprint = r.text();
  state.seed = r.get<std::uint64_t>();
  state.shard.index = r.get<std::uint32_t>();
  state.shard.count = r.get<std::uint32_t>();
  const bool has_replications = r.get<std::uint8_t>() != 0;
  const auto replications = r.get<std::uint32_t>();
  if (has_replications) state.replications = replications;
  const bool has_error = r.get<std::uint8_t>() != 0;
  const auto error = r.get<double>();
  if (has_error) state.until_relative_error = error;
  state.complete = r.get<std::uint8_t>() != 0;
  if (state.shard.count == 0 || state.shard.index >= state.shard.count) {
    throw std::runtime_error("corrupt run state: bad slice");
  }
  state.points = r.rest();
  return state;
}

}  // namespace stsim::runner
