#pragma once
// Where `canhose put` reaches canhosed's local ingest endpoint, from the `ingest:` section
// it serves: the Unix socket when ingest.unix_socket is set (no TCP, no TLS, guarded by
// the socket's file mode), else ingest.listen, over HTTPS when ingest.tls_cert is set.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace canhose::cli {

struct IngestEndpoint {
  enum class Kind { tcp, tls, unix_socket };
  Kind kind = Kind::tcp;
  std::string host;  // tcp, tls: an IP address ("127.0.0.1", "::1")
  std::uint16_t port = 0;
  std::filesystem::path socket;    // unix_socket
  std::filesystem::path tls_cert;  // tls: the certificate canhosed must present

  // "http://127.0.0.1:4573", "https://[::1]:4573", "unix:/run/canhose/ingest.sock".
  std::string url() const;
  // The Host header (signed): "127.0.0.1:4573", or "localhost" over the Unix socket.
  std::string host_header() const;
  // The configuration key it comes from: "ingest.listen" or "ingest.unix_socket".
  const char* config_key() const;
};

// nullopt with `error` set ("ingest.listen \"x\": ...") when the section names no usable
// endpoint. A wildcard listen address (0.0.0.0, ::) is reached on loopback.
std::optional<IngestEndpoint> ingest_endpoint(const config::Config& config, std::string& error);

}  // namespace canhose::cli
