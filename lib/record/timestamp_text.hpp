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
#include <cstring>

namespace canhose::record {

class TimestampText {
 public:
  // Writes 2026-11-25T18:00:00.123456Z (27 characters) at `dst`; returns the end.
  // Inline: it runs once per raw-capture record.
  char* write_us(char* dst, std::chrono::sys_time<std::chrono::microseconds> t) {
    const std::uint32_t us = micros_in_second(t.time_since_epoch().count());
    std::memcpy(dst, cached_text_.data(), cached_text_.size());
    dst[19] = '.';
    put_two(dst + 20, us / 10000);
    put_two(dst + 22, us / 100 % 100);
    put_two(dst + 24, us % 100);
    dst[26] = 'Z';
    return dst + 27;
  }
  // Writes 2026-11-25T18:00:00.123Z (24 characters) at `dst`; returns the end.
  char* write_ms(char* dst, std::chrono::sys_time<std::chrono::milliseconds> t);

  static constexpr std::size_t kMaxLength = 27;

 private:
  // Makes the cache hold the second starting at `second_us` (a multiple of 1,000,000).
  void cache_second(std::int64_t second_us);
  // The microseconds of `us` past the cached second (0..999,999), caching it first if
  // `us` lies outside it.
  std::uint32_t micros_in_second(std::int64_t us) {
    // Unsigned: a time before the cached second wraps to a large value.
    const std::uint64_t offset =
        static_cast<std::uint64_t>(us) - static_cast<std::uint64_t>(cached_second_us_);
    return offset < 1'000'000 ? static_cast<std::uint32_t>(offset) : micros_in_new_second(us);
  }
  std::uint32_t micros_in_new_second(std::int64_t us);
  // "00" "01" ... "99": two digits per lookup.
  static constexpr std::array<char, 200> kTwoDigits = [] {
    std::array<char, 200> t{};
    for (int i = 0; i < 100; ++i) {
      t[static_cast<std::size_t>(2 * i)] = static_cast<char>('0' + i / 10);
      t[static_cast<std::size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
    }
    return t;
  }();
  static void put_two(char* dst, std::uint32_t value) {  // value < 100
    std::memcpy(dst, &kTwoDigits[2 * value], 2);
  }

  std::int64_t cached_second_us_ = 0;  // start of the cached second, µs since the epoch
  std::array<char, 19> cached_text_ = {'1', '9', '7', '0', '-', '0', '1', '-', '0', '1',
                                       'T', '0', '0', ':', '0', '0', ':', '0', '0'};
};

}  // namespace canhose::record
