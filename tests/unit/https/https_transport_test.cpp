// HttpsTransport against real peers on 127.0.0.1: the in-process Beast TLS server
// (tests/support/tls_test_server) with certificates generated for each test, and a real
// CONNECT proxy. Every fault is produced by the server, over real sockets.

#include "https/https_transport.hpp"

#include "https_transport_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include "asio/asio.hpp"

#include "log/logger.hpp"
#include "support/connect_proxy_test_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate_authority.hpp"
#include "support/tls_test_server.hpp"

namespace canhose::https {
namespace {

TEST_F(HttpsTransportTest, PostReachesServerAndResponseComesBack) {
  TlsTestServer server(server_options(server_cert),
                       [](const TestRequest& r) { return ok_reply("echo:" + r.body); });
  HttpsTransport transport(io.get_executor(), options());
  auto e = endpoint(server.port());
  HttpResult result = send(transport, e, "{\"Records\":[]}");

  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.response.status, 200u);
  EXPECT_EQ(result.response.body, "echo:{\"Records\":[]}");
  ASSERT_NE(result.response.header("x-test"), nullptr);
  EXPECT_EQ(*result.response.header("x-test"), "yes");
  EXPECT_LE(result.sent_at, result.received_at);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/");
  ASSERT_NE(seen[0].header("X-Amz-Target"), nullptr);
  EXPECT_EQ(*seen[0].header("X-Amz-Target"), "Firehose_20150804.PutRecordBatch");
  ASSERT_NE(seen[0].header("Host"), nullptr);
  EXPECT_EQ(*seen[0].header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  ASSERT_NE(seen[0].header("Content-Length"), nullptr);
  EXPECT_EQ(*seen[0].header("Content-Length"), "14");
}

// The body is written from the caller's string, and let go of before `done` runs: the
// caller may then build its next request in the same buffer.
TEST_F(HttpsTransportTest, TheSharedBodyIsReleasedBeforeDoneRuns) {
  TlsTestServer server(server_options(server_cert),
                       [](const TestRequest& r) { return ok_reply("echo:" + r.body); });
  HttpsTransport transport(io.get_executor(), options());
  auto e = endpoint(server.port());
  auto body = std::make_shared<const std::string>("{\"Records\":[1]}");
  std::optional<HttpResult> result;
  long holders = 0;
  transport.async_send(e, request(e), body, [&](HttpResult r) {
    holders = body.use_count();
    result = std::move(r);
  });
  run_until([&] { return result.has_value(); });
  ASSERT_TRUE(result && result->ok()) << (result ? result->message : "no answer");
  EXPECT_EQ(result->response.body, "echo:{\"Records\":[1]}");
  EXPECT_EQ(holders, 1);
}

TEST_F(HttpsTransportTest, QueryStringIsSentAsGiven) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  HttpsTransport transport(io.get_executor(), options());
  auto e = endpoint(server.port());
  auto r = request(e);
  r.method = "GET";
  r.path = "/role-aliases/a/credentials";
  r.query = "x=1&y=%2F";
  ASSERT_TRUE(send(transport, e, "", r).ok());
  EXPECT_EQ(server.requests().at(0).target, "/role-aliases/a/credentials?x=1&y=%2F");
}

TEST_F(HttpsTransportTest, HostNameEndpointGetsSniAndVerifiesAgainstDnsName) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  HttpsTransport transport(io.get_executor(), options());
  HttpResult result = send(transport, endpoint(server.port(), "localhost"));
  ASSERT_TRUE(result.ok()) << result.message;
}

TEST_F(HttpsTransportTest, KeptAliveConnectionIsReused) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  HttpsTransport transport(io.get_executor(), options());
  auto e = endpoint(server.port());
  for (int i = 0; i < 3; ++i) {
    HttpResult result = send(transport, e);
    ASSERT_TRUE(result.ok()) << result.message;
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(transport.idle_connections(), 1u);
  EXPECT_EQ(server.requests().back().index_on_connection, 3u);
}

TEST_F(HttpsTransportTest, PoolKeepsAtMostPoolSizeIdleConnections) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) {
    TestReply reply = ok_reply();
    reply.delay = 100ms;  // so the three requests overlap and need three connections
    return reply;
  });
  auto o = options();
  o.pool_size = 1;
  HttpsTransport transport(io.get_executor(), o);
  auto e = endpoint(server.port());
  int answered = 0;
  for (int i = 0; i < 3; ++i) {
    transport.async_send(e, request(e), "{}", [&answered](HttpResult r) {
      EXPECT_TRUE(r.ok()) << r.message;
      ++answered;
    });
  }
  run_until([&] { return answered == 3; });
  EXPECT_EQ(answered, 3);
  EXPECT_EQ(server.connections_accepted(), 3u);
  EXPECT_EQ(transport.idle_connections(), 1u);
}

TEST_F(HttpsTransportTest, PoolSizeZeroOpensAConnectionPerRequest) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  auto o = options();
  o.pool_size = 0;
  HttpsTransport transport(io.get_executor(), o);
  auto e = endpoint(server.port());
  ASSERT_TRUE(send(transport, e).ok());
  ASSERT_TRUE(send(transport, e).ok());
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(transport.idle_connections(), 0u);
}

TEST_F(HttpsTransportTest, ServerConnectionCloseHeaderIsHonoured) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) {
    TestReply reply = ok_reply();
    reply.keep_alive = false;
    return reply;
  });
  HttpsTransport transport(io.get_executor(), options());
  auto e = endpoint(server.port());
  ASSERT_TRUE(send(transport, e).ok());
  ASSERT_TRUE(send(transport, e).ok());
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST_F(HttpsTransportTest, IdleConnectionClosedByServerIsNotReused) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  HttpsTransport transport(io.get_executor(), options());
  auto e = endpoint(server.port());
  ASSERT_TRUE(send(transport, e).ok());
  server.close_idle_connections();
  std::this_thread::sleep_for(50ms);  // let the FIN arrive
  HttpResult result = send(transport, e);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(server.connections_accepted(), 2u);
  // The dead connection was spotted before use: the server saw no lost request.
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(HttpsTransportTest, IdleConnectionOlderThanIdleTimeoutIsClosed) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  auto o = options();
  o.idle_timeout = 100ms;
  HttpsTransport transport(io.get_executor(), o);
  auto e = endpoint(server.port());
  ASSERT_TRUE(send(transport, e).ok());
  EXPECT_EQ(transport.idle_connections(), 1u);
  run_until([&] { return transport.idle_connections() == 0; });
  EXPECT_EQ(transport.idle_connections(), 0u);
  ASSERT_TRUE(send(transport, e).ok());
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST_F(HttpsTransportTest, RequestDroppedOnReusedConnectionIsRetriedOnceOnAFreshOne) {
  // The race every keep-alive client meets: the server gives up on the connection just
  // as our next request arrives, and closes it without answering.
  TlsTestServer server(server_options(server_cert), [](const TestRequest& r) {
    TestReply reply = ok_reply();
    if (r.index_on_connection == 2) {
      reply.action = TestReply::Action::close_without_response;
    }
    return reply;
  });
  HttpsTransport transport(io.get_executor(), options());
  auto e = endpoint(server.port());
  ASSERT_TRUE(send(transport, e).ok());
  HttpResult result = send(transport, e);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(server.connections_accepted(), 2u);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].connection_id, 2u);
  EXPECT_EQ(seen[2].index_on_connection, 1u);
}

TEST_F(HttpsTransportTest, RequestDroppedOnFreshConnectionIsNotRetried) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) {
    TestReply reply;
    reply.action = TestReply::Action::close_without_response;
    return reply;
  });
  HttpsTransport transport(io.get_executor(), options());
  HttpResult result = send(transport, endpoint(server.port()));
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.phase, HttpPhase::read);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(HttpsTransportTest, ResetWithoutResponseIsReportedAsReadFailure) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) {
    TestReply reply;
    reply.action = TestReply::Action::reset_without_response;
    return reply;
  });
  HttpsTransport transport(io.get_executor(), options());
  HttpResult result = send(transport, endpoint(server.port()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.phase, HttpPhase::read);
  EXPECT_EQ(result.error, std::error_code(boost::system::error_code(asio::error::connection_reset)))
      << result.message;
  EXPECT_NE(result.message.find("read response from 127.0.0.1:"), std::string::npos);
}

TEST_F(HttpsTransportTest, ResetInTheMiddleOfAResponseIsNotRetriedEvenOnAReusedConnection) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest& r) {
    TestReply reply = ok_reply(std::string(2000, 'x'));
    if (r.index_on_connection == 2) {
      reply.action = TestReply::Action::partial_then_reset;
    }
    return reply;
  });
  HttpsTransport transport(io.get_executor(), options());
  auto e = endpoint(server.port());
  ASSERT_TRUE(send(transport, e).ok());
  HttpResult result = send(transport, e);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.phase, HttpPhase::read);
  // Part of an answer came back: the server may have acted on it, so no blind resend.
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(HttpsTransportTest, CertificateFromAnUntrustedCaIsRejectedWithTheReason) {
  test::TestCertificateAuthority other(dir.path(), "other-ca");
  auto foreign = other.issue_localhost_server("foreign");
  TlsTestServer server(server_options(foreign), [](const TestRequest&) { return ok_reply(); });
  HttpsTransport transport(io.get_executor(), options());
  HttpResult result = send(transport, endpoint(server.port()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.phase, HttpPhase::tls_handshake);
  EXPECT_NE(result.message.find("unable to get local issuer certificate"), std::string::npos)
      << result.message;
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpsTransportTest, SystemStoreDoesNotTrustTheTestCa) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  auto o = options();
  o.tls.ca_file.clear();  // the system store
  HttpsTransport transport(io.get_executor(), o);
  HttpResult result = send(transport, endpoint(server.port()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.phase, HttpPhase::tls_handshake);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpsTransportTest, CertificateForAnotherHostNameIsRejected) {
  test::CertificateSpec spec;
  spec.common_name = "wrong.example";
  spec.dns_names = {"wrong.example"};
  auto wrong = ca.issue("wrong-host", spec);
  TlsTestServer server(server_options(wrong), [](const TestRequest&) { return ok_reply(); });
  HttpsTransport transport(io.get_executor(), options());

  HttpResult by_name = send(transport, endpoint(server.port(), "localhost"));
  ASSERT_FALSE(by_name.ok());
  EXPECT_EQ(by_name.phase, HttpPhase::tls_handshake);
  EXPECT_NE(by_name.message.find("hostname mismatch"), std::string::npos) << by_name.message;

  HttpResult by_address = send(transport, endpoint(server.port(), "127.0.0.1"));
  ASSERT_FALSE(by_address.ok());
  EXPECT_NE(by_address.message.find("IP address mismatch"), std::string::npos)
      << by_address.message;
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpsTransportTest, ExpiredCertificateIsRejected) {
  test::CertificateSpec spec;
  spec.common_name = "localhost";
  spec.ip_addresses = {"127.0.0.1"};
  spec.not_before = -48h;
  spec.not_after = -24h;
  auto expired = ca.issue("expired", spec);
  TlsTestServer server(server_options(expired), [](const TestRequest&) { return ok_reply(); });
  HttpsTransport transport(io.get_executor(), options());
  HttpResult result = send(transport, endpoint(server.port()));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.message.find("certificate has expired"), std::string::npos) << result.message;
}

TEST_F(HttpsTransportTest, SlowResponseTimesOutInTheRequestPhase) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) {
    TestReply reply = ok_reply();
    reply.delay = 2s;
    return reply;
  });
  auto o = options();
  o.timeouts.request = 200ms;
  HttpsTransport transport(io.get_executor(), o);
  HttpResult result = send(transport, endpoint(server.port()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error, std::make_error_code(std::errc::timed_out));
  EXPECT_EQ(result.phase, HttpPhase::read);
  EXPECT_NE(result.message.find("timed out after 200ms"), std::string::npos) << result.message;
}

TEST_F(HttpsTransportTest, StalledHandshakeTimesOutInTheHandshakePhase) {
  auto so = server_options(server_cert);
  so.stall_handshake = true;
  TlsTestServer server(so, [](const TestRequest&) { return ok_reply(); });
  auto o = options();
  o.timeouts.handshake = 200ms;
  HttpsTransport transport(io.get_executor(), o);
  HttpResult result = send(transport, endpoint(server.port()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error, std::make_error_code(std::errc::timed_out));
  EXPECT_EQ(result.phase, HttpPhase::tls_handshake);
  EXPECT_NE(result.message.find("TLS handshake timed out after 200ms"), std::string::npos)
      << result.message;
}

TEST_F(HttpsTransportTest, RefusedConnectionIsReportedInTheConnectPhase) {
  std::uint16_t closed_port = 0;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  HttpsTransport transport(io.get_executor(), options());
  HttpResult result = send(transport, endpoint(closed_port));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.phase, HttpPhase::connect);
  EXPECT_EQ(result.error,
            std::error_code(boost::system::error_code(asio::error::connection_refused)))
      << result.message;
}

TEST_F(HttpsTransportTest, PlainHttpToLoopbackWorks) {
  auto so = server_options(server_cert);
  so.tls = false;
  TlsTestServer server(so, [](const TestRequest&) { return ok_reply("plain"); });
  HttpsTransport transport(io.get_executor(), options());
  HttpResult result = send(transport, endpoint(server.port(), "127.0.0.1", "http"));
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.response.body, "plain");
}

TEST_F(HttpsTransportTest, PlainHttpToOtherHostsIsRefusedWithoutTouchingTheNetwork) {
  HttpsTransport transport(io.get_executor(), options());
  bool called = false;
  HttpResult result;
  Endpoint e{"http", "firehose.eu-west-1.amazonaws.com", 80};
  transport.async_send(e, request(e), "{}", [&](HttpResult r) {
    called = true;
    result = std::move(r);
  });
  EXPECT_FALSE(called) << "done must never run inside async_send";
  run_until([&] { return called; });
  ASSERT_TRUE(called);
  EXPECT_EQ(result.error, std::make_error_code(std::errc::operation_not_permitted));
  EXPECT_NE(result.message.find("only to loopback"), std::string::npos) << result.message;
}

TEST_F(HttpsTransportTest, RequestWithoutHostHeaderIsRefused) {
  HttpsTransport transport(io.get_executor(), options());
  Endpoint e = endpoint(1);
  HttpRequest r = request(e);
  r.headers.erase(r.headers.begin());
  HttpResult result = send(transport, e, "{}", r);
  EXPECT_EQ(result.error, std::make_error_code(std::errc::invalid_argument));
}

TEST_F(HttpsTransportTest, ResponseBodyOverTheLimitFailsClearly) {
  TlsTestServer server(server_options(server_cert),
                       [](const TestRequest&) { return ok_reply(std::string(8192, 'x')); });
  auto o = options();
  o.max_response_body = 4096;
  HttpsTransport transport(io.get_executor(), o);
  HttpResult result = send(transport, endpoint(server.port()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error,
            std::error_code(boost::system::error_code(boost::beast::http::error::body_limit)));
  EXPECT_NE(result.message.find("4096-byte limit"), std::string::npos) << result.message;
}

TEST_F(HttpsTransportTest, ResponseHeaderOverTheLimitFailsClearly) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) {
    TestReply reply = ok_reply();
    reply.headers.emplace_back("X-Big", std::string(4096, 'h'));
    return reply;
  });
  auto o = options();
  o.max_response_header = 1024;
  HttpsTransport transport(io.get_executor(), o);
  HttpResult result = send(transport, endpoint(server.port()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error,
            std::error_code(boost::system::error_code(boost::beast::http::error::header_limit)));
}

TEST_F(HttpsTransportTest, CloseAbortsRequestsInFlight) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) {
    TestReply reply = ok_reply();
    reply.delay = 3s;
    return reply;
  });
  HttpsTransport transport(io.get_executor(), options());
  std::optional<HttpResult> result;
  auto e = endpoint(server.port());
  transport.async_send(e, request(e), "{}", [&](HttpResult r) { result = std::move(r); });
  asio::steady_timer timer(io, 200ms);
  timer.async_wait([&](boost::system::error_code) { transport.close(); });
  run_until([&] { return result.has_value(); });
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error,
            std::error_code(boost::system::error_code(asio::error::operation_aborted)))
      << result->message;
}

TEST_F(HttpsTransportTest, UnreadableCaFileIsAStartupError) {
  auto o = options();
  o.tls.ca_file = (dir.path() / "missing.pem").string();
  EXPECT_THROW(HttpsTransport(io.get_executor(), o), std::runtime_error);
}

class CapturingSink : public log::LogSink {
 public:
  void write(const log::LogRecord& record) override { text += std::string(record.message) + "\n"; }
  std::string text;
};

TEST_F(HttpsTransportTest, DebugLogNeverShowsAuthorizationOrSessionToken) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  auto sink = std::make_shared<CapturingSink>();
  log::logger().set_sink(sink);
  log::logger().set_level(log::Severity::debug);
  HttpsTransport transport(io.get_executor(), options());
  auto e = endpoint(server.port());
  auto r = request(e);
  r.query = "X-Amz-Signature=querysecret";
  r.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Signature=headersecret");
  r.headers.emplace_back("X-Amz-Security-Token", "tokensecret");
  ASSERT_TRUE(send(transport, e, "{}", r).ok());
  log::use_default_sink();
  EXPECT_NE(sink->text.find("POST https://127.0.0.1:"), std::string::npos) << sink->text;
  EXPECT_EQ(sink->text.find("headersecret"), std::string::npos);
  EXPECT_EQ(sink->text.find("tokensecret"), std::string::npos);
  EXPECT_EQ(sink->text.find("querysecret"), std::string::npos);
}

// The tunnel tests use a host name that never resolves here: only the proxy is looked
// up, as on a router that does DNS for its clients. The test proxy tunnels to 127.0.0.1.
class HttpsProxyTest : public HttpsTransportTest {
 protected:
  test::TestCertificate proxied_cert = [this] {
    test::CertificateSpec spec;
    spec.common_name = "firehose.proxied.test";
    spec.dns_names = {"firehose.proxied.test"};
    return ca.issue("proxied", spec);
  }();
};

TEST_F(HttpsProxyTest, RequestGoesThroughTheConnectTunnelWithBasicAuth) {
  TlsTestServer server(server_options(proxied_cert),
                       [](const TestRequest&) { return ok_reply("tunnelled"); });
  test::ConnectProxyTestServer proxy("Basic dXNlcjpwQHNz");  // user:p@ss
  auto o = options();
  o.proxy = "http://user:p%40ss@127.0.0.1:" + std::to_string(proxy.port());
  HttpsTransport transport(io.get_executor(), o);
  auto e = endpoint(server.port(), "firehose.proxied.test");
  HttpResult first = send(transport, e);
  ASSERT_TRUE(first.ok()) << first.message;
  EXPECT_EQ(first.response.body, "tunnelled");
  ASSERT_TRUE(send(transport, e).ok());
  auto connects = proxy.connects();
  ASSERT_EQ(connects.size(), 1u) << "the tunnel is kept alive and reused";
  EXPECT_EQ(connects[0].target, "firehose.proxied.test:" + std::to_string(server.port()));
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(HttpsProxyTest, ProxyRefusingCredentialsIsReportedWithoutThePassword) {
  test::ConnectProxyTestServer proxy("Basic c29tZW9uZTplbHNl");
  auto sink = std::make_shared<CapturingSink>();
  log::logger().set_sink(sink);
  log::logger().set_level(log::Severity::debug);
  auto o = options();
  o.proxy = "http://user:hunter2@127.0.0.1:" + std::to_string(proxy.port());
  HttpsTransport transport(io.get_executor(), o);
  HttpResult result = send(transport, endpoint(443, "firehose.proxied.test"));
  log::use_default_sink();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.phase, HttpPhase::proxy);
  EXPECT_EQ(result.error, std::make_error_code(std::errc::permission_denied));
  EXPECT_NE(result.message.find("407"), std::string::npos) << result.message;
  EXPECT_EQ(result.message.find("hunter2"), std::string::npos);
  EXPECT_EQ(sink->text.find("hunter2"), std::string::npos);
}

TEST_F(HttpsProxyTest, NoProxyEntryBypassesTheProxy) {
  TlsTestServer server(server_options(server_cert), [](const TestRequest&) { return ok_reply(); });
  test::ConnectProxyTestServer proxy;
  auto o = options();
  o.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  o.no_proxy = "example.com, localhost";
  HttpsTransport transport(io.get_executor(), o);
  ASSERT_TRUE(send(transport, endpoint(server.port(), "localhost")).ok());
  EXPECT_TRUE(proxy.connects().empty());
}

}  // namespace
}  // namespace canhose::https
