// The delivery loop's decisions as a pure mapping: which PutRecordBatch replies are
// acknowledged, resent, split, dead-lettered or pause delivery (the behaviour
// firehose_delivery_test.cpp checks end to end).

#include "delivery/delivery_outcome.hpp"

#include <gtest/gtest.h>

#include <string>

namespace canhose::delivery {
namespace {

using Outcome = aws::FirehoseOutcome<aws::PutRecordBatchResult>;

Outcome accepted(std::size_t n, std::uint32_t failed_put_count = 0) {
  Outcome o;
  o.value.records.resize(n);
  o.value.failed_put_count = failed_put_count;
  return o;
}

Outcome failed(aws::FirehoseErrorKind kind, std::string code, unsigned status) {
  Outcome o;
  o.error.kind = kind;
  o.error.code = std::move(code);
  o.error.http_status = status;
  return o;
}

aws::RecordResult refused(std::string code, std::string message) {
  return {"", std::move(code), std::move(message)};
}

TEST(DeliveryOutcome, AcceptedBatchIsAcknowledgedUnlessSomeRecordsFailed) {
  EXPECT_EQ(classify_outcome(accepted(3), 3), BatchAction::acknowledge_all);
  EXPECT_EQ(classify_outcome(accepted(4, 2), 4), BatchAction::handle_record_failures);
}

TEST(DeliveryOutcome, ThrottlingSlowsDownAndOtherTransientErrorsRetry) {
  using K = aws::FirehoseErrorKind;
  EXPECT_EQ(classify_outcome(failed(K::throttled, "ServiceUnavailableException", 503), 3),
            BatchAction::retry_throttled);
  EXPECT_EQ(classify_outcome(failed(K::server, "InternalFailure", 500), 3),
            BatchAction::retry_transient);
  EXPECT_EQ(classify_outcome(failed(K::transport, "", 0), 3), BatchAction::retry_transient);
  EXPECT_EQ(classify_outcome(failed(K::expired_credentials, "ExpiredTokenException", 400), 3),
            BatchAction::retry_transient);
  EXPECT_EQ(classify_outcome(failed(K::clock_skew, "RequestTimeTooSkewed", 400), 3),
            BatchAction::retry_transient);
}

TEST(DeliveryOutcome, InvalidRequestIsSplitUntilOneRecordIsLeftForTheDeadLetterFile) {
  const Outcome invalid =
      failed(aws::FirehoseErrorKind::invalid_argument, "InvalidArgumentException", 400);
  EXPECT_EQ(classify_outcome(invalid, 2), BatchAction::split);
  EXPECT_EQ(classify_outcome(invalid, 500), BatchAction::split);
  EXPECT_EQ(classify_outcome(invalid, 1), BatchAction::dead_letter);
}

TEST(DeliveryOutcome, PermanentErrorsPauseDelivery) {
  using K = aws::FirehoseErrorKind;
  EXPECT_EQ(classify_outcome(failed(K::not_found, "ResourceNotFoundException", 400), 3),
            BatchAction::pause);
  EXPECT_EQ(classify_outcome(failed(K::auth, "InvalidSignatureException", 400), 3),
            BatchAction::pause);
  EXPECT_EQ(
      classify_outcome(failed(K::invalid_kms_resource, "InvalidKMSResourceException", 400), 1),
      BatchAction::pause);
}

TEST(DeliveryOutcome, EachRefusedRecordIsResentOrDeadLettered) {
  EXPECT_EQ(classify_record({"id0", "", ""}), RecordAction::acknowledge);
  EXPECT_EQ(classify_record(refused("ServiceUnavailableException", "Slow down.")),
            RecordAction::resend_throttled);
  EXPECT_EQ(classify_record(refused("InternalFailure", "oops")), RecordAction::resend);
  EXPECT_EQ(classify_record(refused("InvalidArgumentException", "Record is malformed")),
            RecordAction::dead_letter);
}

TEST(DeliveryOutcome, PauseHintSaysWhatToFix) {
  EXPECT_EQ(pause_hint(aws::FirehoseErrorKind::not_found),
            "create the stream or correct delivery.stream and delivery.region");
  EXPECT_EQ(pause_hint(aws::FirehoseErrorKind::client), "see the error above");
}

}  // namespace
}  // namespace canhose::delivery
