#include "cli/ingest_endpoint.hpp"

#include "metrics/metrics_server.hpp"

namespace canhose::cli {

std::string IngestEndpoint::url() const {
  if (kind == Kind::unix_socket) {
    return "unix:" + socket.string();
  }
  return (kind == Kind::tls ? "https://" : "http://") + host_header();
}

std::string IngestEndpoint::host_header() const {
  if (kind == Kind::unix_socket) {
    return "localhost";
  }
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

const char* IngestEndpoint::config_key() const {
  return kind == Kind::unix_socket ? "ingest.unix_socket" : "ingest.listen";
}

std::optional<IngestEndpoint> ingest_endpoint(const config::Config& config, std::string& error) {
  const auto& ingest = config.ingest;
  IngestEndpoint endpoint;
  if (!ingest.unix_socket.empty()) {
    endpoint.kind = IngestEndpoint::Kind::unix_socket;
    endpoint.socket = ingest.unix_socket;
    return endpoint;
  }
  if (ingest.listen.empty()) {
    error = "neither ingest.listen nor ingest.unix_socket is set";
    return std::nullopt;
  }
  std::string parse_error;
  const auto address = metrics::parse_listen_address(ingest.listen, parse_error);
  if (!address) {
    error = "ingest.listen \"" + ingest.listen + "\": " + parse_error;
    return std::nullopt;
  }
  if (address->port == 0) {
    error = "ingest.listen \"" + ingest.listen +
            "\" uses port 0 (any free port): canhose put cannot know which one";
    return std::nullopt;
  }
  endpoint.host = address->host == "0.0.0.0" ? "127.0.0.1"
                  : address->host == "::"    ? "::1"
                                             : address->host;
  endpoint.port = address->port;
  if (!ingest.tls_cert.empty()) {
    endpoint.kind = IngestEndpoint::Kind::tls;
    endpoint.tls_cert = ingest.tls_cert;
  }
  return endpoint;
}

}  // namespace canhose::cli
