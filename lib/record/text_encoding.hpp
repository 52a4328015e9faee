#pragma once
// Locale-independent text encoding for records: numbers through std::to_chars (never
// printf/iostreams, whose output depends on the global locale), ISO 8601 UTC times,
// and the quoting rules of each format. All functions append to `out`.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace canhose::record {

// `precision` >= 0: fixed notation with that many decimals; < 0: the shortest text that
// reads back as the same double. The caller handles NaN/inf (they are "missing").
void append_double(std::string& out, double value, int precision);
void append_int(std::string& out, std::int64_t value);
void append_uint(std::string& out, std::uint64_t value);
// 2026-11-25T18:00:00.123Z
void append_iso8601_ms(std::string& out, std::chrono::sys_time<std::chrono::milliseconds> t);
// RFC 4180: quoted (and inner quotes doubled) when it holds , " CR or LF, or leading or
// trailing spaces; as is otherwise.
void append_csv_field(std::string& out, std::string_view text);
// A JSON string literal with quotes; control characters as \u00XX. Bytes >= 0x80 pass
// through (input is expected to be UTF-8).
void append_json_string(std::string& out, std::string_view text);
// For the space format: every whitespace or control byte becomes '_' so a value can never
// split a column. Returns true if anything had to be replaced.
bool append_space_token(std::string& out, std::string_view text);
// True if `text` is non-empty and holds no whitespace or control bytes (config check for
// VIN and device id in the space format).
bool is_space_token(std::string_view text);

}  // namespace canhose::record
