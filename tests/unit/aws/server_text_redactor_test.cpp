// ServerTextRedactor: the one step server text passes before canhose logs, stores or shows
// it. First the text shapes (real AWS wording), then through FirehoseClient with each kind
// of credentials canhose signs with: a server answering InvalidSignatureException that
// quotes the canonical request (as real Firehose does) must not get the session token,
// the secret or the signature into the error the delivery part logs and shows.

#include "aws/server_text_redactor.hpp"
#include "support/scoped_env.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <optional>

#include "aws/cached_credentials.hpp"
#include "aws/crypto.hpp"
#include "aws/environment_credentials_provider.hpp"
#include "aws/firehose_client.hpp"
#include "aws/http_date.hpp"
#include "aws/iot_credentials_provider.hpp"
#include "aws/profile_credentials_provider.hpp"
#include "aws/put_record_batch_body.hpp"
#include "aws/sigv4_signer.hpp"
#include "aws/static_credentials_provider.hpp"
#include "support/signature_quoting_transport.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate_authority.hpp"
#include "support/tls_test_server.hpp"

namespace canhose::aws {
namespace {

using namespace std::chrono;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
// Shaped like a real STS token: long, base64, with '/', '+' and '='.
const std::string kToken =
    "IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQD6Zw/8n+ExAMPLEtokenP2xq1nEXAMPLE0aZ8rW9pQ" +
    std::string(300, 'A') + "Zm9vYmFy+/EXAMPLE==";

Credentials credentials(std::string secret, std::string token) {
  Credentials c;
  c.access_key_id = "ASIAEXAMPLEKEYID";
  c.secret_access_key = base::Secret(std::move(secret));
  c.session_token = base::Secret(std::move(token));
  return c;
}

using test::invalid_signature_message;
using test::ScopedEnv;

TEST(ServerTextRedactor, CanonicalRequestQuotingTheSessionTokenIsRedacted) {
  const std::string canonical =
      "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:firehose.eu-west-1.amazonaws.com\n"
      "x-amz-date:20261206T120000Z\nx-amz-security-token:" +
      kToken +
      "\nx-amz-target:Firehose_20150804.PutRecordBatch\n\n"
      "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n"
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
  const std::string message = invalid_signature_message(
      canonical,
      "AWS4-HMAC-SHA256\n20261206T120000Z\n20261206/eu-west-1/firehose/aws4_request\n"
      "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  // The token is found by its header name alone (no credentials known) ...
  const std::string by_shape = ServerTextRedactor().redact(message);
  EXPECT_EQ(by_shape.find(kToken.substr(0, 20)), std::string::npos) << by_shape;
  EXPECT_NE(by_shape.find("\nx-amz-security-token:<redacted>\nx-amz-target:"), std::string::npos)
      << by_shape;
  // ... and by its value with them. What helps to debug a signature stays.
  const std::string both =
      ServerTextRedactor(credentials(std::string(kSecret), kToken)).redact(message);
  EXPECT_EQ(both, by_shape);
  for (std::string_view kept :
       {"The request signature we calculated does not match the signature you provided.",
        "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n",
        "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
        "20261206/eu-west-1/firehose/aws4_request"}) {
    EXPECT_NE(both.find(kept), std::string::npos) << kept;
  }
}

TEST(ServerTextRedactor, CredentialHeadersAndParametersOfEveryShapeAreRedacted) {
  const ServerTextRedactor redactor;
  EXPECT_EQ(redactor.redact("echo: Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/"
                            "eu-west-1/firehose/aws4_request, SignedHeaders=host;x-amz-date, "
                            "Signature=abc123\nnext line"),
            "echo: Authorization: <redacted>\nnext line");
  EXPECT_EQ(redactor.redact("Credential=AKIDEXAMPLE/20261206/eu-west-1/firehose/aws4_request, "
                            "SignedHeaders=host, Signature=0123abcd"),
            "Credential=<redacted>, SignedHeaders=host, Signature=<redacted>");
  EXPECT_EQ(redactor.redact("GET /?X-Amz-Credential=AKID%2F20261206&X-Amz-Signature=fe12&"
                            "X-Amz-Security-Token=IQo%2Bb%3D&X-Amz-Expires=60"),
            "GET /?X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted>&"
            "X-Amz-Security-Token=<redacted>&X-Amz-Expires=60");
  EXPECT_EQ(redactor.redact("proxy-authorization: Basic dXNlcjpwdw=="),
            "proxy-authorization: <redacted>");
  EXPECT_EQ(redactor.redact(R"({"accessKeyId":"ASIA1","secretAccessKey":"s3cr3t-value",)"
                            R"("sessionToken" : "t0ken-value"})"),
            R"({"accessKeyId":"ASIA1","secretAccessKey":"<redacted>",)"
            R"("sessionToken" : "<redacted>"})");
  EXPECT_EQ(redactor.redact("aws_secret_access_key = abc/def\naws_session_token=xyz"),
            "aws_secret_access_key = <redacted>\naws_session_token=<redacted>");
  EXPECT_EQ(redactor.redact("X-AMZ-SECURITY-TOKEN: abc"), "X-AMZ-SECURITY-TOKEN: <redacted>");
}

TEST(ServerTextRedactor, WordsAndShortValuesThatAreNotCredentialsStay) {
  const ServerTextRedactor redactor(credentials("short", "tok"));
  for (const std::string& text :
       {std::string("Signature expired: 20261206T120000Z is now earlier than 20261206T120500Z "
                    "(20261206T121000Z - 5 min.)"),
        std::string("The security token included in the request is invalid."),
        std::string("Credential should be scoped to a valid region. "),
        std::string("Firehose edge-gw not found under account 123456789012."),
        std::string("a short secret (tok) is not searched for")}) {
    EXPECT_EQ(redactor.redact(text), text);
  }
}

TEST(ServerTextRedactor, TheSecretsThemselvesAndLongTokenFragmentsAreRedactedAnywhere) {
  const ServerTextRedactor redactor(credentials(std::string(kSecret), kToken));
  EXPECT_EQ(redactor.redact("you sent " + std::string(kSecret) + " and " + kToken + "."),
            "you sent <redacted> and <redacted>.");
  // URI-encoded, as a presigned URL carries it.
  EXPECT_EQ(redactor.redact("q=" + SigV4Signer::uri_encode(kToken, false) + " end"),
            "q=<redacted> end");
  // A token cut off by a length limit, without its header name.
  EXPECT_EQ(ServerTextRedactor().redact("unexpected body: ..." + kToken.substr(0, 120)),
            "unexpected body: ...<redacted>");
}

// A proxy's page quoting the secret where the 200-character excerpt cuts it: the body is
// redacted whole before it is cut, so no piece of the secret is left.
TEST(ServerTextRedactor, AnUnexpectedBodyIsRedactedBeforeItIsCut) {
  std::string page = "<html><body>";
  while (page.size() < 190) {
    page += "Proxy error. ";
  }
  page.resize(190, '.');
  page += std::string(kSecret) + " was sent.</body></html>";
  https::HttpResponse response;
  response.status = 502;
  response.body = page;
  const FirehoseError e =
      classify_error_response(response, ServerTextRedactor(credentials(std::string(kSecret), "")));
  EXPECT_EQ(e.message.find(kSecret.substr(0, 8)), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("unexpected body: <html><body>Proxy error."), std::string::npos)
      << e.message;
}

// --- Through FirehoseClient, with every kind of credentials -------------------------------

// Sends one PutRecordBatch signed with `provider`'s credentials and returns the error as
// the delivery part logs it, stores it in its metrics labels and `canhose status` shows it.
std::string error_seen_by_delivery(asio::io_context& io, CredentialsProvider& provider,
                                   std::string& sent_authorization) {
  test::SignatureQuotingTransport transport(io);
  transport.quoted_secret = std::string(kSecret);
  CachedCredentials cache(io.get_executor(), provider);
  ClockOffset clock;
  FirehoseClient client(io.get_executor(), transport, cache, clock, "eu-west-1",
                        https::parse_endpoint(default_firehose_endpoint("eu-west-1")).endpoint);
  PutRecordBatchBody body("edge-gw");
  body.add("1 2026-12-06T12:00:00Z 0 0 0\n");
  std::optional<FirehoseOutcome<PutRecordBatchResult>> got;
  client.put_record_batch(body.finish(), 1, [&](auto r) { got = std::move(r); });
  const auto limit = steady_clock::now() + seconds(20);
  while (!got && steady_clock::now() < limit) {
    io.restart();
    io.run_one_for(milliseconds(100));
  }
  EXPECT_TRUE(got.has_value()) << "the call did not complete";
  sent_authorization = transport.sent_authorization;
  if (!got) {
    return {};
  }
  EXPECT_EQ(got->error.kind, FirehoseErrorKind::auth);
  cache.stop();
  return got->error.describe();
}

void expect_no_credentials_in(const std::string& shown, std::string_view secret,
                              std::string_view token, const std::string& authorization) {
  ASSERT_FALSE(authorization.empty());
  const std::string signature = authorization.substr(authorization.rfind('=') + 1);
  ASSERT_EQ(signature.size(), 64u);
  EXPECT_EQ(shown.find(secret), std::string::npos) << shown;
  if (!token.empty()) {
    EXPECT_EQ(shown.find(token), std::string::npos) << shown;
    EXPECT_EQ(shown.find(token.substr(0, 24)), std::string::npos) << shown;
  }
  EXPECT_EQ(shown.find(signature), std::string::npos) << shown;
  EXPECT_EQ(shown.find("Credential="), std::string::npos) << shown;
  EXPECT_NE(shown.find("InvalidSignatureException (HTTP 400): The request signature we "
                       "calculated does not match"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find("x-amz-date;"), std::string::npos) << shown;
  if (!token.empty()) {
    EXPECT_NE(shown.find("\nx-amz-security-token:<redacted>\n"), std::string::npos) << shown;
  }
}

TEST(ServerTextRedactorThroughTheClient, StaticKeys) {
  asio::io_context io;
  StaticCredentialsProvider provider(credentials(std::string(kSecret), ""));
  std::string authorization;
  const std::string shown = error_seen_by_delivery(io, provider, authorization);
  expect_no_credentials_in(shown, kSecret, "", authorization);
}

TEST(ServerTextRedactorThroughTheClient, StaticKeysWithSessionToken) {
  asio::io_context io;
  StaticCredentialsProvider provider(credentials(std::string(kSecret), kToken));
  std::string authorization;
  const std::string shown = error_seen_by_delivery(io, provider, authorization);
  expect_no_credentials_in(shown, kSecret, kToken, authorization);
}

// A token shorter than the 80-character base64 run, quoted bare by the server: only the
// exact-value pass catches it.
TEST(ServerTextRedactorThroughTheClient, StaticKeysWithAShortSessionToken) {
  const std::string short_token = "FwoGZXIvYXdzEXAMPLEshortT0ken/+wEaDJ3x";
  asio::io_context io;
  StaticCredentialsProvider provider(credentials(std::string(kSecret), short_token));
  std::string authorization;
  const std::string shown = error_seen_by_delivery(io, provider, authorization);
  expect_no_credentials_in(shown, kSecret, short_token, authorization);
  EXPECT_NE(shown.find("The key was <redacted>. The token was <redacted>. \n"), std::string::npos)
      << shown;
}

TEST(ServerTextRedactorThroughTheClient, EnvironmentCredentials) {
  ScopedEnv id("AWS_ACCESS_KEY_ID", "ASIAENVEXAMPLE");
  ScopedEnv secret("AWS_SECRET_ACCESS_KEY", std::string(kSecret));
  ScopedEnv token("AWS_SESSION_TOKEN", kToken);
  asio::io_context io;
  EnvironmentCredentialsProvider provider;
  std::string authorization;
  const std::string shown = error_seen_by_delivery(io, provider, authorization);
  expect_no_credentials_in(shown, kSecret, kToken, authorization);
}

TEST(ServerTextRedactorThroughTheClient, ProfileCredentials) {
  test::TempDir dir;
  const auto file = dir.write("credentials",
                              "[fleet]\naws_access_key_id = ASIAPROFILE\n"
                              "aws_secret_access_key = " +
                                  std::string(kSecret) + "\naws_session_token = " + kToken + "\n");
  ::chmod(file.c_str(), 0600);
  asio::io_context io;
  ProfileCredentialsProvider provider(file, "fleet");
  std::string authorization;
  const std::string shown = error_seen_by_delivery(io, provider, authorization);
  expect_no_credentials_in(shown, kSecret, kToken, authorization);
}

TEST(ServerTextRedactorThroughTheClient, IotCredentials) {
  test::TempDir dir;
  test::TestCertificateAuthority server_ca{dir.path(), "server-ca"};
  test::TestCertificate server_cert = server_ca.issue_localhost_server("server");
  test::TestCertificateAuthority device_ca{dir.path(), "device-ca"};
  test::CertificateSpec spec;
  spec.common_name = "truck-0042";
  spec.client = true;
  test::TestCertificate device_cert = device_ca.issue("device", spec);
  test::TlsTestServerOptions server_options;
  server_options.cert_file = server_cert.cert_file.string();
  server_options.key_file = server_cert.key_file.string();
  server_options.client_ca_file = device_ca.certificate().cert_file.string();
  test::TlsTestServer server(server_options, [](const test::TestRequest&) {
    test::TestReply reply;
    reply.headers = {{"Content-Type", "application/json"}};
    reply.body = nlohmann::json{{"credentials",
                                 {{"accessKeyId", "ASIAIOTEXAMPLE"},
                                  {"secretAccessKey", std::string(kSecret)},
                                  {"sessionToken", kToken},
                                  {"expiration", "2099-01-01T00:00:00Z"}}}}
                     .dump();
    return reply;
  });
  IotCredentialsOptions options;
  options.endpoint = "127.0.0.1:" + std::to_string(server.port());
  options.role_alias = "canhose-delivery";
  options.thing_name = "truck-0042";
  options.cert_file = device_cert.cert_file.string();
  options.key_file = device_cert.key_file.string();
  options.ca_file = server_ca.certificate().cert_file.string();
  options.proxy = "none";
  options.timeouts.request = seconds(5);
  asio::io_context io;
  IotCredentialsProvider provider(io.get_executor(), options);
  std::string authorization;
  const std::string shown = error_seen_by_delivery(io, provider, authorization);
  expect_no_credentials_in(shown, kSecret, kToken, authorization);
}

}  // namespace
}  // namespace canhose::aws
