#pragma once
// HttpTransport over HTTPS: Boost.Beast on asio::ssl with OpenSSL. TLS 1.2+, the peer
// verified against the system store or a configured CA file, SNI and host name checks
// on every connection, asynchronous DNS, a small pool of kept-alive connections per
// endpoint, a deadline per phase, an optional CONNECT proxy. Plain http:// is accepted
// for loopback endpoints only (tests, local emulators).
//
// Everything runs on the given executor (the daemon's one io_context); `done` is called
// there, exactly once per request, never from inside async_send. Requests in flight keep
// what they need alive, so the transport may be destroyed before they finish (they then
// complete normally, or with operation_aborted after close()).

#include <memory>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "https/http_transport.hpp"
#include "https/https_transport_options.hpp"

namespace canhose::https {

class HttpsExchange;

class HttpsTransport final : public HttpTransport {
 public:
  // Throws std::runtime_error when the options cannot work (unreadable CA file, client
  // key not matching the certificate, bad proxy URL): a start-up configuration failure.
  HttpsTransport(asio::any_io_executor executor, HttpsTransportOptions options);
  ~HttpsTransport() override;

  using HttpTransport::async_send;
  void async_send(const Endpoint& endpoint, HttpRequest request, SharedBody body,
                  std::function<void(HttpResult)> done) override;

  // Closes the idle connections and aborts requests in flight (their `done` gets
  // operation_aborted). For shutdown.
  void close();

  // Idle kept-alive connections now in the pool (tests, metrics).
  std::size_t idle_connections() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace canhose::https
