#pragma once
// ISO 8601 UTC timestamps for hot paths: the "YYYY-MM-DDTHH:MM:SS" part is formatted once
// per second and reused, so a frame costs a copy and the sub-second digits instead of a
// calendar conversion (raw capture runs at up to ~9,000 frames per second).
// Not thread-safe: one per user on the event loop.

#include <array>
#include <chrono>
#include <cstdint>

namespace canhose::record {

class TimestampText {
 public:
  // Writes 2026-11-25T18:00:00.123456Z (27 characters) at `dst`; returns the end.
  char* write_us(char* dst, std::chrono::sys_time<std::chrono::microseconds> t);
  // Writes 2026-11-25T18:00:00.123Z (24 characters) at `dst`; returns the end.
  char* write_ms(char* dst, std::chrono::sys_time<std::chrono::milliseconds> t);

  static constexpr std::size_t kMaxLength = 27;

 private:
  char* write_seconds(char* dst, std::chrono::sys_seconds s);

  std::chrono::sys_seconds cached_second_{std::chrono::seconds(-1)};
  std::array<char, 19> cached_text_{};  // YYYY-MM-DDTHH:MM:SS
};

}  // namespace canhose::record
