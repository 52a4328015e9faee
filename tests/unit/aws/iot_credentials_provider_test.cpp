// IotCredentialsProvider over real mutual TLS: against the in-process Beast TLS server
// (client certificate required) and against the Firehose emulator's IoT endpoint, a real
// Python process with its own PKI (make_test_pki.sh).

#include "aws/iot_credentials_provider.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "asio/asio.hpp"
#include "aws/iot_credentials_error.hpp"
#include "aws/iso8601_time.hpp"
#include "https/https_transport.hpp"
#include "log/logger.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate_authority.hpp"
#include "support/test_pki.hpp"
#include "support/tls_test_server.hpp"

namespace canhose::aws {
namespace {

using namespace std::chrono_literals;
using test::TestReply;
using test::TestRequest;

constexpr const char* kCredentialsJson =
    R"({"credentials":{"accessKeyId":"ASIAEXAMPLEKEY","secretAccessKey":"s3cr3t-value",)"
    R"("sessionToken":"t0ken-value","expiration":"2026-11-25T19:09:09Z"}})";

class IotCredentialsProviderTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::TestCertificateAuthority server_ca{dir.path(), "server-ca"};
  test::TestCertificate server_cert = server_ca.issue_localhost_server("server");
  test::TestCertificateAuthority device_ca{dir.path(), "device-ca"};
  test::TestCertificate device_cert = [this] {
    test::CertificateSpec spec;
    spec.common_name = "truck-0042";
    spec.client = true;
    return device_ca.issue("device", spec);
  }();
  asio::io_context io;

  std::unique_ptr<test::TlsTestServer> start_server(test::TlsTestServer::Handler handler) {
    test::TlsTestServerOptions o;
    o.cert_file = server_cert.cert_file.string();
    o.key_file = server_cert.key_file.string();
    o.client_ca_file = device_ca.certificate().cert_file.string();
    return std::make_unique<test::TlsTestServer>(o, std::move(handler));
  }

  IotCredentialsOptions options(std::uint16_t port, const test::TestCertificate& client) const {
    IotCredentialsOptions o;
    o.endpoint = "127.0.0.1:" + std::to_string(port);
    o.role_alias = "canhose-delivery";
    o.thing_name = "truck-0042";
    o.cert_file = client.cert_file.string();
    o.key_file = client.key_file.string();
    o.ca_file = server_ca.certificate().cert_file.string();
    o.proxy = "none";
    o.timeouts.request = 5s;
    return o;
  }

  CredentialsResult fetch(IotCredentialsProvider& provider) {
    std::optional<CredentialsResult> result;
    provider.fetch([&](CredentialsResult r) { result = std::move(r); });
    io.restart();
    const auto limit = std::chrono::steady_clock::now() + 20s;
    while (!result && std::chrono::steady_clock::now() < limit) {
      io.run_one_for(100ms);
    }
    EXPECT_TRUE(result.has_value());
    return result ? std::move(*result) : CredentialsResult{};
  }
};

TEST_F(IotCredentialsProviderTest, FetchesTemporaryCredentialsOverMutualTls) {
  auto server = start_server([](const TestRequest&) {
    TestReply reply;
    reply.headers = {{"Content-Type", "application/json"}};
    reply.body = kCredentialsJson;
    return reply;
  });
  IotCredentialsProvider provider(io.get_executor(), options(server->port(), device_cert));
  CredentialsResult result = fetch(provider);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.credentials.access_key_id, "ASIAEXAMPLEKEY");
  EXPECT_EQ(result.credentials.secret_access_key.reveal(), "s3cr3t-value");
  EXPECT_EQ(result.credentials.session_token.reveal(), "t0ken-value");
  ASSERT_TRUE(result.credentials.expiration.has_value());
  EXPECT_EQ(*result.credentials.expiration, parse_iso8601_time("2026-11-25T19:09:09Z"));
  EXPECT_EQ(result.credentials.source, "iot");

  auto seen = server->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/role-aliases/canhose-delivery/credentials");
  ASSERT_NE(seen[0].header("x-amzn-iot-thingname"), nullptr);
  EXPECT_EQ(*seen[0].header("x-amzn-iot-thingname"), "truck-0042");
  EXPECT_NE(seen[0].client_subject.find("CN=truck-0042"), std::string::npos)
      << seen[0].client_subject;
}

TEST_F(IotCredentialsProviderTest, CertificateFromAnotherCaIsRefusedByTheServer) {
  auto server = start_server([](const TestRequest&) {
    TestReply reply;
    reply.body = kCredentialsJson;
    return reply;
  });
  test::CertificateSpec spec;
  spec.common_name = "truck-0042";
  spec.client = true;
  auto rogue = server_ca.issue("rogue", spec);  // a CA the server does not trust for clients
  IotCredentialsProvider provider(io.get_executor(), options(server->port(), rogue));
  CredentialsResult result = fetch(provider);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(server->requests().empty());
  // The server's thread may count its failed handshake just after our error arrived.
  for (int i = 0; i < 100 && server->handshakes_failed() == 0; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(server->handshakes_failed(), 1u);
}

TEST_F(IotCredentialsProviderTest, ForbiddenAnswerCarriesTheServiceMessage) {
  auto server = start_server([](const TestRequest&) {
    TestReply reply;
    reply.status = 403;
    reply.body = R"({"message":"Access Denied","traceId":"abc"})";
    return reply;
  });
  IotCredentialsProvider provider(io.get_executor(), options(server->port(), device_cert));
  CredentialsResult result = fetch(provider);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error, make_error_code(IotCredentialsErrc::forbidden));
  EXPECT_NE(result.message.find("HTTP 403: Access Denied"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("role alias canhose-delivery"), std::string::npos);
}

TEST_F(IotCredentialsProviderTest, StatusesMapToKinds) {
  auto make = [](unsigned status, std::string body) {
    https::HttpResult r;
    r.response.status = status;
    r.response.body = std::move(body);
    return r;
  };
  auto code = [&](unsigned status) {
    return IotCredentialsProvider::parse_response(make(status, "{}"), "x").error;
  };
  EXPECT_EQ(code(401), make_error_code(IotCredentialsErrc::forbidden));
  EXPECT_EQ(code(404), make_error_code(IotCredentialsErrc::not_found));
  EXPECT_EQ(code(429), make_error_code(IotCredentialsErrc::throttled));
  EXPECT_EQ(code(503), make_error_code(IotCredentialsErrc::server_error));
  EXPECT_EQ(code(302), make_error_code(IotCredentialsErrc::unexpected_status));
}

TEST_F(IotCredentialsProviderTest, MalformedAnswersAreRefusedWithoutQuotingSecrets) {
  auto parse = [](std::string body) {
    https::HttpResult r;
    r.response.status = 200;
    r.response.body = std::move(body);
    return IotCredentialsProvider::parse_response(r, "iot");
  };
  for (
      const char* body :
      {"not json", "[]", R"({"credentials":"x"})",
       R"({"credentials":{"accessKeyId":"A","secretAccessKey":"s3cr3t-value","sessionToken":"t"}})",
       R"({"credentials":{"accessKeyId":"A","secretAccessKey":"s3cr3t-value","sessionToken":"t","expiration":5}})",
       R"({"credentials":{"accessKeyId":"A","secretAccessKey":"s3cr3t-value","sessionToken":"t","expiration":"tomorrow"}})"}) {
    CredentialsResult result = parse(body);
    EXPECT_EQ(result.error, make_error_code(IotCredentialsErrc::malformed_response)) << body;
    EXPECT_EQ(result.message.find("s3cr3t-value"), std::string::npos) << result.message;
  }
}

TEST_F(IotCredentialsProviderTest, TransportFailureIsReportedWithItsPhase) {
  std::uint16_t closed_port = 0;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  IotCredentialsProvider provider(io.get_executor(), options(closed_port, device_cert));
  CredentialsResult result = fetch(provider);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.message.find("connect to 127.0.0.1:"), std::string::npos) << result.message;
}

TEST_F(IotCredentialsProviderTest, BadOptionsAreStartupErrors) {
  auto o = options(443, device_cert);
  o.role_alias = "../admin";
  EXPECT_THROW(IotCredentialsProvider(io.get_executor(), o), std::invalid_argument);
  o = options(443, device_cert);
  o.thing_name = "";
  EXPECT_THROW(IotCredentialsProvider(io.get_executor(), o), std::invalid_argument);
  o = options(443, device_cert);
  o.endpoint = "http://iot.example.com";
  EXPECT_THROW(IotCredentialsProvider(io.get_executor(), o), std::invalid_argument);
  o = options(443, device_cert);
  o.key_file = server_cert.key_file.string();  // does not match the certificate
  EXPECT_THROW(IotCredentialsProvider(io.get_executor(), o), std::runtime_error);
}

TEST(IotExpirationTime, ParsesTheFormsAwsWrites) {
  using namespace std::chrono;
  const auto base = sys_days(year{2026} / 11 / 25) + hours(19) + minutes(9) + seconds(9);
  EXPECT_EQ(parse_iso8601_time("2026-11-25T19:09:09Z"), base);
  EXPECT_EQ(parse_iso8601_time("2026-11-25T19:09:09.250Z"), base + milliseconds(250));
  EXPECT_EQ(parse_iso8601_time("2026-11-25T20:09:09+01:00"), base);
  EXPECT_EQ(parse_iso8601_time("2026-11-25T17:39:09-01:30"), base);
  EXPECT_FALSE(parse_iso8601_time("2026-11-25T19:09:09"));  // no zone
  EXPECT_FALSE(parse_iso8601_time("2026-02-30T19:09:09Z"));
  EXPECT_FALSE(parse_iso8601_time("2026-11-25 19:09:09Z"));
  EXPECT_FALSE(parse_iso8601_time("2026-11-25T19:09:09Zjunk"));
  EXPECT_FALSE(parse_iso8601_time(""));
}

// Found by fuzzing: years a time_point cannot hold overflowed instead of being refused.
TEST(IotExpirationTime, YearsATimePointCannotHoldAreRefusedWithTheReason) {
  using namespace std::chrono;
  for (const char* bad : {"0997-01-01T00:00:00Z", "1677-12-31T23:59:59Z", "2262-01-01T00:00:00Z",
                          "9999-12-31T23:59:59.999999999Z"}) {
    std::string why;
    EXPECT_FALSE(parse_iso8601_time(bad, &why)) << bad;
    EXPECT_EQ(why, "the year is outside 1678-2261") << bad;
  }
  EXPECT_EQ(parse_iso8601_time("1678-01-01T00:00:00+23:59"),
            sys_days(year{1677} / 12 / 31) + minutes(1));
  EXPECT_EQ(parse_iso8601_time("2261-12-31T23:59:59-23:59"),
            sys_days(year{2262} / 1 / 1) + hours(23) + minutes(58) + seconds(59));
}

TEST_F(IotCredentialsProviderTest, ExpirationOutsideTheRepresentableYearsIsAMalformedAnswer) {
  https::HttpResult r;
  r.response.status = 200;
  r.response.body = R"({"credentials":{"accessKeyId":"A","secretAccessKey":"s3cr3t-value",)"
                    R"("sessionToken":"t0ken-value","expiration":"0997-06-01T00:00:00Z"}})";
  CredentialsResult result = IotCredentialsProvider::parse_response(r, "iot");
  EXPECT_EQ(result.error, make_error_code(IotCredentialsErrc::malformed_response));
  EXPECT_NE(result.message.find("credentials.expiration \"0997-06-01T00:00:00Z\" is refused: "
                                "the year is outside 1678-2261"),
            std::string::npos)
      << result.message;
}

// The emulator's IoT endpoint: another implementation, another PKI (openssl CLI).
class IotCredentialsEmulatorTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  asio::io_context io;

  std::unique_ptr<test::FirehoseEmulatorProcess> start() {
    test::FirehoseEmulatorOptions o;
    o.tls_cert = pki.server_cert;
    o.tls_key = pki.server_key;
    o.tls_ca = pki.ca_cert;
    o.iot_cert = pki.server_cert;
    o.iot_key = pki.server_key;
    o.iot_client_ca = pki.client_ca_cert;
    o.iot_role_aliases = {"canhose-delivery"};
    return std::make_unique<test::FirehoseEmulatorProcess>(o, dir.path() / "emulator");
  }

  IotCredentialsOptions options(std::uint16_t port) const {
    IotCredentialsOptions o;
    o.endpoint = "https://127.0.0.1:" + std::to_string(port);
    o.role_alias = "canhose-delivery";
    o.thing_name = "canhose-test-thing";
    o.cert_file = pki.client_cert.string();
    o.key_file = pki.client_key.string();
    o.ca_file = pki.ca_cert.string();
    o.proxy = "none";
    return o;
  }

  CredentialsResult fetch(IotCredentialsProvider& provider) {
    std::optional<CredentialsResult> result;
    provider.fetch([&](CredentialsResult r) { result = std::move(r); });
    const auto limit = std::chrono::steady_clock::now() + 20s;
    io.restart();
    while (!result && std::chrono::steady_clock::now() < limit) {
      io.run_one_for(100ms);
    }
    EXPECT_TRUE(result.has_value());
    return result ? std::move(*result) : CredentialsResult{};
  }
};

TEST_F(IotCredentialsEmulatorTest, EmulatorIssuesCredentialsForTheDeviceCertificate) {
  auto emulator = start();
  IotCredentialsProvider provider(io.get_executor(), options(*emulator->iot_port()));
  CredentialsResult result = fetch(provider);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.credentials.access_key_id.rfind("ASIA", 0), 0u);
  EXPECT_FALSE(result.credentials.session_token.empty());
  ASSERT_TRUE(result.credentials.expiration.has_value());
  EXPECT_GT(*result.credentials.expiration, std::chrono::system_clock::now());
  EXPECT_EQ(emulator->stats().at("iot_credentials_issued"), 1);
}

TEST_F(IotCredentialsEmulatorTest, EmulatorRefusesAnotherThingAndAnUnknownAlias) {
  auto emulator = start();
  auto o = options(*emulator->iot_port());
  o.thing_name = "someone-else";
  IotCredentialsProvider other_thing(io.get_executor(), o);
  CredentialsResult refused = fetch(other_thing);
  EXPECT_EQ(refused.error, make_error_code(IotCredentialsErrc::forbidden)) << refused.message;
  EXPECT_NE(refused.message.find("Access Denied"), std::string::npos) << refused.message;

  o = options(*emulator->iot_port());
  o.role_alias = "not-configured";
  IotCredentialsProvider other_alias(io.get_executor(), o);
  EXPECT_EQ(fetch(other_alias).error, make_error_code(IotCredentialsErrc::forbidden));
}

TEST_F(IotCredentialsEmulatorTest, EmulatorRejectsAClientCertificateFromAnotherCa) {
  auto emulator = start();
  auto o = options(*emulator->iot_port());
  o.cert_file = pki.rogue_client_cert.string();
  o.key_file = pki.rogue_client_key.string();
  IotCredentialsProvider provider(io.get_executor(), o);
  CredentialsResult result = fetch(provider);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(emulator->stats().at("iot_credentials_issued"), 0);
}

}  // namespace
}  // namespace canhose::aws
