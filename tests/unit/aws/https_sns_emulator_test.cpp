// End to end: SnsClient -> SignedRequestSender -> SigV4Signer -> HttpsTransport over real
// TLS on 127.0.0.1 to the emulator's SNS (tests/firehose_emulator/README.md), a separate
// Python process that verifies every signature with botocore, applies SNS's rules and
// records what was published. Built through make_aws_client / make_sns_client, the way
// canhosed builds it, so the endpoint rules and delivery.ca_file are the real ones.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>

#include "asio/asio.hpp"
#include "aws/aws_client.hpp"
#include "aws/sns_client.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

namespace canhose::aws {
namespace {

using namespace std::chrono_literals;

const std::string kTopic = test::sns_topic_arn("fleet-alerts");
const std::string kFifoTopic = test::sns_topic_arn("fleet-alerts.fifo");

class HttpsSnsEmulatorTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  asio::io_context io;

  test::FirehoseEmulatorOptions emulator_options(bool tls = true) const {
    test::FirehoseEmulatorOptions o;
    if (tls) {
      o.use_pki(pki);
    }
    o.sns_topics = {"fleet-alerts", "fleet-alerts.fifo"};
    return o;
  }

  AwsClientOptions aws_options(std::string secret = test::kEmulatorSecretAccessKey) const {
    AwsClientOptions o;
    o.https.tls.ca_file = pki.ca_cert.string();
    o.https.proxy = "none";
    o.credentials.source = CredentialsSource::static_keys;
    o.credentials.access_key_id = test::kEmulatorAccessKeyId;
    o.credentials.secret_access_key = base::Secret(std::move(secret));
    o.region = "us-east-1";
    return o;
  }

  // The AwsClient (transport, credentials, clock) and an SnsClient on it.
  struct Stack {
    std::unique_ptr<AwsClient> aws;
    std::unique_ptr<SnsClient> sns;
  };
  Stack stack(const std::string& endpoint, const std::string& topic = kTopic,
              AwsClientOptions options = {}) {
    if (options.region.empty()) {
      options = aws_options();
    }
    Stack s;
    s.aws = make_aws_client(io.get_executor(), options);
    s.sns = make_sns_client(io.get_executor(), *s.aws, topic, endpoint);
    return s;
  }

  SnsOutcome<SnsPublishResult> publish(SnsClient& client, const SnsPublishRequest& request) {
    std::optional<SnsOutcome<SnsPublishResult>> got;
    client.publish(request, [&](SnsOutcome<SnsPublishResult> r) { got = std::move(r); });
    io.restart();
    const auto limit = std::chrono::steady_clock::now() + 30s;
    while (!got && std::chrono::steady_clock::now() < limit) {
      io.run_one_for(100ms);
    }
    EXPECT_TRUE(got.has_value()) << "no answer in time";
    return got ? std::move(*got) : SnsOutcome<SnsPublishResult>{};
  }

  static SnsPublishRequest alert(std::string message = "VIN1: 4 harsh brakings in 5 min") {
    SnsPublishRequest r;
    r.subject = "canhose alert: harsh braking";
    r.message = std::move(message);
    r.message_group_id = "VIN1/harsh-braking";
    r.message_deduplication_id = "rule-7-1764086400";
    return r;
  }
};

TEST_F(HttpsSnsEmulatorTest, PublishToAStandardTopicIsVerifiedAndRecorded) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  Stack s = stack(emulator.endpoint());
  SnsPublishRequest request = alert("Vehicle VIN1 & rule \"harsh <braking>\"\n4 events, 52.1,13.4");
  // A generated subject that breaks SNS's rules is made valid, not refused.
  request.subject =
      "harsh braking\non VIN1 at Stra\xC3\x9F"
      "e " +
      std::string(120, 'x');
  const auto result = publish(*s.sns, request);
  ASSERT_TRUE(result.ok()) << result.error.describe();
  EXPECT_FALSE(result.value.message_id.empty());
  EXPECT_TRUE(result.value.sequence_number.empty());
  EXPECT_FALSE(result.value.request_id.empty());

  const nlohmann::json messages = emulator.sns_messages();
  ASSERT_EQ(messages.size(), 1u);
  const nlohmann::json& recorded = messages[0];
  EXPECT_EQ(recorded.at("message_id"), result.value.message_id);
  EXPECT_EQ(recorded.at("topic_arn"), kTopic);
  EXPECT_EQ(recorded.at("message"), request.message);
  EXPECT_EQ(recorded.at("subject"), make_valid_subject(request.subject));
  EXPECT_EQ(recorded.at("subject").get<std::string>().substr(0, 36),
            "harsh braking on VIN1 at Stra?e xxxx");
  EXPECT_TRUE(recorded.at("message_group_id").is_null()) << "no FIFO ids on a standard topic";
}

TEST_F(HttpsSnsEmulatorTest, FifoTopicGetsItsIdsAndARetryIsNotDeliveredTwice) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  Stack s = stack(emulator.endpoint(), kFifoTopic);
  const auto first = publish(*s.sns, alert());
  ASSERT_TRUE(first.ok()) << first.error.describe();
  EXPECT_FALSE(first.value.sequence_number.empty());
  // The same alert sent again, as after a lost answer: SNS keeps only the first.
  const auto again = publish(*s.sns, alert());
  ASSERT_TRUE(again.ok()) << again.error.describe();
  EXPECT_EQ(again.value.message_id, first.value.message_id);

  const nlohmann::json messages = emulator.sns_messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].at("message_group_id"), "VIN1/harsh-braking");
  EXPECT_EQ(messages[0].at("message_deduplication_id"), "rule-7-1764086400");
  EXPECT_EQ(emulator.stats().at("sns_duplicates"), 1);
}

TEST_F(HttpsSnsEmulatorTest, AFifoPublishWithoutGroupIdIsRefusedBeforeSending) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  Stack s = stack(emulator.endpoint(), kFifoTopic);
  SnsPublishRequest request = alert();
  request.message_group_id.clear();
  const auto result = publish(*s.sns, request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.kind, SnsErrorKind::invalid_parameter);
  EXPECT_EQ(result.error.http_status, 0u);
  EXPECT_NE(result.error.message.find("needs a MessageGroupId"), std::string::npos);
  EXPECT_FALSE(result.error.retryable());
  EXPECT_EQ(emulator.stats().at("sns_requests"), 0);
}

TEST_F(HttpsSnsEmulatorTest, ThrottlingAndInternalErrorsAreRetryableAndThenPass) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  Stack s = stack(emulator.endpoint());
  emulator.set_faults({{"sns_throttle_next", 1}});
  const auto throttled = publish(*s.sns, alert());
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error.kind, SnsErrorKind::throttled) << throttled.error.describe();
  EXPECT_EQ(throttled.error.code, "Throttling");
  EXPECT_EQ(throttled.error.action(), ErrorAction::slow_down);
  EXPECT_TRUE(throttled.error.retryable());

  emulator.set_faults({{"sns_error500_next", 1}});
  const auto failed = publish(*s.sns, alert());
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error.kind, SnsErrorKind::server) << failed.error.describe();
  EXPECT_EQ(failed.error.http_status, 500u);
  EXPECT_EQ(failed.error.code, "InternalError");
  EXPECT_TRUE(failed.error.retryable());

  // The caller's retry of the same request.
  EXPECT_TRUE(publish(*s.sns, alert()).ok());
  EXPECT_EQ(emulator.sns_messages().size(), 1u);
}

TEST_F(HttpsSnsEmulatorTest, AResetIsARetryableTransportError) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  Stack s = stack(emulator.endpoint());
  emulator.set_faults({{"sns_reset_next", 1}});
  const auto reset = publish(*s.sns, alert());
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(reset.error.kind, SnsErrorKind::transport) << reset.error.describe();
  EXPECT_TRUE(reset.error.retryable());
  EXPECT_TRUE(publish(*s.sns, alert()).ok());
}

TEST_F(HttpsSnsEmulatorTest, AWrongSecretIsANonRetryableAuthErrorInWordsWithoutTheSecret) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  const std::string wrong = "not-the-secret-the-emulator-knows-at-all";
  Stack s = stack(emulator.endpoint(), kTopic, aws_options(wrong));
  const auto result = publish(*s.sns, alert());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.kind, SnsErrorKind::auth) << result.error.describe();
  EXPECT_EQ(result.error.code, "SignatureDoesNotMatch");
  EXPECT_EQ(result.error.http_status, 403u);
  EXPECT_FALSE(result.error.retryable());
  EXPECT_EQ(result.error.action(), ErrorAction::give_up);
  EXPECT_EQ(result.error.describe().find(wrong), std::string::npos);
  EXPECT_NE(result.error.describe().find("The request signature we calculated does not match"),
            std::string::npos);
  EXPECT_EQ(sns_error_advice(result.error, kTopic, emulator.endpoint()),
            "AWS does not accept these credentials (unknown access key or wrong secret): check "
            "credentials.source and the keys it reads.");
  EXPECT_TRUE(emulator.sns_messages().empty());
}

TEST_F(HttpsSnsEmulatorTest, AnUnknownTopicIsNotFound) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  Stack s = stack(emulator.endpoint(), test::sns_topic_arn("no-such-topic"));
  const auto result = publish(*s.sns, alert());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.kind, SnsErrorKind::not_found) << result.error.describe();
  EXPECT_EQ(result.error.describe().substr(0, 46),
            "NotFound (HTTP 404): Topic does not exist [req");
  EXPECT_FALSE(result.error.retryable());
}

TEST_F(HttpsSnsEmulatorTest, ASkewedServerClockIsLearnedAndThePublishReSigned) {
  auto options = emulator_options();
  options.date_skew_seconds = 1200;  // 20 minutes: beyond SNS's 15-minute window
  test::FirehoseEmulatorProcess emulator(options, dir.path() / "emulator");
  Stack s = stack(emulator.endpoint());
  const auto result = publish(*s.sns, alert());
  ASSERT_TRUE(result.ok()) << result.error.describe();
  EXPECT_EQ(s.sns->skew_resends(), 1u);
  EXPECT_NEAR(std::chrono::duration<double>(s.aws->clock.offset()).count(), 1200.0, 5.0);
}

TEST_F(HttpsSnsEmulatorTest, TheCaFileAppliesAndAnotherCaIsATransportError) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  AwsClientOptions options = aws_options();
  options.https.tls.ca_file = pki.other_ca_cert.string();
  Stack s = stack(emulator.endpoint(), kTopic, options);
  const auto result = publish(*s.sns, alert());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.kind, SnsErrorKind::transport);
  EXPECT_NE(result.error.message.find("TLS handshake"), std::string::npos) << result.error.message;
  EXPECT_TRUE(emulator.sns_messages().empty());
}

TEST_F(HttpsSnsEmulatorTest, PlainHttpIsAcceptedForALoopbackEndpoint) {
  test::FirehoseEmulatorProcess emulator(emulator_options(false), dir.path() / "emulator");
  ASSERT_EQ(emulator.endpoint().rfind("http://127.0.0.1:", 0), 0u);
  Stack s = stack(emulator.endpoint());
  EXPECT_TRUE(publish(*s.sns, alert()).ok());
}

TEST_F(HttpsSnsEmulatorTest, EndpointRulesAreThoseOfDeliveryEndpoint) {
  const auto aws = make_aws_client(io.get_executor(), aws_options());
  // No override: the topic's region and partition give the endpoint, and the signing region.
  auto standard = make_sns_client(io.get_executor(), *aws,
                                  "arn:aws:sns:eu-west-1:123456789012:fleet-alerts", "");
  EXPECT_EQ(standard->endpoint().host, "sns.eu-west-1.amazonaws.com");
  EXPECT_EQ(standard->endpoint().scheme, "https");
  EXPECT_EQ(standard->region(), "eu-west-1");
  auto china = make_sns_client(io.get_executor(), *aws,
                               "arn:aws-cn:sns:cn-north-1:123456789012:fleet-alerts", "");
  EXPECT_EQ(china->endpoint().host, "sns.cn-north-1.amazonaws.com.cn");
  // An override: a VPC endpoint keeps the topic's signing region.
  auto vpc =
      make_sns_client(io.get_executor(), *aws, "arn:aws:sns:eu-west-1:123456789012:fleet-alerts",
                      "https://vpce-0abc-sns.eu-west-1.vpce.amazonaws.com");
  EXPECT_EQ(vpc->endpoint().host, "vpce-0abc-sns.eu-west-1.vpce.amazonaws.com");
  EXPECT_EQ(vpc->region(), "eu-west-1");

  const auto refused = [&](const std::string& arn, const std::string& endpoint) {
    try {
      make_sns_client(io.get_executor(), *aws, arn, endpoint);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string arn = "arn:aws:sns:eu-west-1:123456789012:fleet-alerts";
  // Plain http only to loopback, exactly as delivery.endpoint.
  EXPECT_NE(refused(arn, "http://sns.example.com").find("alerts.endpoint http://sns.example.com"),
            std::string::npos);
  EXPECT_NE(refused(arn, "http://sns.example.com").find("loopback"), std::string::npos)
      << refused(arn, "http://sns.example.com");
  EXPECT_NE(refused(arn, "https://host/path").find("alerts.endpoint"), std::string::npos);
  EXPECT_EQ(refused(arn, "http://127.0.0.1:4566"), "accepted");
  EXPECT_EQ(refused(arn, "http://[::1]:4566"), "accepted");
  EXPECT_NE(refused("fleet-alerts", "").find("alerts.topic_arn"), std::string::npos);
  EXPECT_NE(refused("arn:aws-xyz:sns:xx-1:123456789012:a", "").find("set alerts.endpoint"),
            std::string::npos);
  EXPECT_EQ(refused("arn:aws-xyz:sns:xx-1:123456789012:a", "https://sns.xx-1.example"), "accepted");
}

}  // namespace
}  // namespace canhose::aws
