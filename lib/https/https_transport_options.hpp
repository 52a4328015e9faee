#pragma once
// Options of the HTTPS client (HttpsTransport). Proposed YAML keys in brackets; the
// defaults are what the daemon uses when a key is absent.

#include <chrono>
#include <cstddef>
#include <string>

#include "base/units.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::https {

// How the TLS side authenticates the server (and, for mTLS, itself).
struct TlsOptions {
  // PEM file of trusted CA certificates [delivery.ca_file]. Empty: the system store
  // (OpenSSL's default verify paths, /etc/ssl/certs on Debian).
  std::string ca_file;
  // PEM client certificate chain and private key for mutual TLS (AWS IoT credentials
  // endpoint). Both empty: no client certificate is offered.
  std::string client_cert_file;
  std::string client_key_file;
};

// A deadline for each phase of a request. Each phase gets its own budget: a slow DNS
// answer does not eat into the time allowed for the response.
struct HttpTimeouts {
  base::Duration resolve{std::chrono::seconds(10)};  // [delivery.timeouts.resolve]
  base::Duration connect{
      std::chrono::seconds(10)};  // [delivery.timeouts.connect] TCP + proxy CONNECT
  base::Duration handshake{std::chrono::seconds(10)};  // [delivery.timeouts.handshake] TLS
  // Writing the request and reading the whole response [delivery.timeouts.request].
  base::Duration request{std::chrono::seconds(30)};
};

struct HttpsTransportOptions {
  TlsOptions tls;
  HttpTimeouts timeouts;
  // [delivery.proxy] "" = take HTTPS_PROXY / https_proxy (and NO_PROXY / no_proxy) from
  // the environment; "none" = never use a proxy; otherwise an http:// proxy URL, with
  // optional user:password@ for basic auth: "http://user:pw@10.0.0.1:3128".
  std::string proxy;
  // [delivery.no_proxy] Hosts that bypass an explicitly configured proxy, NO_PROXY
  // syntax ("*", "example.com", ".example.com", "10.0.0.0/8", "host:port"), comma separated.
  std::string no_proxy;
  // [delivery.pool_size] Idle kept-alive connections kept per endpoint (1..16); 0 turns
  // connection reuse off.
  std::size_t pool_size = 2;
  // [delivery.idle_timeout] An idle pooled connection older than this is closed.
  base::Duration idle_timeout{std::chrono::seconds(30)};
  // Bounded memory: a response whose body or header exceeds these fails with a clear error.
  std::size_t max_response_body = 1024 * 1024;
  std::size_t max_response_header = 16 * 1024;
};

// Reads the `delivery:` keys of the HTTPS client (ca_file, proxy, no_proxy, timeouts, pool),
// in the `` section of canhose.yaml into `options` (defaults: what it holds); each
// mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, HttpsTransportOptions& options);

}  // namespace canhose::https
