#pragma once
// The three record formats and their fixed conventions (docs/record.md shows examples).
//
//   space  record_id timestamp vin lat lon speed ...   one line, single spaces, '\n' end.
//          Missing value: the missing token (default "NaN"). String values never hold
//          whitespace (replaced by '_'; VIN and device id are checked at start-up).
//          pandas: read_csv(path, sep=" ", names=[...])
//   csv    the same columns separated by ',', RFC 4180 quoting for strings; missing value:
//          the missing token (default "NaN"). Optional header line (see RecordBuilder).
//          pandas: read_csv(path, names=[...]) or header=0 with the header line.
//   jsonl  one JSON object per line, keys in the configured order, numbers as JSON
//          numbers, missing values as null. pandas: read_json(path, lines=True)
//
// Built-in columns: record_id (the queue sequence, an unsigned integer) and timestamp
// (UTC, ISO 8601 with milliseconds: 2026-11-25T18:00:00.123Z). Numbers never use
// exponents for fields with a fixed precision, and never depend on the locale.

#include <optional>
#include <string>
#include <string_view>

namespace canhose::record {

enum class RecordFormat { space, csv, jsonl };

std::optional<RecordFormat> parse_record_format(std::string_view text);
std::string_view to_string(RecordFormat format);

// The missing-value token of the space and csv formats. pandas reads it as NaN with its
// default na_values ("NaN", "nan", "NA", "N/A", "null", "" ... ; "" is not allowed
// in the space format because it would merge columns).
inline constexpr std::string_view kDefaultMissingToken = "NaN";
// True if pandas' read_csv treats `token` as NaN by default and it holds no separator.
bool is_valid_missing_token(std::string_view token);

// Built-in column names.
inline constexpr std::string_view kRecordIdField = "record_id";
inline constexpr std::string_view kTimestampField = "timestamp";

// Decimals for well-known fields (lat/lon 7 ≈ 1 cm, speeds 1, rpm 0, ...); -1 (the
// shortest exact text) for any other field.
int default_precision(std::string_view field);

}  // namespace canhose::record
