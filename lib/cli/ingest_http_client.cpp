#include "cli/ingest_http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <optional>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "https/tls_context.hpp"

namespace canhose::cli {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using UnixStream = beast::basic_stream<asio::local::stream_protocol>;
using Failure = IngestReply::Failure;

// A PutRecordBatch answer of 500 records is about 50 KB.
constexpr std::uint64_t kMaxAnswerBytes = 1024 * 1024;

Failure failure_for(const beast::error_code& ec) {
  if (ec == asio::error::connection_refused || ec == asio::error::not_found ||
      ec == beast::errc::no_such_file_or_directory) {
    return Failure::unreachable;
  }
  if (ec == beast::errc::permission_denied) {
    return Failure::permission;
  }
  return ec == beast::error::timeout ? Failure::timeout : Failure::network;
}

// Before any byte of the answer: the server closed a kept-alive connection.
bool closed_by_peer(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

}  // namespace

class IngestHttpClient::Connection {
 public:
  virtual ~Connection() = default;
  // Sends `request` and reads `response`; `phase` names what failed.
  virtual beast::error_code exchange(http::request<http::string_body>& request,
                                     http::response<http::string_body>& response,
                                     const char*& phase) = 0;
};

namespace {

template <class Stream>
class StreamConnection final : public IngestHttpClient::Connection {
 public:
  template <class... Args>
  StreamConnection(asio::io_context& io, const IngestClientTimeouts& timeouts, Args&&... args)
      : io_(io), timeouts_(timeouts), stream_(std::forward<Args>(args)...) {}

  Stream& stream() { return stream_; }

  beast::error_code exchange(http::request<http::string_body>& request,
                             http::response<http::string_body>& response,
                             const char*& phase) override {
    beast::error_code result;
    auto& lowest = beast::get_lowest_layer(stream_);
    phase = "sending the request to";
    lowest.expires_after(timeouts_.write);
    http::async_write(stream_, request, [&](const beast::error_code& ec, std::size_t) {
      if (ec) {
        result = ec;
        return;
      }
      phase = "reading the answer from";
      lowest.expires_after(timeouts_.read);
      parser_.emplace();
      parser_->body_limit(kMaxAnswerBytes);
      http::async_read(stream_, buffer_, *parser_, [&](const beast::error_code& rec, std::size_t) {
        result = rec;
        if (!rec) {
          response = parser_->release();
        }
      });
    });
    io_.restart();
    io_.run();
    return result;
  }

 private:
  asio::io_context& io_;
  IngestClientTimeouts timeouts_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

// Runs one asynchronous phase to completion.
template <class Start>
beast::error_code run_phase(asio::io_context& io, Start start) {
  beast::error_code result;
  start([&result](const beast::error_code& ec) { result = ec; });
  io.restart();
  io.run();
  return result;
}

}  // namespace

IngestHttpClient::IngestHttpClient(const IngestEndpoint& endpoint,
                                   const IngestClientTimeouts& timeouts)
    : io_(1), endpoint_(endpoint), timeouts_(timeouts) {}

IngestHttpClient::~IngestHttpClient() = default;

std::unique_ptr<IngestHttpClient> IngestHttpClient::create(const IngestEndpoint& endpoint,
                                                           const IngestClientTimeouts& timeouts,
                                                           std::string& error) {
  std::unique_ptr<IngestHttpClient> client(new IngestHttpClient(endpoint, timeouts));
  if (endpoint.kind == IngestEndpoint::Kind::tls) {
    https::TlsOptions options;
    options.ca_file = endpoint.tls_cert.string();
    auto context = https::TlsContext::create(options, error);
    if (!context) {
      error = "ingest.tls_cert: " + error;
      return nullptr;
    }
    // The configured certificate is a trust anchor by itself, even when a CA issued it.
    X509_STORE_set_flags(SSL_CTX_get_cert_store(context->native().native_handle()),
                         X509_V_FLAG_PARTIAL_CHAIN);
    client->tls_ = std::make_unique<asio::ssl::context>(std::move(context->native()));
  }
  return client;
}

IngestReply IngestHttpClient::connect() {
  IngestReply reply;
  const std::string where = endpoint_.url();
  const auto fail = [&](const char* phase, const beast::error_code& ec) {
    reply.failure = failure_for(ec);
    reply.error = std::string(phase) + " " + where + " failed: " +
                  (ec == beast::error::timeout
                       ? "no answer within " + std::to_string(timeouts_.connect.count()) + " ms"
                       : ec.message());
    return reply;
  };
  if (endpoint_.kind == IngestEndpoint::Kind::unix_socket) {
    asio::local::stream_protocol::endpoint at;
    try {
      at = asio::local::stream_protocol::endpoint(endpoint_.socket.string());
    } catch (const boost::system::system_error& e) {
      return fail("connecting to", e.code());
    }
    auto c = std::make_unique<StreamConnection<UnixStream>>(io_, timeouts_, io_);
    c->stream().expires_after(timeouts_.connect);
    if (const auto ec = run_phase(io_, [&](auto done) { c->stream().async_connect(at, done); })) {
      return fail("connecting to", ec);
    }
    connection_ = std::move(c);
    return reply;
  }
  beast::error_code address_error;
  const auto ip = asio::ip::make_address(endpoint_.host, address_error);
  if (address_error) {
    return fail("connecting to", address_error);
  }
  const asio::ip::tcp::endpoint at(ip, endpoint_.port);
  if (endpoint_.kind == IngestEndpoint::Kind::tcp) {
    auto c = std::make_unique<StreamConnection<beast::tcp_stream>>(io_, timeouts_, io_);
    c->stream().expires_after(timeouts_.connect);
    if (const auto ec = run_phase(io_, [&](auto done) { c->stream().async_connect(at, done); })) {
      return fail("connecting to", ec);
    }
    connection_ = std::move(c);
    return reply;
  }
  auto c = std::make_unique<StreamConnection<TlsStream>>(io_, timeouts_, io_, *tls_);
  auto& tcp = beast::get_lowest_layer(c->stream());
  tcp.expires_after(timeouts_.connect);
  if (const auto ec = run_phase(io_, [&](auto done) { tcp.async_connect(at, done); })) {
    return fail("connecting to", ec);
  }
  if (const auto ec = run_phase(io_, [&](auto done) {
        c->stream().async_handshake(asio::ssl::stream_base::client, done);
      })) {
    fail("the TLS handshake with", ec);
    const std::string reason =
        https::TlsContext::verify_failure_reason(c->stream().native_handle());
    if (!reason.empty()) {
      reply.failure = Failure::tls;
      reply.error = "the TLS handshake with " + where +
                    " failed: the certificate it presented is not the one in ingest.tls_cert (" +
                    endpoint_.tls_cert.string() + "): " + reason;
    } else if (reply.failure == Failure::network) {
      reply.failure = Failure::tls;
    }
    return reply;
  }
  connection_ = std::move(c);
  return reply;
}

IngestReply IngestHttpClient::exchange(const https::HttpRequest& request) {
  http::request<http::string_body> out;
  out.method_string(request.method);
  out.target(request.query.empty() ? request.path : request.path + "?" + request.query);
  out.version(11);
  for (const auto& [name, value] : request.headers) {
    out.insert(name, value);
  }
  out.body() = std::string(request.payload);
  out.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    const bool reused = connection_ != nullptr;
    if (!reused) {
      IngestReply connected = connect();
      if (!connected.ok()) {
        return connected;
      }
    }
    http::response<http::string_body> in;
    const char* phase = "";
    const beast::error_code ec = connection_->exchange(out, in, phase);
    if (!ec) {
      IngestReply reply;
      reply.response.status = in.result_int();
      for (const auto& field : in) {
        reply.response.headers.emplace_back(std::string(field.name_string()),
                                            std::string(field.value()));
      }
      reply.response.body = std::move(in.body());
      if (!in.keep_alive()) {
        connection_.reset();
      }
      return reply;
    }
    connection_.reset();
    if (reused && attempt == 0 && closed_by_peer(ec)) {
      continue;  // closed while idle: once more on a new connection
    }
    IngestReply reply;
    reply.failure = failure_for(ec);
    reply.error = std::string(phase) + " " + endpoint_.url() + " failed: " +
                  (ec == beast::error::timeout ? std::string("timed out") : ec.message());
    return reply;
  }
}

}  // namespace canhose::cli
