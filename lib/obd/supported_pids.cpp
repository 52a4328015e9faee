#include "obd/supported_pids.hpp"

namespace canhose::obd {

bool SupportedPids::apply(std::uint8_t base, std::span<const std::uint8_t> payload) {
  if (base % 0x20 != 0 || payload.size() < 6 || payload[0] != 0x41 || payload[1] != base) {
    return false;
  }
  for (unsigned byte = 0; byte < 4; ++byte) {
    for (unsigned bit = 0; bit < 8; ++bit) {
      const unsigned pid = base + byte * 8 + bit + 1;
      if (pid <= 0xFF && (payload[2 + byte] & (0x80u >> bit)) != 0) {
        bits_.set(pid);
      }
    }
  }
  ranges_.set(base / 0x20u);
  return true;
}

}  // namespace canhose::obd
