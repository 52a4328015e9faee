// End to end: FirehoseClient -> SigV4Signer -> HttpsTransport over real TLS to the
// Firehose emulator, a separate Python process that verifies every signature with
// botocore and injects faults (tests/firehose_emulator/README.md). Certificates come
// from its make_test_pki.sh (openssl CLI): an independent PKI from ours.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "asio/asio.hpp"
#include "aws/cached_credentials.hpp"
#include "aws/clock_offset.hpp"
#include "aws/firehose_client.hpp"
#include "aws/iot_credentials_provider.hpp"
#include "aws/put_record_batch_body.hpp"
#include "aws/static_credentials_provider.hpp"
#include "https/https_transport.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

namespace canhose::aws {
namespace {

using namespace std::chrono_literals;

constexpr const char* kKeyId = "AKIDEXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::string record(int i) {
  std::string line = "rec-" + std::to_string(i) + " ";
  line.resize(99, 'x');
  return line + "\n";
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One client stack (transport, credentials, clock, FirehoseClient) on one io_context.
struct ClientStack {
  ClientStack(asio::io_context& io, const std::string& endpoint_url,
              https::HttpsTransportOptions options, std::string secret = kSecret)
      : transport(io.get_executor(), std::move(options)),
        provider([&] {
          Credentials c;
          c.access_key_id = kKeyId;
          c.secret_access_key = base::Secret(std::move(secret));
          return c;
        }()),
        credentials(io.get_executor(), provider),
        client(io.get_executor(), transport, credentials, clock, "us-east-1",
               https::parse_endpoint(endpoint_url).endpoint) {
    credentials.start();
  }
  https::HttpsTransport transport;
  StaticCredentialsProvider provider;
  CachedCredentials credentials;
  ClockOffset clock;
  FirehoseClient client;
};

class HttpsFirehoseEmulatorTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  asio::io_context io;

  test::FirehoseEmulatorOptions emulator_options() const {
    test::FirehoseEmulatorOptions o;
    o.tls_cert = pki.server_cert;
    o.tls_key = pki.server_key;
    o.tls_ca = pki.ca_cert;
    o.credentials = {std::string(kKeyId) + ":" + kSecret};
    o.streams = {"edge-gw"};
    return o;
  }

  https::HttpsTransportOptions transport_options() const {
    https::HttpsTransportOptions o;
    o.tls.ca_file = pki.ca_cert.string();
    o.proxy = "none";
    return o;
  }

  template <class T>
  T wait_for(std::optional<T>& slot) {
    io.restart();
    const auto limit = std::chrono::steady_clock::now() + 30s;
    while (!slot && std::chrono::steady_clock::now() < limit) {
      io.run_one_for(100ms);
    }
    EXPECT_TRUE(slot.has_value()) << "no answer in time";
    return slot ? std::move(*slot) : T{};
  }

  FirehoseOutcome<PutRecordBatchResult> put_batch(FirehoseClient& client, int first, int count) {
    PutRecordBatchBody body("edge-gw");
    for (int i = first; i < first + count; ++i) {
      body.add(record(i));
    }
    std::optional<FirehoseOutcome<PutRecordBatchResult>> got;
    client.put_record_batch(body.finish(), static_cast<std::size_t>(count),
                            [&](auto r) { got = std::move(r); });
    return wait_for(got);
  }
};

TEST_F(HttpsFirehoseEmulatorTest, BatchesAreAcceptedOverOneConnectionAndLandInS3Layout) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  ClientStack stack(io, emulator.endpoint(), transport_options());
  auto first = put_batch(stack.client, 0, 500);
  ASSERT_TRUE(first.ok()) << first.error.describe();
  EXPECT_EQ(first.value.failed_put_count, 0u);
  ASSERT_EQ(first.value.records.size(), 500u);
  EXPECT_FALSE(first.value.records[499].record_id.empty());
  auto second = put_batch(stack.client, 500, 10);
  ASSERT_TRUE(second.ok()) << second.error.describe();

  auto stats = emulator.stats();
  EXPECT_EQ(stats.at("records_accepted"), 510);
  EXPECT_EQ(stack.transport.idle_connections(), 1u);
  // SIGTERM makes the emulator write its buffers as S3 objects before it exits.
  const test::ExitStatus status = emulator.stop();
  ASSERT_TRUE(status.exited && status.code == 0);
  std::string stored;
  for (const auto& path : emulator.objects()) {
    stored += read_all(path);
  }
  std::string expected;
  for (int i = 0; i < 510; ++i) {
    expected += record(i);
  }
  EXPECT_EQ(stored, expected);
}

TEST_F(HttpsFirehoseEmulatorTest, Ipv6LoopbackEndpointWorks) {
  auto options = emulator_options();
  options.listen_host = "::1";
  test::FirehoseEmulatorProcess emulator(options, dir.path() / "emulator");
  ASSERT_EQ(emulator.endpoint().rfind("https://[::1]:", 0), 0u) << emulator.endpoint();
  ClientStack stack(io, emulator.endpoint(), transport_options());
  auto result = put_batch(stack.client, 0, 5);
  ASSERT_TRUE(result.ok()) << result.error.describe();
}

TEST_F(HttpsFirehoseEmulatorTest, ThrottlingIsReportedAsThrottledAndPasses) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  ClientStack stack(io, emulator.endpoint(), transport_options());
  emulator.set_faults({{"throttle_next", 1}});
  auto throttled = put_batch(stack.client, 0, 5);
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error.kind, FirehoseErrorKind::throttled) << throttled.error.describe();
  EXPECT_EQ(throttled.error.http_status, 503u);
  EXPECT_EQ(throttled.error.code, "ServiceUnavailableException");
  EXPECT_TRUE(put_batch(stack.client, 0, 5).ok());
}

TEST_F(HttpsFirehoseEmulatorTest, InternalFailureIsAServerError) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  ClientStack stack(io, emulator.endpoint(), transport_options());
  emulator.set_faults({{"error500_next", 1}});
  auto failed = put_batch(stack.client, 0, 5);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error.kind, FirehoseErrorKind::server) << failed.error.describe();
  EXPECT_EQ(failed.error.http_status, 500u);
  EXPECT_TRUE(put_batch(stack.client, 0, 5).ok());
}

TEST_F(HttpsFirehoseEmulatorTest, PerRecordFailuresComeBackInRequestOrder) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  ClientStack stack(io, emulator.endpoint(), transport_options());
  emulator.set_faults({{"record_failure_next", 3}});
  auto result = put_batch(stack.client, 0, 10);
  ASSERT_TRUE(result.ok()) << result.error.describe();
  EXPECT_EQ(result.value.failed_put_count, 3u);
  ASSERT_EQ(result.value.records.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(result.value.records[i].ok(), i >= 3) << i;
  }
  EXPECT_EQ(result.value.records[0].error_code, "ServiceUnavailableException");
  EXPECT_EQ(emulator.stats().at("records_accepted"), 7);
}

TEST_F(HttpsFirehoseEmulatorTest, SlowResponseWithinTheTimeoutSucceedsBeyondItTimesOut) {
  auto options = emulator_options();
  options.delay_ms = 300;
  test::FirehoseEmulatorProcess emulator(options, dir.path() / "emulator");
  auto transport = transport_options();
  transport.timeouts.request = 2s;
  ClientStack patient(io, emulator.endpoint(), transport);
  EXPECT_TRUE(put_batch(patient.client, 0, 5).ok());

  transport.timeouts.request = 100ms;
  ClientStack hasty(io, emulator.endpoint(), transport);
  auto timed_out = put_batch(hasty.client, 0, 5);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.error.kind, FirehoseErrorKind::transport);
  EXPECT_NE(timed_out.error.message.find("timed out after 100ms"), std::string::npos)
      << timed_out.error.message;
}

TEST_F(HttpsFirehoseEmulatorTest, ResetOnAFreshConnectionIsATransportError) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  ClientStack stack(io, emulator.endpoint(), transport_options());
  emulator.set_faults({{"reset_next", 1}});
  auto reset = put_batch(stack.client, 0, 5);
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(reset.error.kind, FirehoseErrorKind::transport);
  EXPECT_NE(reset.error.message.find("reset"), std::string::npos) << reset.error.message;
  EXPECT_EQ(emulator.stats().at("resets"), 1);
  EXPECT_TRUE(put_batch(stack.client, 0, 5).ok());
}

TEST_F(HttpsFirehoseEmulatorTest, ResetOnAKeptAliveConnectionIsRetriedOnceOnAFreshOne) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  ClientStack stack(io, emulator.endpoint(), transport_options());
  ASSERT_TRUE(put_batch(stack.client, 0, 5).ok());
  emulator.set_faults({{"reset_next", 1}});
  // Nothing of a response arrived on the reused connection: the transport cannot tell
  // this from a server that closed an idle connection, and retries once.
  auto result = put_batch(stack.client, 5, 5);
  ASSERT_TRUE(result.ok()) << result.error.describe();
  auto stats = emulator.stats();
  EXPECT_EQ(stats.at("resets"), 1);
  EXPECT_EQ(stats.at("records_accepted"), 10);
}

TEST_F(HttpsFirehoseEmulatorTest, SkewedServerClockIsLearnedAndTheRequestReSigned) {
  auto options = emulator_options();
  options.date_skew_seconds = 900;  // the server's clock is 15 minutes ahead of ours
  test::FirehoseEmulatorProcess emulator(options, dir.path() / "emulator");
  ClientStack stack(io, emulator.endpoint(), transport_options());
  auto result = put_batch(stack.client, 0, 5);
  ASSERT_TRUE(result.ok()) << result.error.describe();
  EXPECT_EQ(stack.client.skew_resends(), 1u);
  EXPECT_NEAR(std::chrono::duration<double>(stack.clock.offset()).count(), 900.0, 5.0);
  ASSERT_TRUE(put_batch(stack.client, 5, 5).ok());
  EXPECT_EQ(stack.client.skew_resends(), 1u) << "the second request is signed right at once";
}

TEST_F(HttpsFirehoseEmulatorTest, SignatureWithAWrongSecretIsRejectedByTheEmulator) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  ClientStack stack(io, emulator.endpoint(), transport_options(),
                    "not-the-secret-the-emulator-knows");
  auto result = put_batch(stack.client, 0, 5);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.kind, FirehoseErrorKind::auth) << result.error.describe();
  EXPECT_EQ(result.error.code, "InvalidSignatureException");
  EXPECT_EQ(emulator.stats().at("records_accepted"), 0);
}

TEST_F(HttpsFirehoseEmulatorTest, EmulatorCertificateFromAnotherCaIsRejected) {
  test::FirehoseEmulatorProcess emulator(emulator_options(), dir.path() / "emulator");
  auto transport = transport_options();
  transport.tls.ca_file = pki.other_ca_cert.string();
  ClientStack stack(io, emulator.endpoint(), transport);
  auto result = put_batch(stack.client, 0, 5);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.kind, FirehoseErrorKind::transport);
  EXPECT_NE(result.error.message.find("unable to get local issuer certificate"), std::string::npos)
      << result.error.message;
  EXPECT_EQ(emulator.stats().at("requests"), 0);
}

TEST_F(HttpsFirehoseEmulatorTest, EmulatorCertificateForAnotherHostIsRejected) {
  auto options = emulator_options();
  options.tls_cert = pki.wrong_host_cert;
  options.tls_key = pki.wrong_host_key;
  options.tls_ca.reset();  // the control client would refuse this certificate too
  test::FirehoseEmulatorProcess emulator(options, dir.path() / "emulator");
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    ClientStack stack(io, "https://" + host + ":" + std::to_string(emulator.port()),
                      transport_options());
    auto result = put_batch(stack.client, 0, 5);
    ASSERT_FALSE(result.ok()) << host;
    EXPECT_NE(result.error.message.find(host == "localhost" ? "hostname mismatch"
                                                            : "IP address mismatch"),
              std::string::npos)
        << result.error.message;
  }
  EXPECT_EQ(emulator.stats().at("records_accepted"), 0);
}

TEST_F(HttpsFirehoseEmulatorTest, IotCredentialsSignRequestsTheEmulatorAccepts) {
  auto options = emulator_options();
  options.iot_cert = pki.server_cert;
  options.iot_key = pki.server_key;
  options.iot_client_ca = pki.client_ca_cert;
  test::FirehoseEmulatorProcess emulator(options, dir.path() / "emulator");

  IotCredentialsOptions iot;
  iot.endpoint = "127.0.0.1:" + std::to_string(*emulator.iot_port());
  iot.role_alias = "canhose-delivery";
  iot.thing_name = "canhose-test-thing";
  iot.cert_file = pki.client_cert.string();
  iot.key_file = pki.client_key.string();
  iot.ca_file = pki.ca_cert.string();
  iot.proxy = "none";
  IotCredentialsProvider provider(io.get_executor(), iot);
  CachedCredentials credentials(io.get_executor(), provider);
  credentials.start();
  https::HttpsTransport transport(io.get_executor(), transport_options());
  ClockOffset clock;
  FirehoseClient client(io.get_executor(), transport, credentials, clock, "us-east-1",
                        https::parse_endpoint(emulator.endpoint()).endpoint);
  auto result = put_batch(client, 0, 3);
  ASSERT_TRUE(result.ok()) << result.error.describe();
  EXPECT_EQ(emulator.stats().at("iot_credentials_issued"), 1);
  EXPECT_EQ(emulator.stats().at("records_accepted"), 3);
  credentials.stop();
}

}  // namespace
}  // namespace canhose::aws
