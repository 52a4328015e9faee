#include "support/tls_test_server.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include "asio/asio.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <future>
#include <optional>
#include <set>

namespace canhose::test {
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

const std::string* TestRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return &value;
    }
  }
  return nullptr;
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
};

struct TlsTestServer::Impl {
  TlsTestServerOptions options;
  Handler handler;
  asio::io_context io;
  asio::ssl::context ssl{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> handshakes_failed{0};
  mutable std::mutex mutex;
  std::vector<TestRequest> requests;
  // Sessions waiting for their next request, and every live session (for shutdown).
  std::set<std::shared_ptr<SessionBase>> idle;
  std::vector<std::weak_ptr<SessionBase>> all;
  std::vector<std::shared_ptr<tcp::socket>> stalled;

  void accept();
};

namespace {

void reset(tcp::socket& socket) {
  error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(TlsTestServer::Impl& server, Stream stream, std::uint64_t id)
      : server_(server), stream_(std::move(stream)), timer_(server.io), id_(id) {}

  void start() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      stream_.async_handshake(
          asio::ssl::stream_base::server, [self = this->shared_from_this()](error_code ec) {
            if (ec) {
              ++self->server_.handshakes_failed;
              return self->close();
            }
            X509* peer = SSL_get1_peer_certificate(self->stream_.native_handle());
            if (peer != nullptr) {
              char text[512];
              X509_NAME_oneline(X509_get_subject_name(peer), text, sizeof text);
              self->subject_ = text;
              X509_free(peer);
            }
            self->read();
          });
    } else {
      read();
    }
  }

  void close() override {
    error_code ignored;
    tcp_socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp_socket().close(ignored);
  }

 private:
  tcp::socket& tcp_socket() { return beast::get_lowest_layer(stream_).socket(); }

  void read() {
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    server_.idle.insert(this->shared_from_this());
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](error_code ec, std::size_t) {
                       self->server_.idle.erase(self);
                       if (ec) {
                         return self->close();
                       }
                       self->on_request();
                     });
  }

  void on_request() {
    auto message = parser_->release();
    TestRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.connection_id = id_;
    request.index_on_connection = ++served_;
    request.client_subject = subject_;
    request_keep_alive_ = message.keep_alive();
    reply_ = server_.handler(request);
    {
      std::lock_guard lock(server_.mutex);
      server_.requests.push_back(std::move(request));
    }
    if (reply_.delay.count() > 0) {
      timer_.expires_after(reply_.delay);
      timer_.async_wait([self = this->shared_from_this()](error_code) { self->act(); });
    } else {
      act();
    }
  }

  void act() {
    switch (reply_.action) {
      case TestReply::Action::close_without_response:
        return close();
      case TestReply::Action::reset_without_response:
        return reset(tcp_socket());
      case TestReply::Action::partial_then_reset:
        return send_partial();
      case TestReply::Action::respond:
        break;
    }
    response_ = {};
    response_.version(11);
    response_.result(reply_.status);
    for (const auto& [name, value] : reply_.headers) {
      response_.insert(name, value);
    }
    response_.body() = reply_.body;
    response_.keep_alive(reply_.keep_alive && request_keep_alive_);
    response_.prepare_payload();
    if (response_.keep_alive()) {
      // Idle from the client's point of view as soon as it can have the whole response:
      // a client may send its next request before this write's handler has run.
      server_.idle.insert(this->shared_from_this());
    }
    http::async_write(stream_, response_,
                      [self = this->shared_from_this()](error_code ec, std::size_t) {
                        if (ec || !self->response_.keep_alive()) {
                          return self->close();
                        }
                        self->read();
                      });
  }

  void send_partial() {
    partial_ = "HTTP/1.1 " + std::to_string(reply_.status) +
               " OK\r\nContent-Length: " + std::to_string(reply_.body.size()) + "\r\n\r\n" +
               reply_.body.substr(0, reply_.body.size() / 2);
    asio::async_write(
        stream_, asio::buffer(partial_),
        [self = this->shared_from_this()](error_code, std::size_t) { reset(self->tcp_socket()); });
  }

  TlsTestServer::Impl& server_;
  Stream stream_;
  asio::steady_timer timer_;
  std::uint64_t id_;
  std::uint64_t served_ = 0;
  std::string subject_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  TestReply reply_;
  bool request_keep_alive_ = true;
  std::string partial_;
};

}  // namespace

void TlsTestServer::Impl::accept() {
  acceptor.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec) {
      return;  // acceptor closed
    }
    const std::uint64_t id = ++accepted;
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // as real servers do
    if (options.stall_handshake) {
      stalled.push_back(std::make_shared<tcp::socket>(std::move(socket)));
    } else if (options.tls) {
      auto session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          *this, beast::ssl_stream<beast::tcp_stream>(std::move(socket), ssl), id);
      all.push_back(session);
      session->start();
    } else {
      auto session = std::make_shared<Session<beast::tcp_stream>>(
          *this, beast::tcp_stream(std::move(socket)), id);
      all.push_back(session);
      session->start();
    }
    accept();
  });
}

TlsTestServer::TlsTestServer(TlsTestServerOptions options, Handler handler)
    : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  if (impl_->options.tls) {
    SSL_CTX_set_min_proto_version(impl_->ssl.native_handle(), TLS1_2_VERSION);
    impl_->ssl.use_certificate_chain_file(impl_->options.cert_file);
    impl_->ssl.use_private_key_file(impl_->options.key_file, asio::ssl::context::pem);
    if (!impl_->options.client_ca_file.empty()) {
      impl_->ssl.load_verify_file(impl_->options.client_ca_file);
      impl_->ssl.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
  }
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  thread_ = std::thread([impl = impl_] { impl->io.run(); });
}

TlsTestServer::~TlsTestServer() {
  asio::post(impl_->io, [impl = impl_] {
    error_code ignored;
    impl->acceptor.close(ignored);
    for (auto& weak : impl->all) {
      if (auto session = weak.lock()) {
        session->close();
      }
    }
    for (auto& socket : impl->stalled) {
      socket->close(ignored);
    }
    impl->idle.clear();
    impl->io.stop();
  });
  thread_.join();
}

std::uint64_t TlsTestServer::connections_accepted() const {
  return impl_->accepted.load();
}
std::uint64_t TlsTestServer::handshakes_failed() const {
  return impl_->handshakes_failed.load();
}

std::vector<TestRequest> TlsTestServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

void TlsTestServer::close_idle_connections() {
  std::promise<void> done;
  asio::post(impl_->io, [impl = impl_, &done] {
    for (const auto& session : impl->idle) {
      session->close();
    }
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace canhose::test
