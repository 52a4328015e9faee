#include "record/timestamp_text.hpp"

#include <algorithm>
#include <string>

#include "record/text_encoding.hpp"

namespace canhose::record {

char* TimestampText::write_seconds(char* dst, std::chrono::sys_seconds s) {
  if (s != cached_second_) {
    std::string text;
    text.reserve(24);
    append_iso8601_ms(text, std::chrono::sys_time<std::chrono::milliseconds>(s));
    std::copy_n(text.data(), cached_text_.size(), cached_text_.data());
    cached_second_ = s;
  }
  return std::copy(cached_text_.begin(), cached_text_.end(), dst);
}

char* TimestampText::write_us(char* dst, std::chrono::sys_time<std::chrono::microseconds> t) {
  const auto s = std::chrono::floor<std::chrono::seconds>(t);
  dst = write_seconds(dst, s);
  auto us = static_cast<std::uint32_t>((t - s).count());
  *dst++ = '.';
  for (int i = 5; i >= 0; --i) {
    dst[i] = static_cast<char>('0' + us % 10);
    us /= 10;
  }
  dst += 6;
  *dst++ = 'Z';
  return dst;
}

char* TimestampText::write_ms(char* dst, std::chrono::sys_time<std::chrono::milliseconds> t) {
  const auto s = std::chrono::floor<std::chrono::seconds>(t);
  dst = write_seconds(dst, s);
  auto ms = static_cast<std::uint32_t>((t - s).count());
  *dst++ = '.';
  for (int i = 2; i >= 0; --i) {
    dst[i] = static_cast<char>('0' + ms % 10);
    ms /= 10;
  }
  dst += 3;
  *dst++ = 'Z';
  return dst;
}

}  // namespace canhose::record
