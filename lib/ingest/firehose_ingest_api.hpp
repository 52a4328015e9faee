#pragma once
// The Firehose API as the local ingest endpoint serves it, without sockets: a request's
// method, Content-Type, X-Amz-Target and body in; either the answer, or the records of a
// put to append, out. After the appends, build_put_answer() makes the response from what
// each record became. Pure and synchronous, so every validation rule is tested directly.
//
// It answers as Firehose (and this project's emulator, tests/firehose_emulator) does:
// AWS JSON 1.1, errors as {"__type": ..., "message": ...} with x-amzn-ErrorType.
//   method not POST, or a body of another Content-Type   404 <UnknownOperationException/>
//   body not JSON                                        400 SerializationException
//   X-Amz-Target not Firehose_20150804.<one of the four>  400 UnknownOperationException
//   a member of the wrong JSON type, Data not base64     400 SerializationException
//   model constraints (required members, name pattern and length, 1-500 records,
//   Data at most 1,024,000 bytes, Limit ranges, enums) 400 ValidationException, listing
//                                                        every violation
//   a stream that is not configured here                 400 ResourceNotFoundException
//   PutRecordBatch of more than 4 MiB of record data     400 InvalidArgumentException
//   every record of the call refused (queue full)        503 ServiceUnavailableException
// Firehose itself counts the 4 MiB on the encoded request; here it is counted on the decoded
// data, so whatever Firehose accepts is accepted here too (the delivery part repacks the
// records into requests within Firehose's limits).
//
// Supported operations: PutRecord, PutRecordBatch, ListDeliveryStreams,
// DescribeDeliveryStream (the local streams, ACTIVE, DirectPut).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace canhose::ingest {

// Firehose's own limits.
inline constexpr std::size_t kMaxBatchRecords = 500;
inline constexpr std::size_t kMaxRecordDataBytes = 1'024'000;
inline constexpr std::size_t kMaxCallDataBytes = 4ULL * 1024 * 1024;

enum class IngestOperation : std::uint8_t {
  put_record,
  put_record_batch,
  list_delivery_streams,
  describe_delivery_stream,
  unknown,  // no valid target, or a request refused before its target was read
};
inline constexpr std::size_t kIngestOperationCount = 5;
// "PutRecord", ..., "unknown" (metric labels).
const char* to_string(IngestOperation operation);

// What the HTTP layer hands over. Views: valid during the call only.
struct IngestRequest {
  std::string_view method;        // "POST"
  std::string_view content_type;  // the header's value, parameters included
  std::string_view target;        // X-Amz-Target
  std::string_view body;
};

struct IngestResponse {
  unsigned status = 200;
  std::string content_type = "application/x-amz-json-1.1";
  std::string body;
  // Errors: the code ("ServiceUnavailableException") and the x-amzn-ErrorType value; empty
  // for a success.
  std::string error_code;
  std::string error_type_header;
};

// The error responses, named as the service names them.
IngestResponse error_response(unsigned status, std::string_view code,
                              std::optional<std::string_view> message);
IngestResponse service_unavailable(std::string_view message = "Slow down.");

// A local stream as the API shows it.
struct LocalStream {
  std::string name;
  std::string upstream;  // the Firehose stream its records are delivered to
  std::chrono::system_clock::time_point created;  // CreateTimestamp (canhosed's start)
};

// A put the API accepted: the records' bytes, decoded, back to back in `data`.
struct PutCall {
  IngestOperation operation = IngestOperation::put_record;
  std::size_t stream = 0;  // index into the API's streams
  std::string data;
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
  };
  std::vector<Span> records;  // in request order
  std::span<const std::byte> record(std::size_t i) const {
    return std::as_bytes(std::span(data.data() + records[i].offset, records[i].size));
  }
};

// Either an answer now or a put to carry out; `operation` says which call it was.
struct IngestDecision {
  IngestOperation operation = IngestOperation::unknown;
  std::optional<IngestResponse> answer;
  std::optional<PutCall> put;
};

struct FirehoseIngestApiOptions {
  std::string region = "local";             // in the streams' ARNs
  std::string account_id = "000000000000";  // likewise, and in "not found" messages
};

class FirehoseIngestApi {
 public:
  // Stream names must be unique and valid (IngestOptions validation guarantees it).
  explicit FirehoseIngestApi(std::vector<LocalStream> streams,
                             FirehoseIngestApiOptions options = {});

  IngestDecision decide(const IngestRequest& request) const;

  // The answer to `call` once its records went to the queue: seqs[i] is record i's queue
  // sequence number, 0 if the queue refused it. Record ids are `record_id_prefix` followed
  // by the sequence number in 20 digits (see append_record_id()).
  IngestResponse build_put_answer(const PutCall& call, std::span<const std::uint64_t> seqs,
                                  std::string_view record_id_prefix) const;

  const std::vector<LocalStream>& streams() const { return streams_; }

 private:
  IngestResponse list_delivery_streams(std::string_view body) const;
  IngestResponse describe_delivery_stream(std::string_view body) const;
  std::optional<std::size_t> find(std::string_view name) const;
  IngestResponse not_found(std::string_view name) const;

  std::vector<LocalStream> streams_;  // sorted by name
  FirehoseIngestApiOptions options_;
};

// A RecordId: 56 decimal digits, like the ids of this project's Firehose emulator (real
// Firehose ids are longer opaque strings; SDKs treat them as opaque). `prefix` is 36 digits
// drawn at random once per queue opened (new_record_id_prefix()), so ids differ across
// queues and across a queue directory made anew; the last 20 digits are the queue sequence
// number, unique within the queue for ever. Stable: a record's id never changes.
std::string new_record_id_prefix();
void append_record_id(std::string& out, std::string_view prefix, std::uint64_t seq);

}  // namespace canhose::ingest
