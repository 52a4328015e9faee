#pragma once
// Formats one record line from the values of its columns, in one of the RecordFormats
// (see record_format.hpp for the exact conventions). The line always ends in '\n' and
// never holds a separator inside a value, so it stays one parseable row whatever the
// sources published. Cheap: no allocation once `out` has grown to a line's size.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "record/field_value.hpp"
#include "record/record_format.hpp"

namespace canhose::record {

struct RecordColumn {
  std::string name;
  int precision = -1;  // decimals for doubles; -1: shortest exact text
};

// Columns with each field's default precision.
std::vector<RecordColumn> columns_with_default_precision(const std::vector<std::string>& names);

class RecordFormatter {
 public:
  // Throws std::invalid_argument (a start-up configuration error) for an empty column
  // list, a duplicate or unusable column name, or an invalid missing token.
  RecordFormatter(RecordFormat format, std::vector<RecordColumn> columns,
                  std::string missing_token = std::string(kDefaultMissingToken));

  // Appends one line to `out`. `values` holds one pointer per column (nullptr: missing);
  // the record_id and timestamp columns take `record_id` and `timestamp` instead.
  void format(std::uint64_t record_id, std::chrono::sys_time<std::chrono::milliseconds> timestamp,
              std::span<const FieldValue* const> values, std::string& out) const;

  // The column names as a line (csv: comma-separated; space: space-separated; jsonl:
  // empty, JSON lines name their keys).
  std::string header() const;

  RecordFormat format_kind() const { return format_; }
  const std::vector<RecordColumn>& columns() const { return columns_; }
  // String values whose whitespace had to be replaced (space format) so far.
  std::uint64_t sanitized_values() const { return sanitized_; }

 private:
  enum class Builtin : std::uint8_t { none, record_id, timestamp };
  void append_value(const FieldValue& v, int precision, std::string& out) const;

  RecordFormat format_;
  std::vector<RecordColumn> columns_;
  std::vector<Builtin> builtin_;
  std::vector<std::string> json_keys_;  // `"name":` per column, precomputed
  std::string missing_token_;
  char separator_;
  mutable std::uint64_t sanitized_ = 0;
};

}  // namespace canhose::record
