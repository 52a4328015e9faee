// The Firehose response parsers (lib/aws/firehose_api.cpp, lib/aws/firehose_error.cpp)
// on arbitrary bodies: whatever answers at the endpoint (Firehose, a proxy, a captive
// portal, an emulator) reaches them.
//
// The first byte picks the record count PutRecordBatch expects (0..255); the rest is the
// body, given to every parser and to the error classifier with a few statuses. Invariants
// checked beyond "no crash": an accepted PutRecordBatch result has one entry per record
// sent and a FailedPutCount equal to the entries carrying an ErrorCode; and the scanning
// PutRecordBatch parser agrees with the DOM parser it replaced (same error and message,
// or the same values).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/firehose_api.hpp"
#include "aws/firehose_error.hpp"
#include "support/put_record_batch_dom_reference.hpp"

namespace aws = canhose::aws;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::size_t record_count = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  const auto batch = aws::parse_put_record_batch_response(body, record_count);
  namespace reference = canhose::test::dom_reference;
  if (!reference::difference(batch, reference::parse_put_record_batch_response(body, record_count))
           .empty()) {
    std::abort();  // the scanner and the DOM parser disagree
  }
  if (batch.ok()) {
    std::uint32_t failures = 0;
    for (const auto& r : batch.value.records) {
      failures += r.ok() ? 0 : 1;
    }
    if (batch.value.records.size() != record_count || failures != batch.value.failed_put_count) {
      std::abort();  // a result that cannot be matched to the records sent
    }
  }
  (void)aws::parse_put_record_response(body);
  (void)aws::parse_describe_delivery_stream_response(body);
  (void)aws::parse_list_delivery_streams_response(body);
  (void)aws::parse_create_delivery_stream_response(body);
  (void)aws::parse_delete_delivery_stream_response(body);

  for (const unsigned status : {400u, 403u, 500u, 503u}) {
    canhose::https::HttpResponse response;
    response.status = status;
    response.body = std::string(body);
    response.headers.emplace_back("X-Amzn-ErrorType", std::string(body.substr(0, 64)));
    const aws::FirehoseError error = aws::classify_error_response(response);
    (void)error.describe();
    (void)aws::action_for(error.kind);
  }
  return 0;
}
