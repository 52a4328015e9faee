// FirehoseClient's request building, signing and response handling. The network is
// replaced by a small in-process transport that records each request and answers with
// responses shaped like the service model's; the end-to-end tests over real HTTPS against
// the Firehose emulator live with the transport. Signatures are checked by recomputing
// them from the recorded request with the signer's stages.

#include "aws/firehose_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <deque>

#include "aws/crypto.hpp"
#include "aws/http_date.hpp"
#include "aws/put_record_batch_body.hpp"
#include "aws/static_credentials_provider.hpp"

namespace canhose::aws {
namespace {

using namespace std::chrono;
using nlohmann::json;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

struct SentRequest {
  https::Endpoint endpoint;
  https::HttpRequest request;  // payload re-pointed at `body`
  std::string body;
};

// Records requests; answers each with the next queued reply, later, on the event loop.
class RecordingTransport final : public https::HttpTransport {
 public:
  explicit RecordingTransport(asio::io_context& io) : io_(io) {}
  struct Reply {
    https::HttpResult result;
    // Server clock offset: the Date header says system time + this.
    std::optional<seconds> server_offset = seconds(0);
  };
  void async_send(const https::Endpoint& endpoint, https::HttpRequest request, SharedBody body,
                  std::function<void(https::HttpResult)> done) override {
    auto sent = std::make_unique<SentRequest>();
    sent->endpoint = endpoint;
    sent->body = body ? *body : std::string();
    sent->request = std::move(request);
    sent->request.payload = sent->body;
    requests.push_back(std::move(sent));
    Reply reply;
    if (!replies.empty()) {
      reply = std::move(replies.front());
      replies.pop_front();
    } else {
      reply.result.error = std::make_error_code(std::errc::connection_reset);
      reply.result.phase = https::HttpPhase::read;
      reply.result.message = "no reply scripted";
    }
    reply.result.sent_at = steady_clock::now();
    reply.result.received_at = steady_clock::now();
    if (reply.result.ok() && reply.server_offset) {
      reply.result.response.headers.emplace_back(
          "Date", format_http_date(system_clock::now() + *reply.server_offset));
    }
    asio::post(io_, [done = std::move(done), r = std::move(reply.result)]() mutable {
      done(std::move(r));
    });
  }
  void reply(unsigned status, std::string body, seconds server_offset = seconds(0)) {
    Reply r;
    r.result.response.status = status;
    r.result.response.body = std::move(body);
    r.result.response.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
    r.result.response.headers.emplace_back("x-amzn-RequestId",
                                           "e5a3b0c2-0000-1111-2222-333344445555");
    r.server_offset = server_offset;
    replies.push_back(std::move(r));
  }
  void fail(https::HttpPhase phase, std::string message) {
    Reply r;
    r.result.error = std::make_error_code(std::errc::connection_refused);
    r.result.phase = phase;
    r.result.message = std::move(message);
    replies.push_back(std::move(r));
  }
  std::vector<std::unique_ptr<SentRequest>> requests;
  std::deque<Reply> replies;

 private:
  asio::io_context& io_;
};

// A provider that can be switched to failing, counting fetches.
class SwitchableProvider final : public CredentialsProvider {
 public:
  std::string_view name() const override { return "switchable"; }
  void fetch(std::function<void(CredentialsResult)> done) override {
    ++fetches;
    CredentialsResult r;
    if (failing) {
      r.error = std::make_error_code(std::errc::permission_denied);
      r.message = "provider is down";
    } else {
      r.credentials.access_key_id = "AKIDEXAMPLE";
      r.credentials.secret_access_key = base::Secret(std::string(kSecret));
      r.credentials.session_token = base::Secret(token);
      r.credentials.source = "test";
    }
    done(std::move(r));
  }
  bool failing = false;
  std::string token;
  int fetches = 0;
};

class FirehoseClientTest : public testing::Test {
 protected:
  FirehoseClientTest()
      : transport(io),
        cache(io.get_executor(), provider),
        client(io.get_executor(), transport, cache, clock, "eu-west-1",
               https::parse_endpoint(default_firehose_endpoint("eu-west-1")).endpoint) {}

  template <class T>
  FirehoseOutcome<T> wait(std::optional<FirehoseOutcome<T>>& slot) {
    for (int i = 0; i < 1000 && !slot; ++i) {
      io.restart();  // run_for stops the context when it runs out of work
      io.run_for(milliseconds(5));
    }
    EXPECT_TRUE(slot.has_value()) << "call did not complete";
    return slot ? *slot : FirehoseOutcome<T>{};
  }

  // Recomputes the signature of a recorded request with the signer's stages and checks
  // the Authorization header carries exactly it.
  void expect_valid_signature(const SentRequest& sent) {
    const std::string* authz = sent.request.header("Authorization");
    ASSERT_NE(authz, nullptr);
    const std::string amz_date = *sent.request.header("X-Amz-Date");
    SigV4Signer verifier("eu-west-1", "firehose");
    const std::string creq =
        SigV4Signer::canonical_request(sent.request, crypto::sha256_hex(sent.body));
    const std::string sts = verifier.string_to_sign(amz_date, creq);
    const std::string signature = verifier.signature(kSecret, amz_date.substr(0, 8), sts);
    EXPECT_EQ(*authz,
              verifier.authorization("AKIDEXAMPLE", SigV4Signer::signed_headers(sent.request),
                                     signature, amz_date.substr(0, 8)));
  }

  asio::io_context io;
  RecordingTransport transport;
  SwitchableProvider provider;
  CachedCredentials cache;
  ClockOffset clock;
  FirehoseClient client;
};

TEST_F(FirehoseClientTest, PutRecordBatchSendsWhatTheSdkSendsAndReturnsPerRecordResults) {
  provider.token = "FAKETOKEN";
  PutRecordBatchBody body("edge-gw");
  body.add("{\"v\":1}\n");
  body.add("{\"v\":2}\n");
  body.add("{\"v\":3}\n");
  transport.reply(200, R"({"FailedPutCount":1,"Encrypted":false,"RequestResponses":[
      {"RecordId":"r0"},{"ErrorCode":"ServiceUnavailableException","ErrorMessage":"Slow down."},
      {"RecordId":"r2"}]})");
  std::optional<FirehoseOutcome<PutRecordBatchResult>> got;
  client.put_record_batch(body.finish(), 3, [&](auto r) { got = std::move(r); });
  EXPECT_FALSE(got.has_value());  // never completes inside the call
  const auto result = wait(got);
  ASSERT_TRUE(result.ok()) << result.error.describe();
  EXPECT_EQ(result.value.failed_put_count, 1u);
  EXPECT_EQ(result.value.records[1].error_code, "ServiceUnavailableException");
  EXPECT_EQ(result.value.records[2].record_id, "r2");

  ASSERT_EQ(transport.requests.size(), 1u);
  const SentRequest& sent = *transport.requests[0];
  EXPECT_EQ(sent.endpoint.host, "firehose.eu-west-1.amazonaws.com");
  EXPECT_EQ(sent.request.method, "POST");
  EXPECT_EQ(sent.request.path, "/");
  EXPECT_EQ(*sent.request.header("Host"), "firehose.eu-west-1.amazonaws.com");
  EXPECT_EQ(*sent.request.header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(*sent.request.header("X-Amz-Target"), "Firehose_20150804.PutRecordBatch");
  EXPECT_EQ(*sent.request.header("X-Amz-Security-Token"), "FAKETOKEN");
  // The AWS CLI signs exactly these (tests/data/firehose/aws-cli-captured-requests.txt).
  EXPECT_NE(sent.request.header("Authorization")
                ->find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
                       "x-amz-target,"),
            std::string::npos);
  EXPECT_EQ(json::parse(sent.body)["Records"][2]["Data"], crypto::base64_encode("{\"v\":3}\n"));
  expect_valid_signature(sent);
}

// A shared body is sent as it is, and the client lets go of it before `done` runs, so the
// caller can build its next request in the same buffer.
TEST_F(FirehoseClientTest, ASharedBodyIsReleasedBeforeTheCallCompletes) {
  PutRecordBatchBody builder("edge-gw");
  builder.add("x\n");
  const auto body = std::make_shared<const std::string>(builder.finish());
  transport.reply(200, R"({"FailedPutCount":0,"Encrypted":false,"RequestResponses":[
      {"RecordId":"r0"}]})");
  std::optional<FirehoseOutcome<PutRecordBatchResult>> got;
  long holders = 0;
  client.put_record_batch(body, 1, [&](auto r) {
    holders = body.use_count();
    got = std::move(r);
  });
  const auto result = wait(got);
  ASSERT_TRUE(result.ok()) << result.error.describe();
  EXPECT_EQ(holders, 1);
  ASSERT_EQ(transport.requests.size(), 1u);
  EXPECT_EQ(transport.requests[0]->body, *body);
}

TEST_F(FirehoseClientTest, SkewRejectionIsResignedWithTheLearnedClockAndSentOnce) {
  // The server's clock is an hour ahead of ours: it says so in its Date header and
  // rejects the first signature as not yet... expired.
  transport.reply(
      400,
      R"j({"__type":"InvalidSignatureException","message":"Signature expired: 20261125T170000Z is now earlier than 20261125T175500Z (20261125T180000Z - 5 min.)"})j",
      hours(1));
  transport.reply(200, R"({"RecordId":"abc","Encrypted":false})", hours(1));
  std::optional<FirehoseOutcome<PutRecordResult>> got;
  client.put_record("edge-gw", "x", [&](auto r) { got = std::move(r); });
  const auto result = wait(got);
  ASSERT_TRUE(result.ok()) << result.error.describe();
  EXPECT_EQ(result.value.record_id, "abc");
  ASSERT_EQ(transport.requests.size(), 2u);
  EXPECT_EQ(client.skew_resends(), 1u);
  EXPECT_GT(clock.offset(), minutes(59));
  const std::string first = *transport.requests[0]->request.header("X-Amz-Date");
  const std::string second = *transport.requests[1]->request.header("X-Amz-Date");
  EXPECT_NE(first, second);
  EXPECT_EQ(SigV4Signer::amz_date(clock.now()).substr(0, 11), second.substr(0, 11));
  expect_valid_signature(*transport.requests[1]);
  // One Authorization and one X-Amz-Date: re-signing replaced them.
  int dates = 0;
  for (const auto& h : transport.requests[1]->request.headers)
    dates += h.first == "X-Amz-Date";
  EXPECT_EQ(dates, 1);
}

// A Pi whose clock is years behind (no real-time clock, no NTP yet): the first rejection's
// Date header corrects the clock, and the one re-signed request succeeds.
TEST_F(FirehoseClientTest, AClockYearsBehindIsCorrectedForTheFirstResend) {
  const seconds years = hours(24 * 365 * 2);
  transport.reply(400, R"({"__type":"RequestTimeTooSkewed","message":"too skewed"})", years);
  transport.reply(200, R"({"RecordId":"abc","Encrypted":false})", years);
  std::optional<FirehoseOutcome<PutRecordResult>> got;
  client.put_record("edge-gw", "x", [&](auto r) { got = std::move(r); });
  const auto result = wait(got);
  ASSERT_TRUE(result.ok()) << result.error.describe();
  ASSERT_EQ(transport.requests.size(), 2u);
  // The re-signed request carries the server's time, not ours.
  const std::string server_date =
      SigV4Signer::amz_date(std::chrono::system_clock::now() + years).substr(0, 8);
  EXPECT_EQ(transport.requests[1]->request.header("X-Amz-Date")->substr(0, 8), server_date);
  EXPECT_GT(clock.offset(), years - minutes(1));
}

TEST_F(FirehoseClientTest, ASecondSkewRejectionIsReturnedNotLooped) {
  for (int i = 0; i < 3; ++i) {
    transport.reply(400, R"({"__type":"RequestTimeTooSkewed","message":"too skewed"})");
  }
  std::optional<FirehoseOutcome<PutRecordResult>> got;
  client.put_record("edge-gw", "x", [&](auto r) { got = std::move(r); });
  const auto result = wait(got);
  EXPECT_EQ(result.error.kind, FirehoseErrorKind::clock_skew);
  EXPECT_EQ(transport.requests.size(), 2u);
}

TEST_F(FirehoseClientTest, ThrottlingIsReturnedAsTypedErrorWithoutRetrying) {
  transport.reply(500, R"({"__type":"ServiceUnavailableException","message":"Slow down."})");
  std::optional<FirehoseOutcome<PutRecordBatchResult>> got;
  PutRecordBatchBody body("edge-gw");
  body.add("a");
  client.put_record_batch(body.finish(), 1, [&](auto r) { got = std::move(r); });
  const auto result = wait(got);
  EXPECT_EQ(result.error.kind, FirehoseErrorKind::throttled);
  EXPECT_EQ(result.error.http_status, 500u);
  EXPECT_EQ(result.error.request_id, "e5a3b0c2-0000-1111-2222-333344445555");
  EXPECT_EQ(action_for(result.error.kind), ErrorAction::slow_down);
  EXPECT_EQ(transport.requests.size(), 1u);
}

TEST_F(FirehoseClientTest, TransportFailureNamesThePhase) {
  transport.fail(https::HttpPhase::tls_handshake,
                 "certificate verify failed (self-signed certificate)");
  std::optional<FirehoseOutcome<ListDeliveryStreamsResult>> got;
  client.list_delivery_streams({}, [&](auto r) { got = std::move(r); });
  const auto result = wait(got);
  EXPECT_EQ(result.error.kind, FirehoseErrorKind::transport);
  EXPECT_NE(result.error.message.find("TLS handshake failed: certificate verify failed"),
            std::string::npos)
      << result.error.message;
}

TEST_F(FirehoseClientTest, NoCredentialsMeansNoRequestAndATypedError) {
  provider.failing = true;
  std::optional<FirehoseOutcome<PutRecordResult>> got;
  client.put_record("edge-gw", "x", [&](auto r) { got = std::move(r); });
  EXPECT_FALSE(got.has_value());
  const auto result = wait(got);
  EXPECT_EQ(result.error.kind, FirehoseErrorKind::credentials);
  EXPECT_NE(result.error.message.find("provider is down"), std::string::npos);
  EXPECT_TRUE(transport.requests.empty());
}

TEST_F(FirehoseClientTest, ExpiredTokenAsksForFreshCredentials) {
  transport.reply(
      400,
      R"({"__type":"ExpiredTokenException","message":"The security token included in the request is expired"})");
  std::optional<FirehoseOutcome<PutRecordResult>> got;
  client.put_record("edge-gw", "x", [&](auto r) { got = std::move(r); });
  const auto result = wait(got);
  EXPECT_EQ(result.error.kind, FirehoseErrorKind::expired_credentials);
  EXPECT_EQ(provider.fetches, 2);  // the first fetch, then the refresh
}

TEST_F(FirehoseClientTest, MalformedSuccessBodyIsAnErrorNotACrash) {
  transport.reply(200, R"({"FailedPutCount":0,"RequestResp)");
  std::optional<FirehoseOutcome<PutRecordBatchResult>> got;
  PutRecordBatchBody body("edge-gw");
  body.add("a");
  client.put_record_batch(body.finish(), 1, [&](auto r) { got = std::move(r); });
  EXPECT_EQ(wait(got).error.kind, FirehoseErrorKind::malformed_response);
}

TEST_F(FirehoseClientTest, AdministrativeCallsUseTheirTargetsAndParseTheirResults) {
  transport.reply(
      200,
      R"({"DeliveryStreamARN":"arn:aws:firehose:eu-west-1:123456789012:deliverystream/edge-gw"})");
  transport.reply(200, R"({"DeliveryStreamDescription":{"DeliveryStreamName":"edge-gw",
      "DeliveryStreamARN":"arn:aws:firehose:eu-west-1:123456789012:deliverystream/edge-gw",
      "DeliveryStreamStatus":"CREATING","DeliveryStreamType":"DirectPut","VersionId":"1",
      "CreateTimestamp":1764093600,"Destinations":[],"HasMoreDestinations":false}})");
  transport.reply(200, R"({"DeliveryStreamNames":["edge-gw"],"HasMoreDeliveryStreams":false})");
  transport.reply(200, "{}");
  transport.reply(
      400,
      R"({"__type":"ResourceNotFoundException","message":"Firehose stream edge-gw under account 123456789012 not found."})");

  CreateDeliveryStreamRequest create;
  create.stream_name = "edge-gw";
  create.role_arn = "arn:aws:iam::123456789012:role/firehose";
  create.bucket_arn = "arn:aws:s3:::fleet";
  std::optional<FirehoseOutcome<CreateDeliveryStreamResult>> created;
  client.create_delivery_stream(create, [&](auto r) { created = std::move(r); });
  EXPECT_NE(wait(created).value.arn.find("deliverystream/edge-gw"), std::string::npos);
  std::optional<FirehoseOutcome<DeliveryStreamDescription>> described;
  client.describe_delivery_stream("edge-gw", [&](auto r) { described = std::move(r); });
  EXPECT_EQ(wait(described).value.status, "CREATING");
  std::optional<FirehoseOutcome<ListDeliveryStreamsResult>> listed;
  client.list_delivery_streams({}, [&](auto r) { listed = std::move(r); });
  EXPECT_EQ(wait(listed).value.names, std::vector<std::string>{"edge-gw"});
  std::optional<FirehoseOutcome<DeleteDeliveryStreamResult>> deleted;
  client.delete_delivery_stream("edge-gw", false, [&](auto r) { deleted = std::move(r); });
  EXPECT_TRUE(wait(deleted).ok());
  std::optional<FirehoseOutcome<DeliveryStreamDescription>> missing;
  client.describe_delivery_stream("edge-gw", [&](auto r) { missing = std::move(r); });
  EXPECT_EQ(wait(missing).error.kind, FirehoseErrorKind::not_found);

  const char* targets[] = {"CreateDeliveryStream", "DescribeDeliveryStream", "ListDeliveryStreams",
                           "DeleteDeliveryStream", "DescribeDeliveryStream"};
  ASSERT_EQ(transport.requests.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(*transport.requests[i]->request.header("X-Amz-Target"),
              std::string("Firehose_20150804.") + targets[i]);
    expect_valid_signature(*transport.requests[i]);
  }
}

TEST_F(FirehoseClientTest, LearnsTheClockFromEveryResponse) {
  transport.reply(200, R"({"RecordId":"abc"})", minutes(-10));
  std::optional<FirehoseOutcome<PutRecordResult>> got;
  client.put_record("edge-gw", "x", [&](auto r) { got = std::move(r); });
  ASSERT_TRUE(wait(got).ok());
  EXPECT_LT(clock.offset(), minutes(-9));
}

TEST_F(FirehoseClientTest, DestroyingTheClientDropsCallbacksOfCallsInFlight) {
  transport.reply(200, R"({"RecordId":"abc"})");
  bool called = false;
  {
    FirehoseClient shortlived(io.get_executor(), transport, cache, clock, "eu-west-1",
                              https::parse_endpoint("http://127.0.0.1:18080").endpoint);
    shortlived.put_record("edge-gw", "x", [&](auto) { called = true; });
    ASSERT_EQ(transport.requests.size(), 1u);
    EXPECT_EQ(*transport.requests[0]->request.header("Host"), "127.0.0.1:18080");
  }
  io.restart();
  io.run_for(milliseconds(20));
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace canhose::aws
