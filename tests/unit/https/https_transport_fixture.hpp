#pragma once
// The fixture of the HttpsTransport tests: a test CA with a certificate for localhost,
// the in-process TLS server's options, a request and a loop that runs until its answer.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "asio/asio.hpp"
#include "https/https_transport.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate_authority.hpp"
#include "support/tls_test_server.hpp"

namespace canhose::https {

using namespace std::chrono_literals;
using test::TestReply;
using test::TestRequest;
using test::TlsTestServer;
using test::TlsTestServerOptions;

inline TestReply ok_reply(std::string body = "{}") {
  TestReply reply;
  reply.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Test", "yes"}};
  reply.body = std::move(body);
  return reply;
}

class HttpsTransportTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::TestCertificateAuthority ca{dir.path(), "ca"};
  test::TestCertificate server_cert = ca.issue_localhost_server("server");
  asio::io_context io;

  HttpsTransportOptions options() const {
    HttpsTransportOptions o;
    o.tls.ca_file = ca.certificate().cert_file.string();
    o.proxy = "none";
    o.timeouts.resolve = 5s;
    o.timeouts.connect = 5s;
    o.timeouts.handshake = 5s;
    o.timeouts.request = 5s;
    return o;
  }

  TlsTestServerOptions server_options(const test::TestCertificate& cert) const {
    TlsTestServerOptions o;
    o.cert_file = cert.cert_file.string();
    o.key_file = cert.key_file.string();
    return o;
  }

  static Endpoint endpoint(std::uint16_t port, std::string host = "127.0.0.1",
                           std::string scheme = "https") {
    return Endpoint{std::move(scheme), std::move(host), port};
  }

  static HttpRequest request(const Endpoint& e) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/";
    r.headers = {{"Host", e.host + ":" + std::to_string(e.port)},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "Firehose_20150804.PutRecordBatch"}};
    return r;
  }

  // Sends one request and runs the loop until its answer (or a generous safety limit).
  HttpResult send(HttpsTransport& transport, const Endpoint& e, std::string body = "{\"a\":1}",
                  std::optional<HttpRequest> req = std::nullopt) {
    std::optional<HttpResult> result;
    transport.async_send(e, req ? *req : request(e), std::move(body),
                         [&result](HttpResult r) { result = std::move(r); });
    run_until([&] { return result.has_value(); });
    EXPECT_TRUE(result.has_value()) << "no answer within the safety limit";
    return result ? std::move(*result) : HttpResult{};
  }

  template <class Predicate>
  void run_until(Predicate done) {
    io.restart();
    const auto limit = std::chrono::steady_clock::now() + 20s;
    while (!done() && std::chrono::steady_clock::now() < limit) {
      io.run_one_for(100ms);
    }
  }
};

}  // namespace canhose::https
