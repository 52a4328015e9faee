#include "aws/http_date.hpp"

#include <array>

namespace canhose::aws {

namespace {

constexpr std::array<std::string_view, 7> weekday_names = {"Sun", "Mon", "Tue", "Wed",
                                                           "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count) {
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text,
                                                                     std::string* why) {
  using namespace std::chrono;
  const auto refuse = [why](const char* reason) {
    if (why != nullptr) {
      *why = reason;
    }
    return std::nullopt;
  };
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  //  0123456789012345678901234567 8
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return refuse("not an IMF-fixdate such as \"Sun, 06 Nov 1994 08:49:37 GMT\"");
  }
  std::size_t wday = 0;
  while (wday < weekday_names.size() && weekday_names[wday] != text.substr(0, 3)) {
    ++wday;
  }
  std::size_t month_index = 0;
  while (month_index < month_names.size() && month_names[month_index] != text.substr(8, 3)) {
    ++month_index;
  }
  const auto d = digits(text, 5, 2);
  const auto y = digits(text, 12, 4);
  const auto h = digits(text, 17, 2);
  const auto mi = digits(text, 20, 2);
  const auto s = digits(text, 23, 2);
  if (wday == weekday_names.size() || month_index == month_names.size() || !d || !y || !h || !mi ||
      !s || *h > 23 || *mi > 59 || *s > 60) {
    return refuse("not an IMF-fixdate such as \"Sun, 06 Nov 1994 08:49:37 GMT\"");
  }
  if (*y < min_time_point_year || *y > max_time_point_year) {
    return refuse("the year is outside 1678-2261");
  }
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(month_index + 1)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) {
    return refuse("not a calendar date");
  }
  const sys_days date{ymd};
  if (weekday{date}.c_encoding() != wday) {
    return refuse("the day of the week does not match the date");  // "Mon, 06 Nov 1994"
  }
  // A leap second (":60") is read as the next second's start.
  return system_clock::time_point{date} + hours{*h} + minutes{*mi} + seconds{*s};
}

std::string format_http_date(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto date = floor<days>(t);
  const year_month_day ymd{date};
  const hh_mm_ss hms{floor<seconds>(t - date)};
  auto two = [](long v) {
    return std::string{static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
  };
  std::string out;
  out.reserve(29);
  out += weekday_names[weekday{date}.c_encoding()];
  out += ", ";
  out += two(static_cast<unsigned>(ymd.day()));
  out += ' ';
  out += month_names[static_cast<unsigned>(ymd.month()) - 1];
  out += ' ';
  const int y = static_cast<int>(ymd.year());
  out += two(y / 100);
  out += two(y % 100);
  out += ' ';
  out += two(hms.hours().count());
  out += ':';
  out += two(hms.minutes().count());
  out += ':';
  out += two(hms.seconds().count());
  out += " GMT";
  return out;
}

}  // namespace canhose::aws
