#pragma once
// ISO 8601 UTC timestamps for hot paths: the "YYYY-MM-DDTHH:MM:SS" part is formatted once
// per second and reused, so a frame costs a copy and the sub-second digits instead of a
// calendar conversion (raw capture runs at up to ~9,000 frames per second). Whether a
// time falls in the cached second is one subtraction and one comparison, and the digits
// are written two at a time.
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
  // Makes the cache hold the second starting at `second_us` (a multiple of 1,000,000).
  void cache_second(std::int64_t second_us);
  // The microseconds of `us` past the cached second (0..999,999), caching it first if
  // `us` lies outside it.
  std::uint32_t micros_in_second(std::int64_t us);

  std::int64_t cached_second_us_ = 0;  // start of the cached second, µs since the epoch
  std::array<char, 19> cached_text_ = {'1', '9', '7', '0', '-', '0', '1', '-', '0', '1',
                                       'T', '0', '0', ':', '0', '0', ':', '0', '0'};
};

}  // namespace canhose::record
