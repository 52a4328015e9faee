// parse_put_record_batch_response (declared in firehose_api.hpp): one pass of JsonScanner
// over the answer, which validates the whole document and keeps only what the checks
// and the result need. A DOM of 500 RecordIds per answer used to cost half of an
// unpacked record's CPU (docs/delivery.md).
//
// The outcome is the DOM parser's, check for check and message for message: the same
// bodies are refused, for the same reason, and a member given twice counts with its last
// value, as it did in the DOM's object.

#include <algorithm>

#include "aws/firehose_api.hpp"
#include "aws/json_scanner.hpp"
#include "aws/put_record_batch_body.hpp"

namespace canhose::aws {
namespace {

// A member's last value: absent (or null), of the expected type, or of another.
enum class Member : std::uint8_t { absent, ok, wrong_type };

// The first entry of RequestResponses that fails a check, in the DOM parser's order.
struct Problem {
  std::size_t index = 0;
  std::string what;  // "" = none
};

// What the document said.
struct Answer {
  Member count = Member::absent;  // FailedPutCount: ok = a non-negative integer
  std::uint64_t count_value = 0;
  Member encrypted = Member::absent;
  bool encrypted_value = false;
  Member list = Member::absent;  // RequestResponses: ok = an array
  std::size_t entries = 0;
  bool first_entry_is_object = false;
  std::uint32_t failures = 0;
  Problem problem;
};

// Reads a string member's value token into `value` and `state`; false on malformed JSON.
bool read_string_member(JsonScanner& in, Member& state, std::string* value) {
  const JsonToken t = in.next();
  if (t == JsonToken::string) {
    state = Member::ok;
    if (value != nullptr) {
      in.value(*value);
    }
    return true;
  }
  state = t == JsonToken::literal_null ? Member::absent : Member::wrong_type;
  if (value != nullptr) {
    value->clear();
  }
  return in.skip_value(t);
}

// One entry (its '{' read). `r` is null for an entry past the records sent: the count
// check refuses the answer anyway, so it is only validated.
bool scan_entry(JsonScanner& in, RecordResult* r, Answer& a) {
  Member id = Member::absent;
  Member code = Member::absent;
  Member message = Member::absent;
  JsonToken t = in.next();
  while (t != JsonToken::end_object) {
    if (t != JsonToken::string) {
      return false;
    }
    Member* state = nullptr;
    std::string* value = nullptr;
    if (in.value_is("RecordId")) {
      state = &id;
      value = r != nullptr ? &r->record_id : nullptr;
    } else if (in.value_is("ErrorCode")) {
      state = &code;
      value = r != nullptr ? &r->error_code : nullptr;
    } else if (in.value_is("ErrorMessage")) {
      state = &message;
      value = r != nullptr ? &r->error_message : nullptr;
    }
    if (in.next() != JsonToken::colon) {
      return false;
    }
    if (state != nullptr ? !read_string_member(in, *state, value) : !in.skip_value(in.next())) {
      return false;
    }
    t = in.next();
    if (t == JsonToken::comma) {
      t = in.next();
      if (t != JsonToken::string) {
        return false;
      }
    } else if (t != JsonToken::end_object) {
      return false;
    }
  }
  if (r == nullptr || !a.problem.what.empty()) {
    return true;
  }
  const auto at = [&a] { return "PutRecordBatch result " + std::to_string(a.entries - 1); };
  if (id == Member::wrong_type || code == Member::wrong_type || message == Member::wrong_type) {
    const char* key = id == Member::wrong_type     ? "RecordId"
                      : code == Member::wrong_type ? "ErrorCode"
                                                   : "ErrorMessage";
    a.problem = {a.entries - 1, at() + ": " + key + " is not a string"};
  } else if (r->record_id.empty() && r->error_code.empty()) {
    a.problem = {a.entries - 1, at() + " has neither RecordId nor ErrorCode"};
  } else if (!r->error_code.empty()) {
    ++a.failures;
  }
  return true;
}

// RequestResponses (its '[' read); a later RequestResponses replaces an earlier one.
bool scan_entries(JsonScanner& in, std::size_t record_count, std::vector<RecordResult>& records,
                  Answer& a) {
  a.list = Member::ok;
  a.entries = 0;
  a.failures = 0;
  a.problem = {};
  records.clear();
  records.reserve(std::min(record_count, max_batch_records));
  JsonToken t = in.next();
  if (t == JsonToken::end_array) {
    return true;
  }
  for (;;) {
    const std::size_t index = a.entries++;
    if (index == 0) {
      a.first_entry_is_object = t == JsonToken::begin_object;
    }
    if (t == JsonToken::begin_object) {
      RecordResult* r = nullptr;
      if (index < record_count) {
        r = &records.emplace_back();
      }
      if (!scan_entry(in, r, a)) {
        return false;
      }
    } else {
      if (a.problem.what.empty()) {
        a.problem = {index, "PutRecordBatch result " + std::to_string(index) + " is not an object"};
      }
      if (!in.skip_value(t)) {
        return false;
      }
    }
    t = in.next();
    if (t == JsonToken::end_array) {
      return true;
    }
    if (t != JsonToken::comma) {
      return false;
    }
    t = in.next();
  }
}

// The top-level object (its '{' read), then the end of the input.
bool scan_answer(JsonScanner& in, std::size_t record_count, PutRecordBatchResult& result,
                 Answer& a) {
  JsonToken t = in.next();
  while (t != JsonToken::end_object) {
    if (t != JsonToken::string) {
      return false;
    }
    const bool count = in.value_is("FailedPutCount");
    const bool encrypted = !count && in.value_is("Encrypted");
    const bool list = !count && !encrypted && in.value_is("RequestResponses");
    if (in.next() != JsonToken::colon) {
      return false;
    }
    const JsonToken v = in.next();
    if (count) {
      const bool ok = v == JsonToken::number && in.is_unsigned();
      a.count = ok ? Member::ok : Member::wrong_type;
      a.count_value = ok ? in.unsigned_value() : 0;
    } else if (encrypted) {
      const bool boolean = v == JsonToken::literal_true || v == JsonToken::literal_false;
      a.encrypted = boolean                        ? Member::ok
                    : v == JsonToken::literal_null ? Member::absent
                                                   : Member::wrong_type;
      a.encrypted_value = v == JsonToken::literal_true;
    }
    if (list && v == JsonToken::begin_array) {
      if (!scan_entries(in, record_count, result.records, a)) {
        return false;
      }
    } else {
      if (list) {
        a.list = Member::wrong_type;  // null too: not a list
      }
      if (!in.skip_value(v)) {
        return false;
      }
    }
    t = in.next();
    if (t == JsonToken::comma) {
      t = in.next();
      if (t != JsonToken::string) {
        return false;
      }
    } else if (t != JsonToken::end_object) {
      return false;
    }
  }
  return in.next() == JsonToken::end;
}

}  // namespace

FirehoseOutcome<PutRecordBatchResult> parse_put_record_batch_response(std::string_view body,
                                                                      std::size_t record_count) {
  FirehoseOutcome<PutRecordBatchResult> out;
  JsonScanner in(body);
  Answer a;
  const JsonToken first = in.next();
  const bool object = first == JsonToken::begin_object;
  const bool valid = object ? scan_answer(in, record_count, out.value, a)
                            : in.skip_value(first) && in.next() == JsonToken::end;
  if (!valid) {
    out.error = malformed_response("PutRecordBatch response is not valid JSON (" +
                                   std::to_string(body.size()) + " bytes; truncated?)");
    return out;
  }
  if (!object) {
    out.error = malformed_response("PutRecordBatch response is not a JSON object");
    return out;
  }
  if (a.count != Member::ok) {
    out.error =
        malformed_response("PutRecordBatch: FailedPutCount missing or not a non-negative integer");
    return out;
  }
  out.value.encrypted = a.encrypted == Member::ok && a.encrypted_value;
  if (a.list != Member::ok) {
    out.error = malformed_response("PutRecordBatch: RequestResponses missing or not a list");
    return out;
  }
  if (a.entries != record_count) {
    out.error = malformed_response("PutRecordBatch: " + std::to_string(a.entries) +
                                   " results for " + std::to_string(record_count) + " records");
    return out;
  }
  // The DOM parser checked the entries in order and stopped at the first bad one; an
  // Encrypted that is not a boolean stopped it at the first entry that was an object.
  if (a.encrypted == Member::wrong_type && record_count > 0 && a.first_entry_is_object) {
    out.error = malformed_response("PutRecordBatch: Encrypted is not a boolean");
    return out;
  }
  if (!a.problem.what.empty()) {
    out.error = malformed_response(std::move(a.problem.what));
    return out;
  }
  // The per-record results are the truth (they say which records to resend); a
  // FailedPutCount that disagrees means the body cannot be trusted.
  if (a.count_value != a.failures) {
    out.error =
        malformed_response("PutRecordBatch: FailedPutCount is " + std::to_string(a.count_value) +
                           " but " + std::to_string(a.failures) + " results carry an ErrorCode");
    return out;
  }
  if (a.encrypted == Member::wrong_type) {
    out.error = malformed_response("PutRecordBatch: Encrypted is not a boolean");
    return out;
  }
  out.value.failed_put_count = a.failures;
  return out;
}

}  // namespace canhose::aws
