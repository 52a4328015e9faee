#pragma once
// The client side TLS configuration shared by every connection of one HttpsTransport:
// TLS 1.2 or newer, the peer's certificate chain verified against the system store or a
// configured CA file, optionally a client certificate for mutual TLS. Each connection
// then gets SNI and host name verification for the host it dials (prepare_connection).

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <boost/asio/ssl.hpp>
#include "asio/asio.hpp"

#include "https/https_transport_options.hpp"

namespace canhose::https {

class TlsContext {
 public:
  // Loads the CA and client certificate files. On failure returns nullptr and sets
  // `error` to what failed ("cannot load CA file /x: no such file"). Files are read once,
  // here; replacing them needs a new TlsContext.
  static std::shared_ptr<TlsContext> create(const TlsOptions& options, std::string& error);

  asio::ssl::context& native() { return context_; }

  // Sets SNI (for host names, never for IP literals, per RFC 6066) and the name or IP
  // address the peer certificate must carry. Call before the handshake of every connection.
  static std::error_code prepare_connection(SSL* ssl, const std::string& host);

  // After a failed handshake: OpenSSL's reason why the peer certificate was refused
  // ("certificate has expired", "hostname mismatch", "unable to get local issuer
  // certificate"), or "" when the certificate was not the problem.
  static std::string verify_failure_reason(SSL* ssl);

  explicit TlsContext(asio::ssl::context context) : context_(std::move(context)) {}

 private:
  asio::ssl::context context_;
};

}  // namespace canhose::https
