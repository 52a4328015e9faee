#pragma once
// Fixed-width little-endian encoding, independent of the host byte order (armhf, arm64
// and x86_64 are all little-endian today, but the format must not depend on it).

#include <cstddef>
#include <cstdint>

namespace canhose::queue::le {

template <int Bytes>
inline void put(std::byte* out, std::uint64_t value) {
  for (int i = 0; i < Bytes; ++i) {
    out[i] = static_cast<std::byte>((value >> (8 * i)) & 0xFFU);
  }
}

template <int Bytes>
inline std::uint64_t get(const std::byte* in) {
  std::uint64_t value = 0;
  for (int i = 0; i < Bytes; ++i) {
    value |= static_cast<std::uint64_t>(in[i]) << (8 * i);
  }
  return value;
}

inline void put_u32(std::byte* out, std::uint32_t v) {
  put<4>(out, v);
}
inline void put_u64(std::byte* out, std::uint64_t v) {
  put<8>(out, v);
}
inline std::uint32_t get_u32(const std::byte* in) {
  return static_cast<std::uint32_t>(get<4>(in));
}
inline std::uint64_t get_u64(const std::byte* in) {
  return get<8>(in);
}

}  // namespace canhose::queue::le
