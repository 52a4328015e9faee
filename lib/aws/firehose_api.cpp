#include "aws/firehose_api.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

#include "aws/crypto.hpp"

namespace canhose::aws {

using nlohmann::json;

// Declared in firehose_api.hpp; shared with put_record_batch_response.cpp.
FirehoseError malformed_response(std::string what) {
  FirehoseError e;
  e.kind = FirehoseErrorKind::malformed_response;
  e.http_status = 200;
  e.message = std::move(what);
  return e;
}

namespace {

// Parses `body` as a JSON object or says why it is not one.
std::optional<json> parse_object(std::string_view body, FirehoseError& error,
                                 std::string_view call) {
  json value = json::parse(body, nullptr, false);
  if (value.is_discarded()) {
    error = malformed_response(std::string(call) + " response is not valid JSON (" +
                               std::to_string(body.size()) + " bytes; truncated?)");
    return std::nullopt;
  }
  if (!value.is_object()) {
    error = malformed_response(std::string(call) + " response is not a JSON object");
    return std::nullopt;
  }
  return value;
}

// A string member; "" when absent. Sets `error` when present with the wrong type.
std::string string_member(const json& object, const char* key, FirehoseError& error, bool required,
                          std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required && error.ok()) {
      error = malformed_response(std::string(where) + ": missing " + key);
    }
    return {};
  }
  if (!it->is_string()) {
    if (error.ok())
      error = malformed_response(std::string(where) + ": " + key + " is not a string");
    return {};
  }
  return it->get<std::string>();
}

bool bool_member(const json& object, const char* key, FirehoseError& error,
                 std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null())
    return false;
  if (!it->is_boolean()) {
    if (error.ok())
      error = malformed_response(std::string(where) + ": " + key + " is not a boolean");
    return false;
  }
  return it->get<bool>();
}

}  // namespace

std::string default_firehose_endpoint(std::string_view region) {
  const bool china = region.substr(0, 3) == "cn-";
  return "https://firehose." + std::string(region) +
         (china ? ".amazonaws.com.cn" : ".amazonaws.com");
}

std::string validate_stream_name(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return "a Firehose stream name has 1 to 64 characters";
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) {
      return "a Firehose stream name may hold only letters, digits, '_', '.' and '-'";
    }
  }
  return {};
}

// parse_put_record_batch_response: put_record_batch_response.cpp.

std::string build_put_record_body(std::string_view stream_name, std::string_view data) {
  std::string out = "{\"DeliveryStreamName\":";
  out += json(std::string(stream_name)).dump();
  out += ",\"Record\":{\"Data\":\"";
  crypto::base64_encode_append(data, out);
  out += "\"}}";
  return out;
}

FirehoseOutcome<PutRecordResult> parse_put_record_response(std::string_view body) {
  FirehoseOutcome<PutRecordResult> out;
  auto object = parse_object(body, out.error, "PutRecord");
  if (!object)
    return out;
  out.value.record_id = string_member(*object, "RecordId", out.error, true, "PutRecord");
  out.value.encrypted = bool_member(*object, "Encrypted", out.error, "PutRecord");
  if (out.ok() && out.value.record_id.empty()) {
    out.error = malformed_response("PutRecord: empty RecordId");
  }
  return out;
}

std::string build_describe_delivery_stream_body(std::string_view stream_name) {
  return json{{"DeliveryStreamName", std::string(stream_name)}}.dump();
}

FirehoseOutcome<DeliveryStreamDescription> parse_describe_delivery_stream_response(
    std::string_view body) {
  FirehoseOutcome<DeliveryStreamDescription> out;
  constexpr std::string_view where = "DescribeDeliveryStream";
  auto object = parse_object(body, out.error, where);
  if (!object)
    return out;
  auto it = object->find("DeliveryStreamDescription");
  if (it == object->end() || !it->is_object()) {
    out.error = malformed_response("DescribeDeliveryStream: DeliveryStreamDescription missing");
    return out;
  }
  const json& d = *it;
  auto& v = out.value;
  v.name = string_member(d, "DeliveryStreamName", out.error, true, where);
  v.arn = string_member(d, "DeliveryStreamARN", out.error, true, where);
  v.status = string_member(d, "DeliveryStreamStatus", out.error, true, where);
  v.type = string_member(d, "DeliveryStreamType", out.error, true, where);
  v.version_id = string_member(d, "VersionId", out.error, true, where);
  v.has_more_destinations = bool_member(d, "HasMoreDestinations", out.error, where);
  if (auto ts = d.find("CreateTimestamp"); ts != d.end() && ts->is_number()) {
    // JSON 1.1 timestamps are epoch seconds, possibly fractional. A system_clock
    // time_point holds nanoseconds in 64 bits: up to ~9.22e9 s (year 2262).
    const double seconds = ts->get<double>();
    if (std::isfinite(seconds) && seconds >= 0 && seconds < 9e9) {
      v.create_timestamp = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::duration<double>(seconds)));
    }
  }
  if (auto fd = d.find("FailureDescription"); fd != d.end() && fd->is_object()) {
    v.failure_description = string_member(*fd, "Details", out.error, false, where);
  }
  auto destinations = d.find("Destinations");
  if (destinations == d.end() || !destinations->is_array()) {
    if (out.error.ok())
      out.error = malformed_response("DescribeDeliveryStream: Destinations missing");
    return out;
  }
  for (const auto& dest : *destinations) {
    if (!dest.is_object()) {
      out.error = malformed_response("DescribeDeliveryStream: a destination is not an object");
      return out;
    }
    v.destination_ids.push_back(string_member(dest, "DestinationId", out.error, true, where));
  }
  return out;
}

std::string build_list_delivery_streams_body(const ListDeliveryStreamsRequest& request) {
  json body = json::object();
  if (request.limit)
    body["Limit"] = *request.limit;
  if (!request.delivery_stream_type.empty())
    body["DeliveryStreamType"] = request.delivery_stream_type;
  if (!request.exclusive_start_delivery_stream_name.empty()) {
    body["ExclusiveStartDeliveryStreamName"] = request.exclusive_start_delivery_stream_name;
  }
  return body.dump();
}

FirehoseOutcome<ListDeliveryStreamsResult> parse_list_delivery_streams_response(
    std::string_view body) {
  FirehoseOutcome<ListDeliveryStreamsResult> out;
  auto object = parse_object(body, out.error, "ListDeliveryStreams");
  if (!object)
    return out;
  auto names = object->find("DeliveryStreamNames");
  if (names == object->end() || !names->is_array()) {
    out.error =
        malformed_response("ListDeliveryStreams: DeliveryStreamNames missing or not a list");
    return out;
  }
  for (const auto& n : *names) {
    if (!n.is_string()) {
      out.error = malformed_response("ListDeliveryStreams: a stream name is not a string");
      return out;
    }
    out.value.names.push_back(n.get<std::string>());
  }
  auto more = object->find("HasMoreDeliveryStreams");
  if (more == object->end() || !more->is_boolean()) {
    out.error =
        malformed_response("ListDeliveryStreams: HasMoreDeliveryStreams missing or not a boolean");
    return out;
  }
  out.value.has_more = more->get<bool>();
  return out;
}

std::string build_create_delivery_stream_body(const CreateDeliveryStreamRequest& request) {
  json destination = {{"RoleARN", request.role_arn}, {"BucketARN", request.bucket_arn}};
  if (!request.prefix.empty())
    destination["Prefix"] = request.prefix;
  if (!request.error_output_prefix.empty()) {
    destination["ErrorOutputPrefix"] = request.error_output_prefix;
  }
  if (request.buffering_size_mib || request.buffering_interval_s) {
    json hints = json::object();
    if (request.buffering_size_mib)
      hints["SizeInMBs"] = *request.buffering_size_mib;
    if (request.buffering_interval_s)
      hints["IntervalInSeconds"] = *request.buffering_interval_s;
    destination["BufferingHints"] = hints;
  }
  if (!request.compression_format.empty()) {
    destination["CompressionFormat"] = request.compression_format;
  }
  return json{{"DeliveryStreamName", request.stream_name},
              {"DeliveryStreamType", "DirectPut"},
              {"ExtendedS3DestinationConfiguration", destination}}
      .dump();
}

FirehoseOutcome<CreateDeliveryStreamResult> parse_create_delivery_stream_response(
    std::string_view body) {
  FirehoseOutcome<CreateDeliveryStreamResult> out;
  if (body.empty())
    return out;  // no required members: an empty body is a success
  auto object = parse_object(body, out.error, "CreateDeliveryStream");
  if (!object)
    return out;
  out.value.arn =
      string_member(*object, "DeliveryStreamARN", out.error, false, "CreateDeliveryStream");
  return out;
}

std::string build_delete_delivery_stream_body(std::string_view stream_name,
                                              bool allow_force_delete) {
  json body = {{"DeliveryStreamName", std::string(stream_name)}};
  if (allow_force_delete)
    body["AllowForceDelete"] = true;
  return body.dump();
}

FirehoseOutcome<DeleteDeliveryStreamResult> parse_delete_delivery_stream_response(
    std::string_view body) {
  FirehoseOutcome<DeleteDeliveryStreamResult> out;
  if (body.empty())
    return out;  // the output has no members
  parse_object(body, out.error, "DeleteDeliveryStream");
  return out;
}

}  // namespace canhose::aws
