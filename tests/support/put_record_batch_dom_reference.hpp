#pragma once
// The PutRecordBatch answer parser as it was before the scanner (lib/aws/
// put_record_batch_response.cpp): an nlohmann::json DOM, then the checks. Kept as it was
// (less string_member's unused `required` flag) as the reference the scanner must agree with,
// outcome for outcome and message for message (tests/unit/aws/put_record_batch_response_test.cpp,
// the firehose_response fuzz target).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "aws/firehose_api.hpp"

namespace canhose::test::dom_reference {

using aws::FirehoseError;
using nlohmann::json;

inline FirehoseError malformed(std::string what) {
  FirehoseError e;
  e.kind = aws::FirehoseErrorKind::malformed_response;
  e.http_status = 200;
  e.message = std::move(what);
  return e;
}

inline std::optional<json> parse_object(std::string_view body, FirehoseError& error,
                                        std::string_view call) {
  json value = json::parse(body, nullptr, false);
  if (value.is_discarded()) {
    error = malformed(std::string(call) + " response is not valid JSON (" +
                      std::to_string(body.size()) + " bytes; truncated?)");
    return std::nullopt;
  }
  if (!value.is_object()) {
    error = malformed(std::string(call) + " response is not a JSON object");
    return std::nullopt;
  }
  return value;
}

inline std::string string_member(const json& object, const char* key, FirehoseError& error,
                                 std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return {};
  }
  if (!it->is_string()) {
    if (error.ok())
      error = malformed(std::string(where) + ": " + key + " is not a string");
    return {};
  }
  return it->get<std::string>();
}

inline bool bool_member(const json& object, const char* key, FirehoseError& error,
                        std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null())
    return false;
  if (!it->is_boolean()) {
    if (error.ok())
      error = malformed(std::string(where) + ": " + key + " is not a boolean");
    return false;
  }
  return it->get<bool>();
}

inline aws::FirehoseOutcome<aws::PutRecordBatchResult> parse_put_record_batch_response(
    std::string_view body, std::size_t record_count) {
  aws::FirehoseOutcome<aws::PutRecordBatchResult> out;
  constexpr std::string_view where = "PutRecordBatch";
  auto object = parse_object(body, out.error, where);
  if (!object)
    return out;
  auto failed = object->find("FailedPutCount");
  if (failed == object->end() || !failed->is_number_unsigned()) {
    out.error = malformed("PutRecordBatch: FailedPutCount missing or not a non-negative integer");
    return out;
  }
  out.value.encrypted = bool_member(*object, "Encrypted", out.error, where);
  auto responses = object->find("RequestResponses");
  if (responses == object->end() || !responses->is_array()) {
    out.error = malformed("PutRecordBatch: RequestResponses missing or not a list");
    return out;
  }
  if (responses->size() != record_count) {
    out.error = malformed("PutRecordBatch: " + std::to_string(responses->size()) + " results for " +
                          std::to_string(record_count) + " records");
    return out;
  }
  out.value.records.reserve(record_count);
  std::uint32_t failures = 0;
  for (std::size_t i = 0; i < responses->size(); ++i) {
    const json& entry = (*responses)[i];
    const std::string at = "PutRecordBatch result " + std::to_string(i);
    if (!entry.is_object()) {
      out.error = malformed(at + " is not an object");
      return out;
    }
    aws::RecordResult r;
    r.record_id = string_member(entry, "RecordId", out.error, at);
    r.error_code = string_member(entry, "ErrorCode", out.error, at);
    r.error_message = string_member(entry, "ErrorMessage", out.error, at);
    if (!out.error.ok())
      return out;
    if (r.record_id.empty() && r.error_code.empty()) {
      out.error = malformed(at + " has neither RecordId nor ErrorCode");
      return out;
    }
    if (!r.error_code.empty()) {
      ++failures;
    }
    out.value.records.push_back(std::move(r));
  }
  const auto count = failed->get<std::uint64_t>();
  if (count != failures) {
    out.error = malformed("PutRecordBatch: FailedPutCount is " + std::to_string(count) + " but " +
                          std::to_string(failures) + " results carry an ErrorCode");
    return out;
  }
  out.value.failed_put_count = failures;
  return out;
}

// "" when the two outcomes agree (error kind, status and message; or every value), else
// what differs.
inline std::string difference(const aws::FirehoseOutcome<aws::PutRecordBatchResult>& a,
                              const aws::FirehoseOutcome<aws::PutRecordBatchResult>& b) {
  if (a.ok() != b.ok() || a.error.kind != b.error.kind ||
      a.error.http_status != b.error.http_status || a.error.message != b.error.message) {
    return "error \"" + a.error.message + "\" vs \"" + b.error.message + "\"";
  }
  if (!a.ok()) {
    return {};
  }
  if (a.value.failed_put_count != b.value.failed_put_count ||
      a.value.encrypted != b.value.encrypted || a.value.records.size() != b.value.records.size()) {
    return "counts or Encrypted differ";
  }
  for (std::size_t i = 0; i < a.value.records.size(); ++i) {
    const aws::RecordResult& x = a.value.records[i];
    const aws::RecordResult& y = b.value.records[i];
    if (x.record_id != y.record_id || x.error_code != y.error_code ||
        x.error_message != y.error_message) {
      return "result " + std::to_string(i) + " differs";
    }
  }
  return {};
}

}  // namespace canhose::test::dom_reference
