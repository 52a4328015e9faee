#include "record/timestamp_text.hpp"

#include <algorithm>
#include <string>

#include "record/text_encoding.hpp"

namespace canhose::record {

void TimestampText::cache_second(std::int64_t second_us) {
  std::string text;
  text.reserve(24);
  append_iso8601_ms(text, std::chrono::sys_time<std::chrono::milliseconds>(
                              std::chrono::milliseconds(second_us / 1000)));
  std::copy_n(text.data(), cached_text_.size(), cached_text_.data());
  cached_second_us_ = second_us;
}

std::uint32_t TimestampText::micros_in_new_second(std::int64_t us) {
  const auto t = std::chrono::sys_time<std::chrono::microseconds>(std::chrono::microseconds(us));
  const auto s = std::chrono::floor<std::chrono::seconds>(t);
  cache_second(std::chrono::duration_cast<std::chrono::microseconds>(s.time_since_epoch()).count());
  return static_cast<std::uint32_t>((t - s).count());
}

char* TimestampText::write_ms(char* dst, std::chrono::sys_time<std::chrono::milliseconds> t) {
  const std::uint32_t ms = micros_in_second(t.time_since_epoch().count() * 1000) / 1000;
  dst = std::copy(cached_text_.begin(), cached_text_.end(), dst);
  *dst++ = '.';
  *dst++ = static_cast<char>('0' + ms / 100);
  put_two(dst, ms % 100);
  dst += 2;
  *dst++ = 'Z';
  return dst;
}

}  // namespace canhose::record
