#include "aws/iso8601_time.hpp"

#include <charconv>

#include "aws/http_date.hpp"

namespace canhose::aws {
namespace {

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) {
    return false;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_iso8601_time(std::string_view text,
                                                                        std::string* why) {
  using namespace std::chrono;
  const auto refuse = [why](const char* reason) {
    if (why != nullptr) {
      *why = reason;
    }
    return std::nullopt;
  };
  constexpr const char* kShape = "not an ISO 8601 time such as \"2026-11-25T19:09:09Z\"";
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(text, 0, 4, y) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, mo) ||
      text[7] != '-' || !digits(text, 8, 2, d) || (text[10] != 'T' && text[10] != 't') ||
      !digits(text, 11, 2, h) || text[13] != ':' || !digits(text, 14, 2, mi) || text[16] != ':' ||
      !digits(text, 17, 2, s)) {
    return refuse(kShape);
  }
  // A zone moves the moment by less than a day: a time_point reaches from 1677-09-21 to
  // 2262-04-11, so the whole years 1678-2261 leave room for it.
  if (y < min_time_point_year || y > max_time_point_year) {
    return refuse("the year is outside 1678-2261");
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) {
    return refuse("not a calendar date and time");
  }
  std::size_t pos = 19;
  nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    long long value = 0;
    long long scale = 1'000'000'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (scale > 1) {
        scale /= 10;
        value += (text[pos] - '0') * scale;
      }
      ++pos;
    }
    if (pos == start) {
      return refuse(kShape);
    }
    fraction = nanoseconds(value);
  }
  minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return refuse(kShape);
    }
    offset = hours(oh) + minutes(om);
    if (text[pos] == '-') {
      offset = -offset;
    }
    pos += 6;
  } else {
    return refuse("no time zone (Z or +hh:mm)");
  }
  if (pos != text.size()) {
    return refuse(kShape);
  }
  const auto local = sys_days(date) + hours(h) + minutes(mi) + seconds(s);
  return time_point_cast<system_clock::duration>(local - offset + fraction);
}

}  // namespace canhose::aws
