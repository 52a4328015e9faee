#include "ingest/firehose_ingest_api.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <random>

#include <nlohmann/json.hpp>

#include "aws/json_scanner.hpp"

namespace canhose::ingest {
namespace {

using aws::JsonScanner;
using aws::JsonToken;

constexpr std::string_view kTargetPrefix = "Firehose_20150804.";
constexpr std::string_view kStreamNamePattern = "[a-zA-Z0-9_.-]+";
constexpr std::string_view kDestinationIdPattern = "[a-zA-Z0-9-]+";
constexpr std::array<std::string_view, 4> kStreamTypes = {"DirectPut", "KinesisStreamAsSource",
                                                          "MSKAsSource", "DatabaseAsSource"};

// The service framework's errors carry a namespaced __type, the model's a bare one
// (tests/firehose_emulator/emulator/aws_error.py has the table this mirrors).
std::string_view framework_namespace(std::string_view code) {
  if (code == "ValidationException") {
    return "com.amazon.coral.validate";
  }
  static constexpr std::array<std::string_view, 8> service_errors = {
      "MissingAuthenticationTokenException",
      "IncompleteSignatureException",
      "InvalidSignatureException",
      "UnrecognizedClientException",
      "ExpiredTokenException",
      "SerializationException",
      "UnknownOperationException",
      "InternalFailure"};
  if (std::find(service_errors.begin(), service_errors.end(), code) != service_errors.end()) {
    return "com.amazon.coral.service";
  }
  return {};
}

// A value as the service quotes it in a validation message, cut short: a request can
// hold megabytes in a field, the answer must not.
std::string shown(std::string_view value) {
  constexpr std::size_t kMax = 100;
  if (value.size() <= kMax) {
    return std::string(value);
  }
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) {
    --cut;  // not inside a UTF-8 sequence
  }
  return std::string(value.substr(0, cut)) + "...";
}

std::string shown_blob(std::size_t size) {
  const std::string n = std::to_string(size);
  return "java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]";
}

// Length as Java counts it (UTF-16 code units), the unit of the model's constraints.
std::size_t java_length(std::string_view utf8) {
  std::size_t n = 0;
  for (const char c : utf8) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) != 0x80) {
      n += b >= 0xF0 ? 2 : 1;
    }
  }
  return n;
}

bool matches_class(std::string_view text, bool allow_dot_and_underscore) {
  return std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           (allow_dot_and_underscore && (c == '_' || c == '.'));
  });
}

// Standard base64 with '=' padding, as botocore sends blobs and as Python's
// b64decode(validate=True) accepts them; appended to `out` (no temporary per record).
constexpr std::array<std::int8_t, 256> make_base64_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) {
    v = -1;
  }
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return t;
}
constexpr auto kBase64 = make_base64_table();

bool base64_decode_append(std::string_view text, std::string& out) {
  if (text.size() % 4 != 0) {
    return false;
  }
  if (text.empty()) {
    return true;
  }
  std::size_t padding = 0;
  if (text.back() == '=') {
    padding = text[text.size() - 2] == '=' ? 2 : 1;
  }
  const std::size_t start = out.size();
  out.resize(start + text.size() / 4 * 3);
  char* w = out.data() + start;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t groups = text.size() / 4;
  for (std::size_t g = 0; g < groups; ++g, p += 4) {
    const bool last = g + 1 == groups;
    const std::int8_t a = kBase64[p[0]];
    const std::int8_t b = kBase64[p[1]];
    const std::int8_t c = (last && padding == 2) ? 0 : kBase64[p[2]];
    const std::int8_t d = (last && padding >= 1) ? 0 : kBase64[p[3]];
    if ((a | b | c | d) < 0) {
      out.resize(start);
      return false;
    }
    const std::uint32_t v = (static_cast<std::uint32_t>(a) << 18) |
                            (static_cast<std::uint32_t>(b) << 12) |
                            (static_cast<std::uint32_t>(c) << 6) | static_cast<std::uint32_t>(d);
    w[0] = static_cast<char>(v >> 16);
    w[1] = static_cast<char>((v >> 8) & 0xFF);
    w[2] = static_cast<char>(v & 0xFF);
    w += 3;
  }
  // Bits under the padding that are not zero ("QR==") are ignored, as Python's decoder
  // (the emulator's) and Java's do.
  out.resize(out.size() - padding);
  return true;
}

// Reads one request body: the JSON grammar through JsonScanner, the model's types and
// constraints by the callers. Mistakes are collected rather than thrown, in the order
// the service reports them: JSON first (the whole body is checked even after a type
// error), then the first type error, then every constraint violation.
class BodyReader {
 public:
  explicit BodyReader(std::string_view body) : scanner_(body) {}

  // Reads the top-level object, handing each member's name and first token to
  // `member`, which must consume the value (take_* or skip). An empty body is {}.
  template <class F>
  void read_object_body(F&& member) {
    const JsonToken first = scanner_.next();
    if (first == JsonToken::end) {
      return;
    }
    if (first != JsonToken::begin_object) {
      type_error("Start of structure or map expected at 'input'");
      skip(first);
    } else {
      read_members(std::forward<F>(member));
    }
    if (scanner_.next() != JsonToken::end) {
      json_error_ = true;
    }
  }

  // After begin_object: each member, up to and including the end_object.
  template <class F>
  void read_members(F&& member) {
    JsonToken t = scanner_.next();
    if (t == JsonToken::end_object) {
      return;
    }
    std::string name;
    for (;;) {
      if (t != JsonToken::string) {
        json_error_ = true;
        return;
      }
      scanner_.value(name);
      if (scanner_.next() != JsonToken::colon) {
        json_error_ = true;
        return;
      }
      member(name, scanner_.next());
      if (json_error_) {
        return;
      }
      t = scanner_.next();
      if (t == JsonToken::end_object) {
        return;
      }
      if (t != JsonToken::comma) {
        json_error_ = true;
        return;
      }
      t = scanner_.next();
    }
  }

  // After begin_array: calls `item(index from 1, first token)` for each element.
  template <class F>
  void read_items(F&& item) {
    JsonToken t = scanner_.next();
    if (t == JsonToken::end_array) {
      return;
    }
    for (std::size_t index = 1;; ++index) {
      item(index, t);
      if (json_error_) {
        return;
      }
      t = scanner_.next();
      if (t == JsonToken::end_array) {
        return;
      }
      if (t != JsonToken::comma) {
        json_error_ = true;
        return;
      }
      t = scanner_.next();
    }
  }

  void skip(JsonToken first) {
    if (!scanner_.skip_value(first)) {
      json_error_ = true;
    }
  }

  // A string member: its value, nullopt for null (absent) or a type error (reported).
  std::optional<std::string> take_string(JsonToken t, std::string_view path) {
    if (t == JsonToken::string) {
      return scanner_.value();
    }
    if (t != JsonToken::literal_null) {
      type_error("STRING_VALUE can not be converted to a String at '" + std::string(path) + "'");
      skip(t);
    }
    return std::nullopt;
  }

  // An integer member (unsigned 64-bit here; the model's ranges are checked by callers).
  std::optional<std::uint64_t> take_integer(JsonToken t, std::string_view path) {
    if (t == JsonToken::number && scanner_.is_unsigned()) {
      return scanner_.unsigned_value();
    }
    if (t != JsonToken::literal_null) {
      type_error("NUMBER_VALUE can not be converted to an Integer at '" + std::string(path) + "'");
      skip(t);
    }
    return std::nullopt;
  }

  // A blob member: decoded and appended to `out`; its decoded size, nullopt for null or
  // a mistake (reported). `path()` gives the member's path, made only for a message: a
  // batch has 500 records, and a string per record would cost more than decoding it.
  template <class PathFn>
  std::optional<std::size_t> take_blob(JsonToken t, const PathFn& path, std::string& out) {
    if (t == JsonToken::literal_null) {
      return std::nullopt;
    }
    if (t != JsonToken::string) {
      type_error("Base64 string expected at '" + path() + "'");
      skip(t);
      return std::nullopt;
    }
    std::string_view text = scanner_.raw();
    std::string unescaped;
    if (text.find('\\') != std::string_view::npos) {  // "\/" is legal JSON for '/'
      scanner_.value(unescaped);
      text = unescaped;
    }
    const std::size_t before = out.size();
    if (!base64_decode_append(text, out)) {
      type_error("Value at '" + path() + "' is not valid base64-encoded data");
      return std::nullopt;
    }
    return out.size() - before;
  }

  void type_error(std::string message) {
    if (!serialization_) {
      serialization_ = std::move(message);
    }
  }
  void violation(std::string message) { violations_.push_back(std::move(message)); }
  bool json_error() const { return json_error_; }
  std::size_t violation_count() const { return violations_.size(); }
  void move_first_violations_last(std::size_t n) {
    std::rotate(violations_.begin(), violations_.begin() + static_cast<std::ptrdiff_t>(n),
                violations_.end());
  }

  // Checks a required member's presence.
  void require(bool present, std::string_view path) {
    if (!present) {
      violation("Value null at '" + std::string(path) +
                "' failed to satisfy constraint: Member must not be null");
    }
  }
  void check_stream_name(const std::optional<std::string>& name, std::string_view path) {
    if (!name) {
      return;
    }
    const std::size_t length = java_length(*name);
    const std::string prefix = "Value '" + shown(*name) + "' at '" + std::string(path) +
                               "' failed to satisfy constraint: Member must ";
    if (length < 1) {
      violation(prefix + "have length greater than or equal to 1");
    }
    if (length > 64) {
      violation(prefix + "have length less than or equal to 64");
    }
    if (!matches_class(*name, true) || name->empty()) {
      violation(prefix + "satisfy regular expression pattern: " + std::string(kStreamNamePattern));
    }
  }
  void check_limit(const std::optional<std::uint64_t>& limit, std::string_view path) {
    if (!limit) {
      return;
    }
    const std::string prefix = "Value '" + std::to_string(*limit) + "' at '" + std::string(path) +
                               "' failed to satisfy constraint: Member must have value ";
    if (*limit < 1) {
      violation(prefix + "greater than or equal to 1");
    }
    if (*limit > 10000) {
      violation(prefix + "less than or equal to 10000");
    }
  }

  // The error to answer, if any.
  std::optional<IngestResponse> error() const {
    if (json_error_) {
      return error_response(400, "SerializationException", "Request body is not valid JSON.");
    }
    if (serialization_) {
      return error_response(400, "SerializationException", *serialization_);
    }
    if (!violations_.empty()) {
      std::string message = std::to_string(violations_.size()) + " validation " +
                            (violations_.size() == 1 ? "error" : "errors") + " detected: ";
      for (std::size_t i = 0; i < violations_.size(); ++i) {
        message += (i == 0 ? "" : "; ") + violations_[i];
      }
      return error_response(400, "ValidationException", message);
    }
    return std::nullopt;
  }

 private:
  JsonScanner scanner_;
  bool json_error_ = false;
  std::optional<std::string> serialization_;
  std::vector<std::string> violations_;
};

IngestOperation operation_of(std::string_view target) {
  if (target.substr(0, kTargetPrefix.size()) != kTargetPrefix) {
    return IngestOperation::unknown;
  }
  const std::string_view name = target.substr(kTargetPrefix.size());
  if (name == "PutRecord") {
    return IngestOperation::put_record;
  }
  if (name == "PutRecordBatch") {
    return IngestOperation::put_record_batch;
  }
  if (name == "ListDeliveryStreams") {
    return IngestOperation::list_delivery_streams;
  }
  if (name == "DescribeDeliveryStream") {
    return IngestOperation::describe_delivery_stream;
  }
  return IngestOperation::unknown;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Whether the body may be read as the JSON protocol: what the service lets through.
bool accepted_content_type(std::string_view header) {
  const std::string_view type = trim(header.substr(0, header.find(';')));
  return iequals(type, "application/x-amz-json-1.1") ||
         iequals(type, "application/x-amz-json-1.0") || iequals(type, "application/json");
}

// PutRecord / PutRecordBatch bodies.
void read_put(BodyReader& reader, bool batch, std::optional<std::string>& stream, PutCall& call,
              bool& records_present) {
  reader.read_object_body([&](const std::string& name, JsonToken t) {
    if (name == "DeliveryStreamName") {
      stream = reader.take_string(t, "deliveryStreamName");
      return;
    }
    // Record `index` (1-based) of Records, or PutRecord's Record when 0.
    const auto read_record = [&](JsonToken rt, std::size_t index) {
      const auto path = [index] {
        return index == 0 ? std::string("record") : "records." + std::to_string(index) + ".member";
      };
      const auto data_path = [&path] { return path() + ".data"; };
      if (rt != JsonToken::begin_object) {
        reader.type_error("Start of structure or map expected at '" + path() + "'");
        reader.skip(rt);
        return;
      }
      bool has_data = false;
      const std::uint32_t offset = static_cast<std::uint32_t>(call.data.size());
      reader.read_members([&](const std::string& member, JsonToken dt) {
        if (member != "Data") {
          reader.skip(dt);
          return;
        }
        call.data.resize(offset);  // a repeated member: the last one counts
        const auto size = reader.take_blob(dt, data_path, call.data);
        has_data = size.has_value();
        if (size && *size > kMaxRecordDataBytes) {
          reader.violation("Value '" + shown_blob(*size) + "' at '" + data_path() +
                           "' failed to satisfy constraint: Member must have length less than "
                           "or equal to " +
                           std::to_string(kMaxRecordDataBytes));
          call.data.resize(offset);  // never appended: keep memory to the valid records
        }
      });
      if (!has_data) {
        reader.require(false, data_path());
      }
      call.records.push_back({offset, static_cast<std::uint32_t>(call.data.size() - offset)});
    };
    if (!batch && name == "Record") {
      records_present = t != JsonToken::literal_null;
      call.records.clear();
      call.data.clear();
      if (records_present) {
        read_record(t, 0);
      }
      return;
    }
    if (batch && name == "Records") {
      records_present = false;
      call.records.clear();
      call.data.clear();
      if (t == JsonToken::literal_null) {
        return;
      }
      if (t != JsonToken::begin_array) {
        reader.type_error("Start of list expected at 'records'");
        reader.skip(t);
        return;
      }
      records_present = true;
      reader.read_items([&](std::size_t index, JsonToken it) { read_record(it, index); });
      return;
    }
    reader.skip(t);  // members the model does not have are ignored, as the service does
  });
}

}  // namespace

const char* to_string(IngestOperation operation) {
  switch (operation) {
    case IngestOperation::put_record:
      return "PutRecord";
    case IngestOperation::put_record_batch:
      return "PutRecordBatch";
    case IngestOperation::list_delivery_streams:
      return "ListDeliveryStreams";
    case IngestOperation::describe_delivery_stream:
      return "DescribeDeliveryStream";
    case IngestOperation::unknown:
      return "unknown";
  }
  return "unknown";
}

IngestResponse error_response(unsigned status, std::string_view code,
                              std::optional<std::string_view> message) {
  IngestResponse response;
  response.status = status;
  response.error_code = std::string(code);
  const std::string_view ns = framework_namespace(code);
  nlohmann::json body;
  body["__type"] = ns.empty() ? std::string(code) : std::string(ns) + "#" + std::string(code);
  if (message) {
    body["message"] = std::string(*message);
  }
  // Values quoted in messages were valid UTF-8 (JsonScanner checks it); replace anything
  // else rather than throw.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  response.error_type_header = std::string(code) + ":http://internal.amazon.com/coral/" +
                               std::string(ns.empty() ? "com.amazonaws.firehose.v20150804" : ns) +
                               "/";
  return response;
}

IngestResponse service_unavailable(std::string_view message) {
  return error_response(503, "ServiceUnavailableException", message);
}

FirehoseIngestApi::FirehoseIngestApi(std::vector<LocalStream> streams,
                                     FirehoseIngestApiOptions options)
    : streams_(std::move(streams)), options_(std::move(options)) {
  std::sort(streams_.begin(), streams_.end(),
            [](const LocalStream& a, const LocalStream& b) { return a.name < b.name; });
}

std::optional<std::size_t> FirehoseIngestApi::find(std::string_view name) const {
  const auto it =
      std::lower_bound(streams_.begin(), streams_.end(), name,
                       [](const LocalStream& s, std::string_view n) { return s.name < n; });
  if (it == streams_.end() || it->name != name) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - streams_.begin());
}

IngestResponse FirehoseIngestApi::not_found(std::string_view name) const {
  return error_response(
      400, "ResourceNotFoundException",
      "Firehose " + std::string(name) + " under account " + options_.account_id + " not found.");
}

IngestDecision FirehoseIngestApi::decide(const IngestRequest& request) const {
  IngestDecision decision;
  if (request.method != "POST" ||
      (!request.body.empty() && !accepted_content_type(request.content_type))) {
    IngestResponse response;
    response.status = 404;
    response.content_type = "text/xml";
    response.body = "<UnknownOperationException/>\n";
    response.error_code = "UnknownOperationException";
    decision.answer = std::move(response);
    return decision;
  }
  const IngestOperation operation = operation_of(trim(request.target));
  if (operation == IngestOperation::unknown) {
    BodyReader reader(request.body);
    reader.read_object_body([&](const std::string&, JsonToken t) { reader.skip(t); });
    // A body that is not JSON is reported before the target, as the service does.
    decision.answer = reader.json_error()
                          ? *reader.error()
                          : error_response(400, "UnknownOperationException", std::nullopt);
    return decision;
  }
  decision.operation = operation;
  if (operation == IngestOperation::list_delivery_streams) {
    decision.answer = list_delivery_streams(request.body);
    return decision;
  }
  if (operation == IngestOperation::describe_delivery_stream) {
    decision.answer = describe_delivery_stream(request.body);
    return decision;
  }
  const bool batch = operation == IngestOperation::put_record_batch;
  if (request.body.empty()) {
    decision.answer = error_response(400, "SerializationException", "Request body is empty.");
    return decision;
  }
  BodyReader reader(request.body);
  PutCall call;
  call.operation = operation;
  // Records are decoded in place: the data is at most 3/4 of the body.
  call.data.reserve(request.body.size() / 4 * 3);
  std::optional<std::string> stream;
  bool records_present = false;
  read_put(reader, batch, stream, call, records_present);
  // The service lists violations in the model's order: required members, then each member
  // in turn, a list's length before its items. The records' own ones were found first.
  const std::size_t found_in_records = reader.violation_count();
  reader.require(stream.has_value(), "deliveryStreamName");
  reader.require(records_present, batch ? "records" : "record");
  reader.check_stream_name(stream, "deliveryStreamName");
  if (batch && records_present &&
      (call.records.empty() || call.records.size() > kMaxBatchRecords)) {
    reader.violation("Value '[" + std::to_string(call.records.size()) +
                     " records]' at 'records' failed to satisfy constraint: Member must have "
                     "length " +
                     (call.records.empty()
                          ? "greater than or equal to 1"
                          : "less than or equal to " + std::to_string(kMaxBatchRecords)));
  }
  reader.move_first_violations_last(found_in_records);
  if (auto error = reader.error()) {
    decision.answer = std::move(*error);
    return decision;
  }
  const auto index = find(*stream);
  if (!index) {
    decision.answer = not_found(*stream);
    return decision;
  }
  if (call.data.size() > kMaxCallDataBytes) {
    decision.answer = error_response(
        400, "InvalidArgumentException",
        batch ? "Records size exceeds 4 MB limit" : "Record size exceeds 4 MB limit");
    return decision;
  }
  call.stream = *index;
  decision.put = std::move(call);
  return decision;
}

IngestResponse FirehoseIngestApi::build_put_answer(const PutCall& call,
                                                   std::span<const std::uint64_t> seqs,
                                                   std::string_view record_id_prefix) const {
  const std::size_t refused =
      static_cast<std::size_t>(std::count(seqs.begin(), seqs.end(), std::uint64_t{0}));
  if (refused == seqs.size()) {
    // Nothing was taken: the whole call is throttled, so SDKs retry it with backoff (they
    // retry 503s; a 200 with per-record failures they hand back to the caller).
    return service_unavailable();
  }
  IngestResponse response;
  std::string& out = response.body;
  if (call.operation == IngestOperation::put_record) {
    out += "{\"RecordId\":\"";
    append_record_id(out, record_id_prefix, seqs[0]);
    out += "\",\"Encrypted\":false}";
    return response;
  }
  out.reserve(64 + seqs.size() * (record_id_prefix.size() + 40));
  out += "{\"FailedPutCount\":";
  out += std::to_string(refused);
  out += ",\"Encrypted\":false,\"RequestResponses\":[";
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    if (seqs[i] == 0) {
      out += "{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"Slow down.\"}";
    } else {
      out += "{\"RecordId\":\"";
      append_record_id(out, record_id_prefix, seqs[i]);
      out += "\"}";
    }
  }
  out += "]}";
  return response;
}

IngestResponse FirehoseIngestApi::list_delivery_streams(std::string_view body) const {
  BodyReader reader(body);
  std::optional<std::uint64_t> limit;
  std::optional<std::string> type;
  std::optional<std::string> start;
  reader.read_object_body([&](const std::string& name, JsonToken t) {
    if (name == "Limit") {
      limit = reader.take_integer(t, "limit");
    } else if (name == "DeliveryStreamType") {
      type = reader.take_string(t, "deliveryStreamType");
    } else if (name == "ExclusiveStartDeliveryStreamName") {
      start = reader.take_string(t, "exclusiveStartDeliveryStreamName");
    } else {
      reader.skip(t);
    }
  });
  reader.check_limit(limit, "limit");
  if (type && std::find(kStreamTypes.begin(), kStreamTypes.end(), *type) == kStreamTypes.end()) {
    reader.violation("Value '" + shown(*type) +
                     "' at 'deliveryStreamType' failed to satisfy constraint: Member must "
                     "satisfy enum value set: [DirectPut, KinesisStreamAsSource, MSKAsSource, "
                     "DatabaseAsSource]");
  }
  reader.check_stream_name(start, "exclusiveStartDeliveryStreamName");
  if (auto error = reader.error()) {
    return std::move(*error);
  }
  std::vector<std::string> names;
  if (!type || *type == "DirectPut") {
    for (const LocalStream& s : streams_) {  // sorted by name
      if (!start || s.name > *start) {
        names.push_back(s.name);
      }
    }
  }
  const std::size_t shown_count = std::min<std::size_t>(names.size(), limit.value_or(10));
  nlohmann::json out;
  out["DeliveryStreamNames"] = std::vector<std::string>(
      names.begin(), names.begin() + static_cast<std::ptrdiff_t>(shown_count));
  out["HasMoreDeliveryStreams"] = names.size() > shown_count;
  IngestResponse response;
  response.body = out.dump();
  return response;
}

IngestResponse FirehoseIngestApi::describe_delivery_stream(std::string_view body) const {
  BodyReader reader(body);
  std::optional<std::string> stream;
  std::optional<std::uint64_t> limit;
  std::optional<std::string> start;
  reader.read_object_body([&](const std::string& name, JsonToken t) {
    if (name == "DeliveryStreamName") {
      stream = reader.take_string(t, "deliveryStreamName");
    } else if (name == "Limit") {
      limit = reader.take_integer(t, "limit");
    } else if (name == "ExclusiveStartDestinationId") {
      start = reader.take_string(t, "exclusiveStartDestinationId");
    } else {
      reader.skip(t);
    }
  });
  reader.require(stream.has_value(), "deliveryStreamName");
  reader.check_stream_name(stream, "deliveryStreamName");
  reader.check_limit(limit, "limit");
  if (start) {
    const std::size_t length = java_length(*start);
    const std::string prefix = "Value '" + shown(*start) +
                               "' at 'exclusiveStartDestinationId' failed to satisfy constraint: "
                               "Member must ";
    if (length < 1) {
      reader.violation(prefix + "have length greater than or equal to 1");
    }
    if (length > 100) {
      reader.violation(prefix + "have length less than or equal to 100");
    }
    if (start->empty() || !matches_class(*start, false)) {
      reader.violation(prefix +
                       "satisfy regular expression pattern: " + std::string(kDestinationIdPattern));
    }
  }
  if (auto error = reader.error()) {
    return std::move(*error);
  }
  const auto index = find(*stream);
  if (!index) {
    return not_found(*stream);
  }
  const LocalStream& s = streams_[*index];
  const double created = std::chrono::duration<double>(s.created.time_since_epoch()).count();
  nlohmann::json description = {
      {"DeliveryStreamName", s.name},
      {"DeliveryStreamARN", "arn:aws:firehose:" + options_.region + ":" + options_.account_id +
                                ":deliverystream/" + s.name},
      {"DeliveryStreamStatus", "ACTIVE"},
      {"DeliveryStreamEncryptionConfiguration", {{"Status", "DISABLED"}}},
      {"DeliveryStreamType", "DirectPut"},
      {"VersionId", "1"},
      {"CreateTimestamp", std::floor(created * 1000) / 1000},
      // The one destination: canhose's queue, delivered on to the upstream Firehose stream.
      {"Destinations", nlohmann::json::array({{{"DestinationId", "destinationId-000000000001"}}})},
      {"HasMoreDestinations", false},
  };
  IngestResponse response;
  response.body = nlohmann::json{{"DeliveryStreamDescription", description}}.dump();
  return response;
}

std::string new_record_id_prefix() {
  std::random_device device;
  std::string prefix;
  prefix.reserve(36);
  while (prefix.size() < 36) {
    // 9 digits at a time from 32 random bits (a slight bias is of no consequence here).
    const std::uint32_t value = device() % 1'000'000'000U;
    char digits[10];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    prefix.append(9 - static_cast<std::size_t>(end - digits), '0');
    prefix.append(digits, end);
  }
  return prefix;
}

void append_record_id(std::string& out, std::string_view prefix, std::uint64_t seq) {
  out += prefix;
  char digits[20];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, seq);
  out.append(20 - static_cast<std::size_t>(end - digits), '0');
  out.append(digits, end);
}

}  // namespace canhose::ingest
