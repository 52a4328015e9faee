#include "metrics/metrics_server.hpp"

#include <charconv>
#include <stdexcept>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "log/logger.hpp"
#include "metrics/tcp_listen.hpp"

namespace canhose::metrics {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxRequestBytes = 8 * 1024;

}  // namespace

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error) {
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "expected [ipv6]:port such as [::1]:9464";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      error = "expected address:port such as 127.0.0.1:9464";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    error = "the port must be a number from 0 to 65535";
    return std::nullopt;
  }
  boost::system::error_code address_error;
  asio::ip::make_address(std::string(host), address_error);
  if (address_error) {
    error = "\"" + std::string(host) + "\" is not an IP address (host names are not accepted here)";
    return std::nullopt;
  }
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

// One connection: read requests, answer them, until the client closes or times out.
class MetricsServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(MetricsServer& server, tcp::socket socket, asio::ip::address peer, std::uint64_t number)
      : server_(server), stream_(std::move(socket)), peer_(std::move(peer)), number_(number) {}

  void run() { read(); }
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  const asio::ip::address& peer() const { return peer_; }
  // Accept order: a lower number is an older connection.
  std::uint64_t number() const { return number_; }
  // True from accepting (or the end of a response) until a whole request has arrived:
  // such a connection may be replaced by a new one when the limits are reached.
  bool waiting_for_request() const { return waiting_; }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(kMaxRequestBytes);
    parser_->body_limit(kMaxRequestBytes);
    waiting_ = true;
    stream_.expires_after(server_.options_.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    waiting_ = false;
    if (ec) {
      if (ec == beast::error::timeout) {
        ++server_.counters_.request_timeouts;
      }
      finish();
      return;
    }
    const auto& request = parser_->get();
    auto response = std::make_shared<http::response<http::string_body>>();
    response->version(request.version());
    response->keep_alive(request.keep_alive());
    response->set(http::field::server, "canhose");
    const std::string_view target(request.target().data(), request.target().size());
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      response->result(http::status::method_not_allowed);
      response->set(http::field::allow, "GET, HEAD");
      response->body() = "only GET is supported\n";
    } else if (target == "/metrics" || target.rfind("/metrics?", 0) == 0) {
      response->result(http::status::ok);
      response->set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response->body() = server_.registry_.render();
    } else {
      response->result(http::status::not_found);
      response->body() = "canhose metrics are at /metrics\n";
    }
    if (request.method() == http::verb::head) {
      response->content_length(response->body().size());
      response->body().clear();
    } else {
      response->prepare_payload();
    }
    stream_.expires_after(server_.options_.write_timeout);
    http::async_write(
        stream_, *response,
        [self = shared_from_this(), response](beast::error_code write_ec, std::size_t) {
          if (write_ec || !response->keep_alive()) {
            self->finish();
            return;
          }
          self->read();
        });
  }

  void finish() {
    close();
    server_.sessions_.forget(this);
  }

  MetricsServer& server_;
  beast::tcp_stream stream_;
  asio::ip::address peer_;
  std::uint64_t number_;
  bool waiting_ = true;
  beast::flat_buffer buffer_{kMaxRequestBytes};
  std::optional<http::request_parser<http::string_body>> parser_;
};

MetricsServer::MetricsServer(asio::io_context& io, const MetricRegistry& registry,
                             ListenAddress address, MetricsServerOptions options)
    : io_(io),
      registry_(registry),
      address_(std::move(address)),
      options_(options),
      acceptor_(io),
      sessions_(options_.max_connections, options_.max_connections_per_address) {}

MetricsServer::~MetricsServer() {
  for (const auto& s : sessions_.all()) {
    s->close();
  }
}

void MetricsServer::start() {
  const tcp::endpoint endpoint(asio::ip::make_address(address_.host), address_.port);
  listen_tcp(acceptor_, endpoint,
             address_.host + ":" + std::to_string(address_.port) + " for metrics.listen");
  bound_port_ = acceptor_.local_endpoint().port();
  log::info("metrics", "Prometheus metrics at http://", endpoint.address().is_v6() ? "[" : "",
            address_.host, endpoint.address().is_v6() ? "]" : "", ":", bound_port_, "/metrics");
  accept();
}

void MetricsServer::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
      return;
    }
    if (!ec) {
      beast::error_code peer_error;
      const tcp::endpoint peer = socket.remote_endpoint(peer_error);
      if (peer_error || !sessions_.admit(peer.address(), counters_)) {
        beast::error_code ignored;
        socket.close(ignored);  // refused (or already gone): close rather than queue
      } else {
        auto session = std::make_shared<Session>(*this, std::move(socket), peer.address(),
                                                 next_session_number_++);
        sessions_.add(session);
        session->run();
      }
    } else {
      log::warning("metrics", "accept failed: ", ec.message());
    }
    accept();
  });
}

void MetricsServer::collect_metrics(std::vector<MetricFamily>& out) const {
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  out.push_back({"canhose_metrics_connections",
                 "connections open to the metrics endpoint",
                 MetricType::gauge,
                 {{{}, d(sessions_.size())}}});
  out.push_back({"canhose_metrics_connections_refused_total",
                 "connections closed at once: over a limit with no idle connection to replace",
                 MetricType::counter,
                 {{{{"reason", "connection_limit"}}, d(counters_.refused_connection_limit)},
                  {{{"reason", "per_address_limit"}}, d(counters_.refused_per_address_limit)}}});
  out.push_back({"canhose_metrics_connections_closed_total",
                 "connections the server closed before the client did",
                 MetricType::counter,
                 {{{{"reason", "replaced_while_waiting"}}, d(counters_.replaced_while_waiting)},
                  {{{"reason", "request_timeout"}}, d(counters_.request_timeouts)}}});
}

void MetricsServer::async_stop(std::chrono::steady_clock::time_point, std::function<void()> done) {
  beast::error_code ignored;
  acceptor_.close(ignored);
  for (const auto& s : sessions_.all()) {
    s->close();
  }
  done();
}

}  // namespace canhose::metrics
