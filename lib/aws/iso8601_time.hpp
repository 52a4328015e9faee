#pragma once
// ISO 8601 / RFC 3339 timestamps as AWS services write expirations:
// "2026-11-25T19:09:09Z", "2026-11-25T19:09:09.123Z", "2026-11-25T20:09:09+01:00".

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace canhose::aws {

// Strict: a real calendar date, 'T' (or 't'), seconds present, optional fraction, and a
// zone (Z or +hh:mm / -hh:mm; a timestamp without zone is refused, not guessed). The year
// must be one a time_point holds (min_time_point_year..max_time_point_year, http_date.hpp)
// and so must the moment after the zone is applied. nullopt otherwise, with the reason in
// `why` when given.
std::optional<std::chrono::system_clock::time_point> parse_iso8601_time(std::string_view text,
                                                                        std::string* why = nullptr);

}  // namespace canhose::aws
