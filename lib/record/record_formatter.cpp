#include "record/record_formatter.hpp"

#include <cmath>
#include <set>
#include <stdexcept>

#include "record/text_encoding.hpp"

namespace canhose::record {

std::vector<RecordColumn> columns_with_default_precision(const std::vector<std::string>& names) {
  std::vector<RecordColumn> columns;
  columns.reserve(names.size());
  for (const auto& n : names) {
    columns.push_back({n, default_precision(n)});
  }
  return columns;
}

RecordFormatter::RecordFormatter(RecordFormat format, std::vector<RecordColumn> columns,
                                 std::string missing_token)
    : format_(format),
      columns_(std::move(columns)),
      missing_token_(std::move(missing_token)),
      separator_(format == RecordFormat::csv ? ',' : ' ') {
  if (columns_.empty()) {
    throw std::invalid_argument("record: the field list is empty");
  }
  if (format_ != RecordFormat::jsonl && !is_valid_missing_token(missing_token_)) {
    throw std::invalid_argument("record: missing token \"" + missing_token_ +
                                "\" is not one pandas reads as NaN (use NaN, NA, null, ...)");
  }
  std::set<std::string> seen;
  for (const auto& c : columns_) {
    if (!is_space_token(c.name) || c.name.find_first_of(",\"") != std::string::npos) {
      throw std::invalid_argument("record: field name \"" + c.name +
                                  "\" must be non-empty without spaces, commas or quotes");
    }
    if (!seen.insert(c.name).second) {
      throw std::invalid_argument("record: field \"" + c.name + "\" is listed twice");
    }
    builtin_.push_back(c.name == kRecordIdField    ? Builtin::record_id
                       : c.name == kTimestampField ? Builtin::timestamp
                                                   : Builtin::none);
    std::string key;
    append_json_string(key, c.name);
    key += ':';
    json_keys_.push_back(std::move(key));
  }
}

std::string RecordFormatter::header() const {
  if (format_ == RecordFormat::jsonl) {
    return {};
  }
  std::string line;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i != 0) {
      line += separator_;
    }
    line += columns_[i].name;
  }
  line += '\n';
  return line;
}

void RecordFormatter::append_value(const FieldValue& v, int precision, std::string& out) const {
  if (const double* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) {
      if (format_ == RecordFormat::jsonl) {
        out += "null";
      } else {
        out += missing_token_;
      }
      return;
    }
    append_double(out, *d, precision);
    return;
  }
  if (const std::int64_t* i = std::get_if<std::int64_t>(&v)) {
    append_int(out, *i);
    return;
  }
  const std::string& s = std::get<std::string>(v);
  switch (format_) {
    case RecordFormat::space:
      if (s.empty()) {
        out += missing_token_;
      } else if (append_space_token(out, s)) {
        ++sanitized_;
      }
      break;
    case RecordFormat::csv:
      if (s.empty()) {
        out += missing_token_;
      } else {
        append_csv_field(out, s);
      }
      break;
    case RecordFormat::jsonl:
      append_json_string(out, s);
      break;
  }
}

void RecordFormatter::format(std::uint64_t record_id,
                             std::chrono::sys_time<std::chrono::milliseconds> timestamp,
                             std::span<const FieldValue* const> values, std::string& out) const {
  if (values.size() != columns_.size()) {
    throw std::logic_error("RecordFormatter::format: one value per column expected");
  }
  const bool json = format_ == RecordFormat::jsonl;
  if (json) {
    out += '{';
  }
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i != 0) {
      out += json ? ',' : separator_;
    }
    if (json) {
      out += json_keys_[i];
    }
    switch (builtin_[i]) {
      case Builtin::record_id:
        append_uint(out, record_id);
        continue;
      case Builtin::timestamp:
        if (json) {
          out += '"';
        }
        append_iso8601_ms(out, timestamp);
        if (json) {
          out += '"';
        }
        continue;
      case Builtin::none:
        break;
    }
    if (values[i] == nullptr) {
      if (json) {
        out += "null";
      } else {
        out += missing_token_;
      }
    } else {
      append_value(*values[i], columns_[i].precision, out);
    }
  }
  if (json) {
    out += '}';
  }
  out += '\n';
}

}  // namespace canhose::record
