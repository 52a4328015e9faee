#pragma once
// The Firehose API model (AWS JSON 1.1, service-2.json "Firehose_20150804"): the typed
// requests and results of the calls canhose makes, the JSON bodies it sends, and
// parsers for the bodies Firehose returns. Parsers never throw: malformed or truncated
// bodies give an error that says what was wrong.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/firehose_error.hpp"

namespace canhose::aws {

inline constexpr std::string_view firehose_target_prefix = "Firehose_20150804";
inline constexpr std::string_view firehose_content_type = "application/x-amz-json-1.1";
inline constexpr std::string_view firehose_service = "firehose";

// "https://firehose.<region>.amazonaws.com" (".amazonaws.com.cn" for China regions).
std::string default_firehose_endpoint(std::string_view region);

// An empty string when `name` is a valid stream name (1-64 of [a-zA-Z0-9_.-]),
// otherwise why it is not.
std::string validate_stream_name(std::string_view name);

// Every result carries `error`; the value fields are meaningful only when error.ok().
template <class T>
struct FirehoseOutcome {
  FirehoseError error;
  T value{};
  bool ok() const { return error.ok(); }
};

// --- PutRecordBatch ------------------------------------------------------------------
// The request body comes from PutRecordBatchBody.
struct RecordResult {
  std::string record_id;   // set when the record was accepted
  std::string error_code;  // set when it was not ("ServiceUnavailableException", ...)
  std::string error_message;
  bool ok() const { return error_code.empty(); }
};

struct PutRecordBatchResult {
  std::uint32_t failed_put_count = 0;
  bool encrypted = false;
  std::vector<RecordResult> records;  // one per request record, in request order
};

// A successful HTTP answer whose body is not what the API documents (`what` says how).
FirehoseError malformed_response(std::string what);

// `record_count` is the number of records sent: a response with another number of
// entries is malformed (records could not be matched to results).
FirehoseOutcome<PutRecordBatchResult> parse_put_record_batch_response(std::string_view body,
                                                                      std::size_t record_count);

// --- PutRecord -----------------------------------------------------------------------
struct PutRecordResult {
  std::string record_id;
  bool encrypted = false;
};
std::string build_put_record_body(std::string_view stream_name, std::string_view data);
FirehoseOutcome<PutRecordResult> parse_put_record_response(std::string_view body);

// --- DescribeDeliveryStream ----------------------------------------------------------
struct DeliveryStreamDescription {
  std::string name;
  std::string arn;
  std::string status;  // CREATING, CREATING_FAILED, DELETING, DELETING_FAILED, ACTIVE
  std::string type;    // DirectPut, KinesisStreamAsSource, ...
  std::string version_id;
  std::optional<std::chrono::system_clock::time_point> create_timestamp;
  std::vector<std::string> destination_ids;
  bool has_more_destinations = false;
  std::string failure_description;  // FailureDescription.Details, when present
};
std::string build_describe_delivery_stream_body(std::string_view stream_name);
FirehoseOutcome<DeliveryStreamDescription> parse_describe_delivery_stream_response(
    std::string_view body);

// --- ListDeliveryStreams -------------------------------------------------------------
struct ListDeliveryStreamsRequest {
  std::optional<std::uint32_t> limit;                // 1..10000; service default 10
  std::string delivery_stream_type;                  // "" = all
  std::string exclusive_start_delivery_stream_name;  // "" = from the start
};
struct ListDeliveryStreamsResult {
  std::vector<std::string> names;
  bool has_more = false;
};
std::string build_list_delivery_streams_body(const ListDeliveryStreamsRequest& request);
FirehoseOutcome<ListDeliveryStreamsResult> parse_list_delivery_streams_response(
    std::string_view body);

// --- CreateDeliveryStream (DirectPut to S3) ------------------------------------------
struct CreateDeliveryStreamRequest {
  std::string stream_name;
  std::string role_arn;                             // arn:aws:iam::123456789012:role/firehose-to-s3
  std::string bucket_arn;                           // arn:aws:s3:::fleet-telemetry
  std::string prefix;                               // "" = Firehose's default YYYY/MM/DD/HH/ layout
  std::string error_output_prefix;                  // "" = none
  std::optional<std::uint32_t> buffering_size_mib;  // 1..128
  std::optional<std::uint32_t> buffering_interval_s;  // 0..900
  std::string compression_format;                     // "" = UNCOMPRESSED
};
struct CreateDeliveryStreamResult {
  std::string arn;
};
std::string build_create_delivery_stream_body(const CreateDeliveryStreamRequest& request);
FirehoseOutcome<CreateDeliveryStreamResult> parse_create_delivery_stream_response(
    std::string_view body);

// --- DeleteDeliveryStream ------------------------------------------------------------
struct DeleteDeliveryStreamResult {};
std::string build_delete_delivery_stream_body(std::string_view stream_name,
                                              bool allow_force_delete = false);
FirehoseOutcome<DeleteDeliveryStreamResult> parse_delete_delivery_stream_response(
    std::string_view body);

}  // namespace canhose::aws
