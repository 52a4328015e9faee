#pragma once
// IngestHttpClient: one HTTP/1.1 keep-alive connection to canhosed's local ingest
// endpoint (TCP, TLS or the Unix socket, IngestEndpoint), for `canhose put`. Blocking:
// each exchange runs the client's own io_context until the answer has arrived or a phase
// timed out; call it from no event loop. Errors are values naming the phase and address,
// so the command can tell "canhosed is not running" from "the certificate is wrong".
//
// TLS: the certificate canhosed presents must be one of those in ingest.tls_cert (the file
// canhosed serves): that file is the only trust anchor, so a self-signed certificate and a
// CA-issued one both work without the CA. As the certificate itself is pinned, its names
// are not checked against the address (an operator's self-signed certificate rarely lists
// 127.0.0.1).
//
// A kept-alive connection the server has closed meanwhile (idle_timeout, a restart) is
// replaced once, and the request sent again on the new one.

#include <chrono>
#include <memory>
#include <string>

#include "asio/asio.hpp"
#include "cli/ingest_endpoint.hpp"
#include "https/http_request.hpp"
#include "https/http_transport.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace canhose::cli {

struct IngestReply {
  enum class Failure {
    none,
    unreachable,  // refused, no socket file: nothing serves there
    permission,   // the Unix socket's mode keeps this user out
    tls,          // the TLS handshake failed (certificate not the configured one, ...)
    timeout,      // a phase took longer than its timeout
    network,      // any other connect, write or read error
  };
  Failure failure = Failure::none;
  std::string error;             // what failed, with the address; empty on success
  https::HttpResponse response;  // any status, when failure is none
  bool ok() const { return failure == Failure::none; }
};

struct IngestClientTimeouts {
  std::chrono::milliseconds connect{5'000};  // the TLS handshake included
  std::chrono::milliseconds write{30'000};
  // canhosed answers a put once its records are durable (ingest.durable_timeout).
  std::chrono::milliseconds read{60'000};
};

class IngestHttpClient {
 public:
  // nullptr with `error` set when ingest.tls_cert cannot be loaded.
  static std::unique_ptr<IngestHttpClient> create(const IngestEndpoint& endpoint,
                                                  const IngestClientTimeouts& timeouts,
                                                  std::string& error);
  ~IngestHttpClient();
  IngestHttpClient(const IngestHttpClient&) = delete;
  IngestHttpClient& operator=(const IngestHttpClient&) = delete;

  // Sends `request` with exactly its headers (plus Content-Length) and reads the answer.
  IngestReply exchange(const https::HttpRequest& request);
  // Whether a connection is open (for a reused one, exchange() may reconnect).
  bool connected() const { return connection_ != nullptr; }
  const IngestEndpoint& endpoint() const { return endpoint_; }

  class Connection;  // one per kind of stream (ingest_http_client.cpp)

 private:
  IngestHttpClient(const IngestEndpoint& endpoint, const IngestClientTimeouts& timeouts);
  IngestReply connect();

  asio::io_context io_;
  IngestEndpoint endpoint_;
  IngestClientTimeouts timeouts_;
  std::unique_ptr<asio::ssl::context> tls_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace canhose::cli
