#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "https/http_request.hpp"

namespace canhose::https {

// Where requests go: "https://firehose.eu-west-1.amazonaws.com" parsed once.
// Plain http is accepted only for loopback hosts (tests).
struct Endpoint {
  std::string scheme;  // "https" or "http"
  std::string host;    // "firehose.eu-west-1.amazonaws.com", "127.0.0.1", "::1"
  std::uint16_t port = 443;
  // The Host header value: host, plus ":port" when it is not the scheme's default.
  std::string host_header() const;
};

struct EndpointParseResult {
  Endpoint endpoint;
  std::string error;  // empty on success; otherwise says what is wrong with the URL
  bool ok() const { return error.empty(); }
};

// Parses "https://host[:port][/]" (IPv6 hosts in brackets: "https://[::1]:8443").
// Host names are lower-cased. Rejected, with a message naming the problem: other schemes,
// user info, a path other than "/", a query or fragment, a bad port, and "http" for any
// host that is not loopback (127.0.0.0/8, ::1, localhost).
EndpointParseResult parse_endpoint(std::string_view url);

// For a config key holding an endpoint override (delivery.endpoint, alerts.endpoint):
// nothing when `url` is empty (no override) or parses, else parse_endpoint()'s message.
std::optional<std::string> endpoint_override_problem(const std::string& url);

// True for "localhost", 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

struct HttpResponse {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  const std::string* header(std::string_view name) const;  // case-insensitive
};

// Which phase failed, so a log line and the retry policy can tell a DNS failure from
// a certificate problem or a reset.
enum class HttpPhase { none, resolve, connect, proxy, tls_handshake, write, read, timeout };

struct HttpResult {
  std::error_code error;  // empty when a response (of any status) was received
  HttpPhase phase = HttpPhase::none;
  std::string message;  // e.g. "TLS handshake with x:443: certificate verify failed (...)"
  HttpResponse response;
  std::chrono::steady_clock::time_point sent_at;      // when the request started
  std::chrono::steady_clock::time_point received_at;  // when the response ended
  bool ok() const { return !error; }
};

// Sends one signed request and delivers the response on the event loop. The request's
// headers are sent as they are (they were signed); the transport may add only
// Content-Length and Connection-management headers that are not signed.
//
// The body is shared, not copied: a 4 MiB PutRecordBatch exists once in memory while the
// caller keeps it for a possible re-sign and the transport writes it. Null means empty.
class HttpTransport {
 public:
  using SharedBody = std::shared_ptr<const std::string>;

  virtual ~HttpTransport() = default;
  virtual void async_send(const Endpoint& endpoint, HttpRequest request, SharedBody body,
                          std::function<void(HttpResult)> done) = 0;
  // Convenience for small bodies: takes ownership of `body`.
  void async_send(const Endpoint& endpoint, HttpRequest request, std::string body,
                  std::function<void(HttpResult)> done) {
    async_send(endpoint, std::move(request), std::make_shared<const std::string>(std::move(body)),
               std::move(done));
  }
};

}  // namespace canhose::https
