// The outcome classifier: PutRecordBatch replies and per-record results mapped to the
// delivery loop's next step.
#include "delivery/delivery_outcome.hpp"

namespace canhose::delivery {

BatchAction classify_outcome(const aws::FirehoseOutcome<aws::PutRecordBatchResult>& outcome,
                             std::size_t firehose_records) {
  if (outcome.ok()) {
    return outcome.value.failed_put_count == 0 ? BatchAction::acknowledge_all
                                               : BatchAction::handle_record_failures;
  }
  const aws::FirehoseError& e = outcome.error;
  switch (aws::action_for(e.kind)) {
    case aws::ErrorAction::slow_down:
      return BatchAction::retry_throttled;
    case aws::ErrorAction::none:
    case aws::ErrorAction::retry:
    case aws::ErrorAction::refresh_credentials:
    case aws::ErrorAction::correct_clock:
      return BatchAction::retry_transient;
    case aws::ErrorAction::give_up:
      break;
  }
  if (e.kind == aws::FirehoseErrorKind::invalid_argument) {
    // The request was refused as invalid: find the record at fault by halving.
    return firehose_records > 1 ? BatchAction::split : BatchAction::dead_letter;
  }
  // The stream, the credentials or the account is wrong: nothing sent now can succeed.
  return BatchAction::pause;
}

RecordAction classify_record(const aws::RecordResult& result) {
  if (result.ok()) {
    return RecordAction::acknowledge;
  }
  const aws::FirehoseErrorKind kind =
      aws::kind_for_code(result.error_code, result.error_message, 200);
  if (aws::retryable(kind)) {
    return kind == aws::FirehoseErrorKind::throttled ? RecordAction::resend_throttled
                                                     : RecordAction::resend;
  }
  return RecordAction::dead_letter;
}

std::string_view pause_hint(aws::FirehoseErrorKind kind) {
  switch (kind) {
    case aws::FirehoseErrorKind::not_found:
      return "create the stream or correct delivery.stream and delivery.region";
    case aws::FirehoseErrorKind::auth:
      return "check the credentials and that their IAM policy allows firehose:PutRecordBatch on "
             "the "
             "stream";
    case aws::FirehoseErrorKind::invalid_kms_resource:
      return "the stream's KMS key cannot be used: fix the key or its policy";
    case aws::FirehoseErrorKind::invalid_source:
      return "the stream is not a Direct PUT stream: use a Direct PUT stream";
    case aws::FirehoseErrorKind::limit_exceeded:
      return "an account quota was reached: raise it or wait";
    default:
      return "see the error above";
  }
}

}  // namespace canhose::delivery
