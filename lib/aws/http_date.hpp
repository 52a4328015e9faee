#pragma once
// HTTP dates (RFC 7231 section 7.1.1.1), as servers send them in the Date header.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace canhose::aws {

// Parses an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the only form RFC 7231 lets
// servers generate, and the one AWS sends). Strict: exact field widths, a valid day of the
// week name, a real calendar date, "GMT". nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// Formats `t` (whole seconds) as an IMF-fixdate.
std::string format_http_date(std::chrono::system_clock::time_point t);

}  // namespace canhose::aws
