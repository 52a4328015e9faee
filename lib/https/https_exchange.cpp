#include "https/https_exchange.hpp"

#include <algorithm>
#include <cctype>

#include "https/redaction.hpp"
#include "log/logger.hpp"

namespace canhose::https {
namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Whether `host` is a loopback address literal ("localhost" is checked separately: it
// is held to loopback addresses after resolution).
bool is_loopback_literal(const std::string& host) {
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

// The failures that mean "the server had already closed this kept-alive connection".
bool is_stale_connection_error(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == asio::ssl::error::stream_truncated;
}

const char* phase_name(HttpPhase phase) {
  switch (phase) {
    case HttpPhase::none:
      return "request";
    case HttpPhase::resolve:
      return "resolve";
    case HttpPhase::connect:
      return "connect";
    case HttpPhase::proxy:
      return "proxy";
    case HttpPhase::tls_handshake:
      return "TLS handshake";
    case HttpPhase::write:
      return "write";
    case HttpPhase::read:
      return "read";
    case HttpPhase::timeout:
      return "timeout";
  }
  return "request";
}

}  // namespace

HttpsExchange::HttpsExchange(std::shared_ptr<Shared> shared, Endpoint endpoint, HttpRequest request,
                             std::shared_ptr<const std::string> body,
                             std::function<void(HttpResult)> done)
    : shared_(std::move(shared)),
      endpoint_(std::move(endpoint)),
      signable_(std::move(request)),
      done_(std::move(done)),
      resolver_(shared_->executor),
      resolve_timer_(shared_->executor) {
  request_.version(11);
  request_.method_string(signable_.method);
  request_.target(signable_.query.empty() ? signable_.path
                                          : signable_.path + "?" + signable_.query);
  for (const auto& [name, value] : signable_.headers) {
    request_.insert(name, value);
  }
  body_ = body ? std::move(body) : std::make_shared<const std::string>();
  request_.body() = {body_->data(), body_->size()};
  request_.prepare_payload();
  // The request keeps the header copies it sends; the HttpRequest is not needed
  // any more (its payload view pointed at the caller's body anyway).
  signable_.payload = {};
}

std::string HttpsExchange::authority() const {
  if (endpoint_.host.find(':') != std::string::npos) {
    return "[" + endpoint_.host + "]:" + std::to_string(endpoint_.port);
  }
  return endpoint_.host + ":" + std::to_string(endpoint_.port);
}

std::string HttpsExchange::timeout_text(base::Duration d) const {
  return base::format_duration(d);
}

void HttpsExchange::start() {
  sent_at_ = std::chrono::steady_clock::now();
  auto refuse = [this](std::errc code, std::string message) {
    // Never call `done` from inside async_send: post the failure.
    asio::post(shared_->executor, [self = shared_from_this(), code, message] {
      HttpResult result;
      result.error = std::make_error_code(code);
      result.phase = HttpPhase::none;
      result.message = message;
      self->finish(std::move(result));
    });
  };
  if (endpoint_.host.empty() || endpoint_.port == 0) {
    return refuse(std::errc::invalid_argument, "endpoint has no host or port");
  }
  const bool loopback = is_loopback_host(endpoint_.host);
  if (iequals(endpoint_.scheme, "https")) {
    tls_ = true;
  } else if (iequals(endpoint_.scheme, "http")) {
    if (!loopback) {
      return refuse(
          std::errc::operation_not_permitted,
          "plain http:// is allowed only to loopback hosts; use https:// for " + endpoint_.host);
    }
    tls_ = false;
  } else {
    return refuse(std::errc::protocol_not_supported,
                  "unsupported URL scheme '" + endpoint_.scheme + "'");
  }
  loopback_only_ = loopback && !is_loopback_literal(endpoint_.host);
  if (request_.method() == http::verb::unknown) {
    return refuse(std::errc::invalid_argument, "unknown HTTP method '" + signable_.method + "'");
  }
  if (request_.find(http::field::host) == request_.end()) {
    // The Host header is signed; adding one here would break the signature.
    return refuse(std::errc::invalid_argument, "request has no Host header");
  }
  // A proxy can never reach this machine's loopback, and plain http is loopback only.
  proxy_ = (tls_ && !loopback) ? shared_->proxy.proxy_for(endpoint_.host, endpoint_.port) : nullptr;

  std::string key = endpoint_.scheme + "://" + authority();
  if (proxy_ != nullptr) {
    key += " via " + proxy_->display();
  }
  connection_ = shared_->pool->acquire(key);
  if (connection_) {
    reused_ = true;
    // Continue on the executor, as a fresh connection would.
    asio::post(shared_->executor, [self = shared_from_this()] { self->send_request(); });
    return;
  }
  connection_ = std::make_shared<HttpsConnection>(shared_->executor, shared_->tls->native(), tls_,
                                                  std::move(key));
  open_connection();
}

void HttpsExchange::cancel() {
  if (finished_) {
    return;
  }
  cancelled_ = true;
  resolver_.cancel();
  resolve_timer_.cancel();
  if (connection_) {
    connection_->close();
  }
}

void HttpsExchange::open_connection() {
  const std::string& host = proxy_ != nullptr ? proxy_->host : endpoint_.host;
  const std::uint16_t port = proxy_ != nullptr ? proxy_->port : endpoint_.port;
  error_code not_literal;
  const asio::ip::address literal = asio::ip::make_address(host, not_literal);
  if (!not_literal) {
    // An address needs no resolver: getaddrinfo() would only hand it back, after a hop
    // through the resolver's thread.
    return connect_to({asio::ip::tcp::endpoint(literal, port)});
  }
  resolve_timer_.expires_after(shared_->options.timeouts.resolve);
  resolve_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec || self->finished_) {
      return;
    }
    // getaddrinfo() cannot be interrupted: cancelling the resolver only throws its answer
    // away whenever it comes. Fail now, so that a resolver that never answers (a DNS
    // server that drops queries, a stuck nsswitch module) cannot hold the request.
    self->resolver_.cancel();
    self->fail(HttpPhase::resolve, beast::error::timeout, self->resolve_what());
  });
  resolver_.async_resolve(
      host, std::to_string(port),
      [self = shared_from_this()](error_code ec, asio::ip::tcp::resolver::results_type results) {
        self->on_resolved(ec, std::move(results));
      });
}

std::string HttpsExchange::resolve_what() const {
  return proxy_ != nullptr ? "resolve proxy " + proxy_->host : "resolve " + endpoint_.host;
}

void HttpsExchange::on_resolved(error_code ec, asio::ip::tcp::resolver::results_type results) {
  if (finished_) {
    return;  // the resolve timed out (or the exchange was cancelled) before the answer
  }
  resolve_timer_.cancel();
  if (ec) {
    return fail(HttpPhase::resolve, ec, resolve_what());
  }
  std::vector<asio::ip::tcp::endpoint> endpoints;
  for (const auto& entry : results) {
    if (!loopback_only_ || entry.endpoint().address().is_loopback()) {
      endpoints.push_back(entry.endpoint());
    }
  }
  if (endpoints.empty()) {
    return fail(HttpPhase::resolve, asio::error::host_not_found,
                resolve_what() + " (plain http needs a loopback address)");
  }
  connect_to(std::move(endpoints));
}

void HttpsExchange::connect_to(std::vector<asio::ip::tcp::endpoint> endpoints) {
  connection_->tcp().expires_after(shared_->options.timeouts.connect);
  connection_->tcp().async_connect(
      endpoints, [self = shared_from_this()](error_code cec, const asio::ip::tcp::endpoint&) {
        self->on_connected(cec);
      });
}

void HttpsExchange::on_connected(error_code ec) {
  if (ec) {
    return fail(HttpPhase::connect, ec,
                "connect to " + (proxy_ != nullptr ? "proxy " + proxy_->display() : authority()));
  }
  error_code ignored;
  connection_->tcp().socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  if (proxy_ != nullptr) {
    return send_proxy_connect();
  }
  if (tls_) {
    return start_handshake();
  }
  send_request();
}

void HttpsExchange::send_proxy_connect() {
  proxy_request_ = {};
  proxy_request_.version(11);
  proxy_request_.method(http::verb::connect);
  proxy_request_.target(authority());
  proxy_request_.set(http::field::host, authority());
  if (!proxy_->authorization.empty()) {
    proxy_request_.set(http::field::proxy_authorization,
                       boost::beast::string_view(proxy_->authorization.reveal().data(),
                                                 proxy_->authorization.reveal().size()));
  }
  connection_->tcp().expires_after(shared_->options.timeouts.connect);
  http::async_write(connection_->tcp(), proxy_request_,
                    [self = shared_from_this()](error_code ec, std::size_t) {
                      self->proxy_request_.erase(http::field::proxy_authorization);
                      if (ec) {
                        return self->fail(HttpPhase::proxy, ec,
                                          "send CONNECT to proxy " + self->proxy_->display());
                      }
                      self->proxy_parser_.emplace();
                      self->proxy_parser_->skip(true);  // a CONNECT answer has no body
                      self->proxy_parser_->header_limit(
                          static_cast<std::uint32_t>(self->shared_->options.max_response_header));
                      http::async_read_header(
                          self->connection_->tcp(), self->buffer_, *self->proxy_parser_,
                          [self](error_code rec, std::size_t) { self->on_proxy_response(rec); });
                    });
}

void HttpsExchange::on_proxy_response(error_code ec) {
  const std::string what = "CONNECT " + authority() + " through proxy " + proxy_->display();
  if (ec) {
    return fail(HttpPhase::proxy, ec, what);
  }
  const auto& answer = proxy_parser_->get();
  if (answer.result_int() != 200) {
    HttpResult result;
    result.error = std::make_error_code(answer.result_int() == 407 ? std::errc::permission_denied
                                                                   : std::errc::connection_refused);
    result.phase = HttpPhase::proxy;
    result.message = what + ": proxy answered " + std::to_string(answer.result_int()) + " " +
                     redact_credential_shapes(std::string(answer.reason()));
    connection_->close();
    return finish(std::move(result));
  }
  if (buffer_.size() != 0) {
    // The server speaks first only after our ClientHello: bytes now are not TLS.
    return fail(HttpPhase::proxy, http::error::unexpected_body,
                what + ": proxy sent data after its answer");
  }
  proxy_parser_.reset();
  if (tls_) {
    return start_handshake();
  }
  send_request();
}

void HttpsExchange::start_handshake() {
  SSL* ssl = connection_->tls_stream().native_handle();
  if (auto ec = TlsContext::prepare_connection(ssl, endpoint_.host)) {
    HttpResult result;
    result.error = ec;
    result.phase = HttpPhase::tls_handshake;
    result.message = "TLS setup for " + endpoint_.host + ": cannot set SNI/verified host name";
    connection_->close();
    return finish(std::move(result));
  }
  connection_->tcp().expires_after(shared_->options.timeouts.handshake);
  connection_->tls_stream().async_handshake(
      asio::ssl::stream_base::client, [self = shared_from_this()](error_code ec) {
        if (ec) {
          std::string what = "TLS handshake with " + self->authority();
          std::string reason =
              TlsContext::verify_failure_reason(self->connection_->tls_stream().native_handle());
          if (!reason.empty() && ec != beast::error::timeout) {
            // OpenSSL's verdict on the certificate says more than "verify failed".
            HttpResult result;
            result.error = ec;
            result.phase = HttpPhase::tls_handshake;
            result.message = what + ": " + ec.message() + " (" + reason + ")";
            self->connection_->close();
            return self->finish(std::move(result));
          }
          return self->fail(HttpPhase::tls_handshake, ec, what);
        }
        self->send_request();
      });
}

void HttpsExchange::send_request() {
  if (finished_) {
    return;
  }
  buffer_.clear();
  parser_.emplace();
  parser_->body_limit(shared_->options.max_response_body);
  parser_->header_limit(static_cast<std::uint32_t>(shared_->options.max_response_header));
  connection_->tcp().expires_after(shared_->options.timeouts.request);
  connection_->visit([self = shared_from_this()](auto& stream) {
    http::async_write(stream, self->request_,
                      [self](error_code ec, std::size_t) { self->on_written(ec); });
  });
}

void HttpsExchange::on_written(error_code ec) {
  if (ec) {
    if (retry_on_fresh_connection(ec)) {
      return;
    }
    return fail(HttpPhase::write, ec, "send request to " + authority());
  }
  connection_->visit([self = shared_from_this()](auto& stream) {
    http::async_read_header(stream, self->buffer_, *self->parser_,
                            [self](error_code rec, std::size_t) { self->on_header(rec); });
  });
}

void HttpsExchange::on_header(error_code ec) {
  if (ec) {
    return on_read(ec);
  }
  // Beast 1.74 does not hold a Content-Length body to body_limit (chunked and
  // read-to-EOF bodies it does): refuse an announced oversized body here, before reading.
  const auto length = parser_->content_length();
  if (length && *length > shared_->options.max_response_body) {
    return on_read(http::error::body_limit);
  }
  connection_->visit([self = shared_from_this()](auto& stream) {
    http::async_read(stream, self->buffer_, *self->parser_,
                     [self](error_code rec, std::size_t) { self->on_read(rec); });
  });
}

void HttpsExchange::on_read(error_code ec) {
  if (ec) {
    if (retry_on_fresh_connection(ec)) {
      return;
    }
    const std::string what = "read response from " + authority();
    if (ec == http::error::body_limit) {
      return fail(HttpPhase::read, ec,
                  what + ": body larger than the " +
                      std::to_string(shared_->options.max_response_body) + "-byte limit");
    }
    if (ec == http::error::header_limit) {
      return fail(HttpPhase::read, ec,
                  what + ": header larger than the " +
                      std::to_string(shared_->options.max_response_header) + "-byte limit");
    }
    return fail(HttpPhase::read, ec, what);
  }
  connection_->tcp().expires_never();
  auto message = parser_->release();
  HttpResult result;
  result.response.status = message.result_int();
  for (const auto& field : message) {
    result.response.headers.emplace_back(std::string(field.name_string()),
                                         std::string(field.value()));
  }
  result.response.body = std::move(message.body());
  // Reuse only a connection that is exactly at a message boundary and that both sides
  // agree to keep open.
  const bool reusable = message.keep_alive() && buffer_.size() == 0 && !cancelled_;
  auto connection = std::move(connection_);
  ++connection->requests_served;
  if (reusable) {
    shared_->pool->release(std::move(connection));
  } else {
    connection->close();
  }
  finish(std::move(result));
}

bool HttpsExchange::retry_on_fresh_connection(error_code ec) {
  const bool nothing_received = (!parser_ || !parser_->got_some()) && buffer_.size() == 0;
  if (!reused_ || retried_ || cancelled_ || !nothing_received || !is_stale_connection_error(ec)) {
    return false;
  }
  log::debug("https", "kept-alive connection to ", authority(), " was closed by the server (",
             ec.message(), "); retrying once on a new connection");
  retried_ = true;
  reused_ = false;
  std::string key = connection_->pool_key();
  connection_->close();
  connection_ = std::make_shared<HttpsConnection>(shared_->executor, shared_->tls->native(), tls_,
                                                  std::move(key));
  open_connection();
  return true;
}

void HttpsExchange::fail(HttpPhase phase, error_code ec, const std::string& what) {
  HttpResult result;
  result.phase = phase;
  if (cancelled_) {
    result.error = error_code(asio::error::operation_aborted);
    result.message = what + ": cancelled";
  } else if (ec == beast::error::timeout) {
    base::Duration limit{};
    switch (phase) {
      case HttpPhase::resolve:
        limit = shared_->options.timeouts.resolve;
        break;
      case HttpPhase::connect:
      case HttpPhase::proxy:
        limit = shared_->options.timeouts.connect;
        break;
      case HttpPhase::tls_handshake:
        limit = shared_->options.timeouts.handshake;
        break;
      default:
        limit = shared_->options.timeouts.request;
        break;
    }
    result.error = std::make_error_code(std::errc::timed_out);
    result.message = what + ": " + phase_name(phase) + " timed out after " + timeout_text(limit);
  } else {
    result.error = ec;
    result.message = what + ": " + ec.message();
  }
  if (connection_) {
    connection_->close();
  }
  finish(std::move(result));
}

void HttpsExchange::finish(HttpResult result) {
  if (finished_) {
    return;
  }
  finished_ = true;
  resolve_timer_.cancel();
  result.sent_at = sent_at_;
  result.received_at = std::chrono::steady_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(result.received_at - result.sent_at)
          .count();
  // Never the headers (Authorization, X-Amz-Security-Token) and never the query string.
  if (result.ok()) {
    log::debug("https", signable_.method, " ", endpoint_.scheme, "://", authority(), signable_.path,
               " -> ", result.response.status, " in ", ms, "ms",
               reused_ ? " (reused connection)" : "", retried_ ? " (retried once)" : "");
  } else {
    log::debug("https", signable_.method, " ", endpoint_.scheme, "://", authority(), signable_.path,
               " failed in ", ms, "ms: ", result.message);
  }
  // Nothing is written any more: let go of the caller's body before telling it, so it can
  // reuse the buffer (a 4 MiB PutRecordBatch) for the next request.
  request_.body() = {};
  body_.reset();
  auto done = std::move(done_);
  done(std::move(result));
}

}  // namespace canhose::https
