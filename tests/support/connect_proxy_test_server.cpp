#include "support/connect_proxy_test_server.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include "asio/asio.hpp"

#include <array>

namespace canhose::test {
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

struct ConnectProxyTestServer::Impl {
  std::string required_authorization;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  mutable std::mutex mutex;
  std::vector<ProxyConnectRecord> records;
  std::vector<std::weak_ptr<tcp::socket>> sockets;
  void accept();
};

namespace {

// Relays bytes from one socket to the other until either side closes.
void relay(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
  auto buffer = std::make_shared<std::array<char, 16384>>();
  from->async_read_some(asio::buffer(*buffer), [from, to, buffer](error_code ec, std::size_t n) {
    if (ec) {
      error_code ignored;
      to->shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    asio::async_write(*to, asio::buffer(*buffer, n),
                      [from, to, buffer](error_code wec, std::size_t) {
                        if (wec) {
                          error_code ignored;
                          from->close(ignored);
                          return;
                        }
                        relay(from, to);
                      });
  });
}

struct ProxySession : std::enable_shared_from_this<ProxySession> {
  ProxySession(ConnectProxyTestServer::Impl& server, tcp::socket socket)
      : server_(server),
        client_(std::make_shared<tcp::socket>(std::move(socket))),
        upstream_(std::make_shared<tcp::socket>(server.io)) {
    server_.sockets.push_back(client_);
    server_.sockets.push_back(upstream_);
  }

  void start() {
    http::async_read(*client_, buffer_, request_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (!ec) {
                         self->on_request();
                       }
                     });
  }

  void on_request() {
    ProxyConnectRecord record;
    record.target = std::string(request_.target());
    if (auto it = request_.find(http::field::proxy_authorization); it != request_.end()) {
      record.authorization = std::string(it->value());
    }
    unsigned status = 200;
    std::uint16_t port = 0;
    auto colon = record.target.rfind(':');
    if (request_.method() != http::verb::connect || colon == std::string::npos) {
      status = 400;
    } else if (!server_.required_authorization.empty() &&
               record.authorization != server_.required_authorization) {
      status = 407;
    } else {
      port = static_cast<std::uint16_t>(std::stoi(record.target.substr(colon + 1)));
    }
    record.answered = status;
    {
      std::lock_guard lock(server_.mutex);
      server_.records.push_back(record);
    }
    if (status != 200) {
      return answer(status);
    }
    // Tests only: every tunnel goes to this machine's loopback, whatever host was named.
    upstream_->async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
        [self = shared_from_this()](error_code ec) { self->answer(ec ? 502 : 200); });
  }

  void answer(unsigned status) {
    answer_ = "HTTP/1.1 " + std::to_string(status) +
              (status == 200 ? " Connection established\r\n\r\n"
                             : " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    asio::async_write(*client_, asio::buffer(answer_),
                      [self = shared_from_this(), status](error_code ec, std::size_t) {
                        if (ec || status != 200) {
                          error_code ignored;
                          self->client_->close(ignored);
                          return;
                        }
                        relay(self->client_, self->upstream_);
                        relay(self->upstream_, self->client_);
                      });
  }

  ConnectProxyTestServer::Impl& server_;
  std::shared_ptr<tcp::socket> client_;
  std::shared_ptr<tcp::socket> upstream_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  std::string answer_;
};

}  // namespace

void ConnectProxyTestServer::Impl::accept() {
  acceptor.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec) {
      return;
    }
    std::make_shared<ProxySession>(*this, std::move(socket))->start();
    accept();
  });
}

ConnectProxyTestServer::ConnectProxyTestServer(std::string required_authorization)
    : impl_(std::make_shared<Impl>()) {
  impl_->required_authorization = std::move(required_authorization);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  thread_ = std::thread([impl = impl_] { impl->io.run(); });
}

ConnectProxyTestServer::~ConnectProxyTestServer() {
  asio::post(impl_->io, [impl = impl_] {
    error_code ignored;
    impl->acceptor.close(ignored);
    for (auto& weak : impl->sockets) {
      if (auto socket = weak.lock()) {
        socket->close(ignored);
      }
    }
    impl->io.stop();
  });
  thread_.join();
}

std::vector<ProxyConnectRecord> ConnectProxyTestServer::connects() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->records;
}

}  // namespace canhose::test
