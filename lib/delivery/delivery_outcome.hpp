#pragma once
// What FirehoseDelivery does after a PutRecordBatch reply: a pure mapping from the
// outcome (HTTP status and AWS error kind, per-record failures) to the next step.

#include <cstddef>
#include <string_view>

#include "aws/firehose_api.hpp"
#include "aws/firehose_error.hpp"

namespace canhose::delivery {

// The next step for a whole batch.
enum class BatchAction {
  acknowledge_all,         // HTTP 200, every record accepted
  handle_record_failures,  // HTTP 200 with per-record failures: see classify_record()
  retry_throttled,         // throttled: shrink the window, resend after the backoff
  retry_transient,         // 5xx, transport, credentials, clock: resend after the backoff
  split,                   // refused as invalid, several records: resend each half at once
  dead_letter,             // refused as invalid, one record: it goes to the dead-letter file
  pause,                   // stream, credentials or account wrong: pause, probe every
                           // permanent_error_retry
};

// `firehose_records`: how many Firehose records the request carried.
BatchAction classify_outcome(const aws::FirehoseOutcome<aws::PutRecordBatchResult>& outcome,
                             std::size_t firehose_records);

// The next step for one record of an HTTP 200 reply.
enum class RecordAction {
  acknowledge,       // accepted
  resend,            // refused for a transient reason: resend it
  resend_throttled,  // refused because of throttling: resend it, and slow down
  dead_letter,       // refused as invalid: it goes to the dead-letter file
};

RecordAction classify_record(const aws::RecordResult& result);

// What an operator should do about the permanent error that paused delivery.
std::string_view pause_hint(aws::FirehoseErrorKind kind);

}  // namespace canhose::delivery
