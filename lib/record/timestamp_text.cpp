#include "record/timestamp_text.hpp"

#include <algorithm>
#include <string>

#include "record/text_encoding.hpp"

namespace canhose::record {

namespace {

// "00" "01" ... "99": two digits per lookup.
constexpr std::array<char, 200> kTwoDigits = [] {
  std::array<char, 200> t{};
  for (int i = 0; i < 100; ++i) {
    t[static_cast<std::size_t>(2 * i)] = static_cast<char>('0' + i / 10);
    t[static_cast<std::size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

char* put_two(char* dst, std::uint32_t value) {  // value < 100
  dst[0] = kTwoDigits[2 * value];
  dst[1] = kTwoDigits[2 * value + 1];
  return dst + 2;
}

}  // namespace

void TimestampText::cache_second(std::int64_t second_us) {
  std::string text;
  text.reserve(24);
  append_iso8601_ms(text, std::chrono::sys_time<std::chrono::milliseconds>(
                              std::chrono::milliseconds(second_us / 1000)));
  std::copy_n(text.data(), cached_text_.size(), cached_text_.data());
  cached_second_us_ = second_us;
}

std::uint32_t TimestampText::micros_in_second(std::int64_t us) {
  // Unsigned: a time before the cached second wraps to a large value.
  const std::uint64_t offset =
      static_cast<std::uint64_t>(us) - static_cast<std::uint64_t>(cached_second_us_);
  if (offset < 1'000'000) {
    return static_cast<std::uint32_t>(offset);
  }
  const auto t = std::chrono::sys_time<std::chrono::microseconds>(std::chrono::microseconds(us));
  const auto s = std::chrono::floor<std::chrono::seconds>(t);
  cache_second(std::chrono::duration_cast<std::chrono::microseconds>(s.time_since_epoch()).count());
  return static_cast<std::uint32_t>((t - s).count());
}

char* TimestampText::write_us(char* dst, std::chrono::sys_time<std::chrono::microseconds> t) {
  const std::uint32_t us = micros_in_second(t.time_since_epoch().count());
  dst = std::copy(cached_text_.begin(), cached_text_.end(), dst);
  *dst++ = '.';
  dst = put_two(dst, us / 10000);
  dst = put_two(dst, us / 100 % 100);
  dst = put_two(dst, us % 100);
  *dst++ = 'Z';
  return dst;
}

char* TimestampText::write_ms(char* dst, std::chrono::sys_time<std::chrono::milliseconds> t) {
  const std::uint32_t ms = micros_in_second(t.time_since_epoch().count() * 1000) / 1000;
  dst = std::copy(cached_text_.begin(), cached_text_.end(), dst);
  *dst++ = '.';
  *dst++ = static_cast<char>('0' + ms / 100);
  dst = put_two(dst, ms % 100);
  *dst++ = 'Z';
  return dst;
}

}  // namespace canhose::record
