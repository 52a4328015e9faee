#pragma once
// HTTP dates (RFC 7231 section 7.1.1.1), as servers send them in the Date header.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace canhose::aws {

// The years a system_clock::time_point can hold: it counts nanoseconds in 64 bits, about
// 292 years either side of 1970 (1677-09-21 to 2262-04-11). A date outside these years
// cannot be represented; computing it anyway overflowed (an optimised build read the
// year 0997 as 2166). Parsers of dates from the outside refuse such years.
inline constexpr int min_time_point_year = 1678;
inline constexpr int max_time_point_year = 2261;

// Parses an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the only form RFC 7231 lets
// servers generate, and the one AWS sends). Strict: exact field widths, a valid day of the
// week name, a real calendar date with a year in min_time_point_year..max_time_point_year,
// "GMT". nullopt for anything else, with the reason in `why` when given.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text,
                                                                     std::string* why = nullptr);

// Formats `t` (whole seconds) as an IMF-fixdate.
std::string format_http_date(std::chrono::system_clock::time_point t);

}  // namespace canhose::aws
