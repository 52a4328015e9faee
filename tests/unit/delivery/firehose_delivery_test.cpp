// FirehoseDelivery's decisions, with the real write-ahead queue on real files and a
// scripted network: each test answers the PutRecordBatch calls the way Firehose can
// (success, per-record failures, throttling, missing stream, invalid request) and
// checks what was acknowledged, resent, paused or dead-lettered. The end-to-end tests
// against the Firehose emulator over HTTPS are in tests/integration.

#include "delivery/firehose_delivery.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "aws/firehose_client.hpp"
#include "aws/static_credentials_provider.hpp"
#include "delivery_test_fixture.hpp"
#include "metrics/metric_family.hpp"
#include "support/signature_quoting_transport.hpp"

namespace canhose::delivery {
namespace {

using namespace std::chrono_literals;
using test_support::all_ok;
using test_support::Call;
using test_support::failed;
using test_support::FirehoseDeliveryTest;

TEST_F(FirehoseDeliveryTest, AcceptedBatchAcknowledgesEveryRecord) {
  append_lines(3);
  start();
  Call c = next_call();
  EXPECT_EQ(c.records, (std::vector<std::string>{"line 1\n", "line 2\n", "line 3\n"}));
  c.done(all_ok(3));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 3; }));
  EXPECT_EQ(queued(), 0u);
}

TEST_F(FirehoseDeliveryTest, PackingPutsManyLinesIntoOneFirehoseRecord) {
  append_lines(50);
  start(true);
  Call c = next_call();
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].substr(0, 14), "line 1\nline 2\n");
  c.done(all_ok(1));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 50; }));
}

TEST_F(FirehoseDeliveryTest, OnlyTheRecordsFirehoseRefusedAreSentAgain) {
  append_lines(4);
  start();
  Call c = next_call();
  auto o = all_ok(4);
  o.value.failed_put_count = 2;
  o.value.records[1] = {"", "ServiceUnavailableException", "Slow down."};
  o.value.records[3] = {"", "InternalFailure", "oops"};
  c.done(o);
  Call again = next_call();
  EXPECT_EQ(again.records, (std::vector<std::string>{"line 2\n", "line 4\n"}));
  EXPECT_EQ(delivery_->counters().records_delivered, 2u);
  again.done(all_ok(2));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 4; }));
  EXPECT_EQ(delivery_->counters().record_failures, 2u);
  EXPECT_EQ(queued(), 0u);
}

TEST_F(FirehoseDeliveryTest, ThrottlingResendsTheSameBatchAfterBackoff) {
  append_lines(2);
  start();
  next_call().done(failed(aws::FirehoseErrorKind::throttled, "ServiceUnavailableException", 503));
  Call again = next_call();
  EXPECT_EQ(again.records, (std::vector<std::string>{"line 1\n", "line 2\n"}));
  again.done(all_ok(2));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 2; }));
  EXPECT_EQ(delivery_->counters().retries_throttled, 1u);
}

TEST_F(FirehoseDeliveryTest, TransportErrorsNeverLoseRecords) {
  append_lines(1);
  start();
  for (int i = 0; i < 5; ++i) {
    next_call().done(failed(aws::FirehoseErrorKind::transport, "", 0));
  }
  next_call().done(all_ok(1));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 1; }));
  EXPECT_EQ(delivery_->counters().retries_transient, 5u);
}

TEST_F(FirehoseDeliveryTest, MissingStreamPausesSendingKeepsQueueingAndResumesWhenFixed) {
  append_lines(2);
  start();
  next_call().done(failed(aws::FirehoseErrorKind::not_found, "ResourceNotFoundException", 400));
  ASSERT_TRUE(run_until([&] { return !delivery_->paused_reason().empty(); }));
  EXPECT_NE(delivery_->status().find("delivery paused: ResourceNotFoundException"),
            std::string::npos)
      << delivery_->status();
  append_lines(3, 3);  // records keep arriving while paused
  // The probe resends the first batch after permanent_error_retry; the stream now exists.
  Call probe = next_call();
  EXPECT_EQ(probe.records.size(), 2u);
  probe.done(all_ok(2));
  Call rest = next_call();
  EXPECT_EQ(rest.records, (std::vector<std::string>{"line 3\n", "line 4\n", "line 5\n"}));
  rest.done(all_ok(3));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 5; }));
  EXPECT_TRUE(delivery_->paused_reason().empty());
}

TEST_F(FirehoseDeliveryTest, InvalidRequestIsSplitUntilTheBadRecordIsDeadLettered) {
  append_lines(4);
  start();
  next_call().done(
      failed(aws::FirehoseErrorKind::invalid_argument, "InvalidArgumentException", 400));
  // Halves: [1,2] and [3,4]; the bad record is line 3.
  for (int round = 0;
       round < 8 &&
       delivery_->counters().records_delivered + delivery_->counters().dead_lettered < 4;
       ++round) {
    Call c = next_call();
    const bool has_bad =
        std::find(c.records.begin(), c.records.end(), "line 3\n") != c.records.end();
    c.done(has_bad
               ? failed(aws::FirehoseErrorKind::invalid_argument, "InvalidArgumentException", 400)
               : all_ok(c.records.size()));
    run_until([&] {
      return !firehose_.calls.empty() ||
             delivery_->counters().records_delivered + delivery_->counters().dead_lettered == 4;
    });
  }
  ASSERT_TRUE(run_until([&] { return delivery_->counters().dead_lettered == 1; }));
  EXPECT_EQ(delivery_->counters().records_delivered, 3u);
  const std::string dead = test::read_file(options_.dead_letter_dir / "dead-letters.jsonl");
  const auto j = nlohmann::json::parse(dead);
  EXPECT_EQ(j["record_ids"], nlohmann::json::array({3}));
  EXPECT_EQ(*aws::crypto::base64_decode(j["data_base64"].get<std::string>()), "line 3\n");
  ASSERT_TRUE(run_until([&] { return queued() == 0; }));
}

TEST_F(FirehoseDeliveryTest, PerRecordInvalidErrorGoesToTheDeadLetterFile) {
  append_lines(2);
  start();
  auto o = all_ok(2);
  o.value.failed_put_count = 1;
  o.value.records[0] = {"", "InvalidArgumentException", "Record is malformed"};
  next_call().done(o);
  ASSERT_TRUE(run_until([&] { return delivery_->counters().dead_lettered == 1; }));
  EXPECT_EQ(delivery_->counters().records_delivered, 1u);
  EXPECT_TRUE(firehose_.calls.empty());
}

TEST_F(FirehoseDeliveryTest, StopSendsWhatIsQueuedThenFinishes) {
  start();
  append_lines(3);
  bool stopped = false;
  delivery_->async_stop(std::chrono::steady_clock::now() + 5s, [&] { stopped = true; });
  Call c = next_call();  // sent at once, without waiting for flush_interval
  EXPECT_EQ(c.records.size(), 3u);
  EXPECT_FALSE(stopped);
  c.done(all_ok(3));
  ASSERT_TRUE(run_until([&] { return stopped; }));
  EXPECT_EQ(queued(), 0u);
}

TEST_F(FirehoseDeliveryTest, StopDoesNotWaitForRetriesDueAfterTheDeadline) {
  append_lines(1);
  start();
  next_call().done(failed(aws::FirehoseErrorKind::not_found, "ResourceNotFoundException", 400));
  ASSERT_TRUE(run_until([&] { return !delivery_->paused_reason().empty(); }));
  bool stopped = false;
  delivery_->async_stop(std::chrono::steady_clock::now() + 1ms, [&] { stopped = true; });
  ASSERT_TRUE(run_until([&] { return stopped; }));
  EXPECT_EQ(queued(), 1u);  // still on disk for the next start
}

TEST_F(FirehoseDeliveryTest, ConcurrencyLimitsRequestsInFlight) {
  options_.concurrency = 2;
  options_.pack = false;
  start();
  for (int i = 0; i < 1500; ++i) {
    queue_->append("r\n");
  }
  ASSERT_TRUE(run_until([&] { return firehose_.calls.size() == 2; }));
  io_.restart();
  io_.run_for(50ms);
  EXPECT_EQ(firehose_.calls.size(), 2u);
  EXPECT_EQ(delivery_->in_flight(), 2u);
  while (delivery_->counters().records_delivered < 1500) {
    Call c = next_call();
    c.done(all_ok(c.records.size()));
    run_until([&] {
      return !firehose_.calls.empty() || delivery_->counters().records_delivered == 1500;
    });
  }
  EXPECT_EQ(delivery_->counters().requests_ok, 3u);
}

// Real Firehose answers a wrong secret with the canonical request it computed, the
// session token included. Through the real client, what the delivery part keeps for its
// log line, its metrics labels and `canhose status` has the credentials redacted.
TEST_F(FirehoseDeliveryTest, AnErrorQuotingTheSessionTokenIsShownRedacted) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  const std::string token = "IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQD6Zw/8n+ExAMPLEtoken" +
                            std::string(200, 'Q') + "+/EXAMPLE==";
  aws::Credentials credentials;
  credentials.access_key_id = "ASIAEXAMPLEKEYID";
  credentials.secret_access_key = base::Secret(secret);
  credentials.session_token = base::Secret(token);
  aws::StaticCredentialsProvider provider(std::move(credentials));
  aws::CachedCredentials cache(io_.get_executor(), provider);
  aws::ClockOffset clock;
  test::SignatureQuotingTransport transport(io_);
  aws::FirehoseClient client(
      io_.get_executor(), transport, cache, clock, "eu-west-1",
      https::parse_endpoint(aws::default_firehose_endpoint("eu-west-1")).endpoint);
  append_lines(1);
  delivery_ = std::make_unique<FirehoseDelivery>(
      io_, *queue_, options_,
      [&client](std::string body, std::size_t count,
                std::function<void(FirehoseDelivery::Outcome)> done) {
        client.put_record_batch(std::move(body), count, std::move(done));
      },
      1);
  delivery_->start();
  ASSERT_TRUE(run_until([&] { return !delivery_->paused_reason().empty(); }));
  std::vector<metrics::MetricFamily> families;
  delivery_->collect_metrics(families);
  const std::string metrics_text = metrics::render_prometheus(families);
  const std::string signature =
      transport.sent_authorization.substr(transport.sent_authorization.rfind('=') + 1);
  ASSERT_EQ(signature.size(), 64u);
  for (const std::string& shown : {delivery_->paused_reason(), delivery_->status(), metrics_text}) {
    EXPECT_EQ(shown.find(token.substr(0, 20)), std::string::npos) << shown;
    EXPECT_EQ(shown.find(secret), std::string::npos) << shown;
    EXPECT_EQ(shown.find(signature), std::string::npos) << shown;
    EXPECT_NE(shown.find("x-amz-security-token:<redacted>"), std::string::npos) << shown;
  }
  EXPECT_NE(metrics_text.find("canhose_delivery_paused_info{reason=\"InvalidSignatureException"),
            std::string::npos);
  EXPECT_NE(metrics_text.find("canhose_delivery_last_error_info{error=\"InvalidSignatureException"),
            std::string::npos);
  delivery_.reset();  // before the client it sends through
}

TEST_F(FirehoseDeliveryTest, MetricsCarryThePauseReasonTheLastErrorAndItsTime) {
  const auto families = [&] {
    std::vector<metrics::MetricFamily> out;
    delivery_->collect_metrics(out);
    return metrics::render_prometheus(out);
  };
  append_lines(2);
  start();
  EXPECT_EQ(families().find("canhose_delivery_last_error_info"), std::string::npos);
  next_call().done(failed(aws::FirehoseErrorKind::not_found, "ResourceNotFoundException", 400));
  ASSERT_TRUE(run_until([&] { return !delivery_->paused_reason().empty(); }));
  std::string text = families();
  EXPECT_NE(text.find("canhose_delivery_paused_info{reason=\"ResourceNotFoundException (HTTP "
                      "400): scripted\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("canhose_delivery_last_error_info{error=\"ResourceNotFoundException (HTTP "
                      "400): scripted\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("canhose_delivery_last_error_time_seconds 1"), std::string::npos) << text;
  EXPECT_EQ(text.find("canhose_delivery_last_success_time_seconds"), std::string::npos) << text;

  next_call().done(all_ok(2));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 2; }));
  text = families();
  EXPECT_EQ(text.find("canhose_delivery_paused_info"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_delivery_last_success_time_seconds 1"), std::string::npos) << text;
  // The last error stays visible after a success, with its time.
  EXPECT_NE(text.find("canhose_delivery_last_error_info{"), std::string::npos) << text;
}

TEST_F(FirehoseDeliveryTest, BatchesWaitingForARetryAreReportedAsPending) {
  options_.retry_base = 10s;
  options_.retry_max = 10s;
  append_lines(1);
  start();
  next_call().done(failed(aws::FirehoseErrorKind::server, "InternalFailure", 500));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().requests_failed == 1; }));
  std::vector<metrics::MetricFamily> out;
  delivery_->collect_metrics(out);
  const std::string text = metrics::render_prometheus(out);
  EXPECT_NE(text.find("canhose_delivery_retries_pending 1\n"), std::string::npos) << text;
}

// During an outage the batches awaiting a resend are at most the window: the rest of
// the backlog stays in the queue, on disk. (They once piled up without bound: each
// failure let the next batch be read, sent and fail; canhosed reached 19 GiB in three
// minutes of a CAN flood with Firehose unreachable.)
TEST_F(FirehoseDeliveryTest, AnOutageHoldsNoMoreBatchesThanTheWindowInMemory) {
  options_.concurrency = 2;
  options_.retry_base = 10s;  // no resend during the test
  options_.retry_max = 10s;
  start();
  for (int i = 0; i < 5000; ++i) {  // ten batches of 500
    queue_->append("r\n");
  }
  ASSERT_TRUE(run_until([&] { return firehose_.calls.size() == 2; }));
  next_call().done(failed(aws::FirehoseErrorKind::transport, "", 0));
  next_call().done(failed(aws::FirehoseErrorKind::server, "InternalFailure", 500));
  io_.restart();
  io_.run_for(200ms);
  EXPECT_TRUE(firehose_.calls.empty()) << "a new batch was sent while two wait for a resend";
  EXPECT_EQ(delivery_->in_flight(), 0u);
  std::vector<metrics::MetricFamily> out;
  delivery_->collect_metrics(out);
  const std::string text = metrics::render_prometheus(out);
  EXPECT_NE(text.find("canhose_delivery_retries_pending 2\n"), std::string::npos) << text;
  EXPECT_EQ(queue_->metrics().records_queued, 5000u);
}

// With concurrency 2, one batch waiting for a resend leaves the other slot sending: a
// failure holds back one slot, not delivery.
TEST_F(FirehoseDeliveryTest, ARetryWaitingTakesOneSlotTheOthersKeepSending) {
  options_.concurrency = 2;
  options_.retry_base = 10s;
  options_.retry_max = 10s;
  start();
  for (int i = 0; i < 1500; ++i) {  // three batches of 500
    queue_->append("r\n");
  }
  ASSERT_TRUE(run_until([&] { return firehose_.calls.size() == 2; }));
  next_call().done(failed(aws::FirehoseErrorKind::transport, "", 0));
  Call second = next_call();
  second.done(all_ok(second.records.size()));
  Call third = next_call();  // read after the second succeeded, beside the waiting retry
  EXPECT_EQ(third.records.size(), 500u);
  third.done(all_ok(third.records.size()));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 1000; }));
  io_.restart();
  io_.run_for(100ms);
  EXPECT_TRUE(firehose_.calls.empty());
}

// After throttling, requests are spaced. A reply that comes back before the next send is
// allowed must not leave the rest of the backlog waiting for an event that never comes.
TEST_F(FirehoseDeliveryTest, TheBacklogMovesOnAfterASpacedResendSucceeds) {
  options_.concurrency = 1;
  options_.retry_base = 300ms;  // also the spacing step
  options_.retry_max = 300ms;
  for (int i = 0; i < 1000; ++i) {  // two batches of 500
    queue_->append("r\n");
  }
  start();
  next_call().done(failed(aws::FirehoseErrorKind::throttled, "ServiceUnavailableException", 503));
  Call again = next_call();  // the same batch, now spaced
  ASSERT_EQ(again.records.size(), 500u);
  again.done(all_ok(500));
  Call second = next_call();  // once the spacing allows: the second batch
  EXPECT_EQ(second.records.size(), 500u);
  second.done(all_ok(500));
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 1000; }));
}

// Rejected records whose dead-letter file cannot be written stay queued and are retried;
// meanwhile they hold a slot, so delivery does not go on reading (and rejecting) more
// records into memory.
TEST_F(FirehoseDeliveryTest, AnUnwritableDeadLetterFileHoldsBackFurtherReads) {
  { std::ofstream(dir_.path() / "not-a-dir") << "x"; }
  options_.dead_letter_dir = dir_.path() / "not-a-dir" / "dead-letter";
  options_.concurrency = 1;
  for (int i = 0; i < 1000; ++i) {
    queue_->append("r\n");
  }
  start();
  Call first = next_call();
  ASSERT_EQ(first.records.size(), 500u);
  auto o = all_ok(500);
  o.value.failed_put_count = 1;
  o.value.records[499] = {"", "InvalidArgumentException", "Record is malformed"};
  first.done(o);
  ASSERT_TRUE(run_until([&] { return delivery_->counters().dead_letter_errors >= 1; }));
  io_.restart();
  io_.run_for(200ms);
  EXPECT_TRUE(firehose_.calls.empty()) << "more was read while a dead letter cannot be written";
  EXPECT_EQ(delivery_->counters().records_delivered, 499u);
  EXPECT_EQ(queued(), 501u);
}

// A structural property, not a size: during a drain each batch is built in the buffer of
// the batch delivered before it, once the sender has let go of that body; a body the
// sender still holds is never written to.
TEST_F(FirehoseDeliveryTest, TheNextBatchIsBuiltInTheBufferOfTheDeliveredOne) {
  struct Sent {
    const char* storage;
    std::string text;
    std::function<void(FirehoseDelivery::Outcome)> done;
  };
  std::deque<Sent> sent;
  std::shared_ptr<const std::string> kept;
  options_.pack = false;
  append_lines(1001);  // unpacked: batches of 500, 500 and 1
  ASSERT_TRUE(run_until([&] { return queue_->metrics().durable_seq == 1001; }));
  delivery_ = std::make_unique<FirehoseDelivery>(
      io_, *queue_, options_,
      FirehoseDelivery::SendSharedBatch([&](std::shared_ptr<const std::string> body, std::size_t,
                                            std::function<void(FirehoseDelivery::Outcome)> done) {
        sent.push_back({body->data(), *body, std::move(done)});
        if (sent.size() == 2) {
          kept = body;  // still held when its request completes
        }
      }),
      1);
  delivery_->start();
  for (std::size_t n = 1; n <= 3; ++n) {
    ASSERT_TRUE(run_until([&] { return sent.size() == n; }));
    if (n == 2) {
      EXPECT_EQ(sent[1].storage, sent[0].storage);  // reused
    }
    if (n == 3) {
      EXPECT_NE(sent[2].storage, sent[1].storage);  // not the body still held
      EXPECT_EQ(*kept, sent[1].text);
    }
    const std::size_t records = n < 3 ? 500 : 1;
    EXPECT_EQ(nlohmann::json::parse(sent.back().text)["Records"].size(), records);
    sent.back().done(all_ok(records));
  }
  ASSERT_TRUE(run_until([&] { return delivery_->counters().records_delivered == 1001; }));
}

}  // namespace
}  // namespace canhose::delivery
