#pragma once
// SupportedPids: which mode 01 PIDs one ECU supports, from its answers to the "PIDs
// supported" requests 0x00, 0x20, 0x40, ... 0xE0. Each answer [0x41, base, A, B, C, D] is
// a 32-bit big-endian bitmap: bit 31 (A's top bit) is PID base+1, bit 0 (D's low bit) is
// PID base+0x20 — which itself says whether the next bitmap exists.

#include <array>
#include <bitset>
#include <cstdint>
#include <span>

namespace canhose::obd {

class SupportedPids {
 public:
  // Records the bitmap answer to base PID `base` (a multiple of 0x20). Returns false and
  // changes nothing if `payload` is not [0x41, base, A, B, C, D].
  bool apply(std::uint8_t base, std::span<const std::uint8_t> payload);

  bool supports(std::uint8_t pid) const { return bits_.test(pid); }
  // Whether the bitmap for `base` has been read.
  bool has_range(std::uint8_t base) const { return ranges_.test(base / 0x20u); }
  bool any() const { return bits_.any(); }

 private:
  std::bitset<256> bits_;
  std::bitset<8> ranges_;
};

}  // namespace canhose::obd
