#pragma once
// One request/response exchange of HttpsTransport: the "session object per request" of
// Beast's async-ssl example. It takes a pooled connection or opens a new one (resolve ->
// connect -> proxy CONNECT -> TLS handshake, each phase under its own deadline), writes
// the request, reads the response within the body/header limits, hands a reusable
// connection back to the pool and calls `done` exactly once, on the executor.
//
// A request that fails on a reused connection before any byte of the response arrived
// (the server closed a keep-alive connection we still believed in) is retried once on a
// fresh connection; anything else is reported, never retried here.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/beast/http.hpp>
#include "asio/asio.hpp"

#include "https/connection_pool.hpp"
#include "https/http_transport.hpp"
#include "https/https_connection.hpp"
#include "https/https_transport_options.hpp"
#include "https/proxy_settings.hpp"
#include "https/tls_context.hpp"

namespace canhose::https {

class HttpsExchange : public std::enable_shared_from_this<HttpsExchange> {
 public:
  // What every exchange of one transport shares. Held by shared_ptr so exchanges in
  // flight outlive the transport that started them.
  struct Shared {
    asio::any_io_executor executor;
    HttpsTransportOptions options;
    std::shared_ptr<TlsContext> tls;
    ProxySettings proxy;
    std::shared_ptr<ConnectionPool> pool;
  };

  HttpsExchange(std::shared_ptr<Shared> shared, Endpoint endpoint, HttpRequest request,
                std::shared_ptr<const std::string> body, std::function<void(HttpResult)> done);

  void start();
  // Aborts the exchange: `done` gets operation_aborted (if it was not called yet).
  void cancel();

 private:
  // The body is written straight from the caller's shared string (no copy).
  using Request = boost::beast::http::request<boost::beast::http::span_body<const char>>;
  using ResponseParser = boost::beast::http::response_parser<boost::beast::http::string_body>;

  void open_connection();
  void on_resolved(boost::system::error_code ec, asio::ip::tcp::resolver::results_type results);
  void connect_to(std::vector<asio::ip::tcp::endpoint> endpoints);
  std::string resolve_what() const;
  void on_connected(boost::system::error_code ec);
  void send_proxy_connect();
  void on_proxy_response(boost::system::error_code ec);
  void start_handshake();
  void send_request();
  void on_written(boost::system::error_code ec);
  void on_header(boost::system::error_code ec);
  void on_read(boost::system::error_code ec);

  // Ends the exchange with an error in `phase`; `what` names the failing step.
  void fail(HttpPhase phase, boost::system::error_code ec, const std::string& what);
  void finish(HttpResult result);
  bool retry_on_fresh_connection(boost::system::error_code ec);
  std::string authority() const;  // "host:port" of the endpoint, IPv6 in brackets
  std::string timeout_text(base::Duration d) const;

  std::shared_ptr<Shared> shared_;
  Endpoint endpoint_;
  HttpRequest signable_;
  std::shared_ptr<const std::string> body_;  // request_'s body views it; null once finished
  Request request_;
  std::function<void(HttpResult)> done_;
  const ProxyAddress* proxy_ = nullptr;  // points into shared_->proxy
  bool tls_ = true;
  bool loopback_only_ = false;

  std::shared_ptr<HttpsConnection> connection_;
  bool reused_ = false;
  bool retried_ = false;
  bool finished_ = false;
  bool cancelled_ = false;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer resolve_timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<ResponseParser> parser_;
  // The proxy's answer to CONNECT. Its body is never read (a 200 has none).
  std::optional<boost::beast::http::response_parser<boost::beast::http::empty_body>> proxy_parser_;
  boost::beast::http::request<boost::beast::http::empty_body> proxy_request_;
  std::chrono::steady_clock::time_point sent_at_;
};

}  // namespace canhose::https
