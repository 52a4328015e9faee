#pragma once
// A real HTTP/1.1 server on 127.0.0.1 for the HTTPS client's tests: Beast over
// asio::ssl (or plain TCP), on its own thread and io_context, with an ephemeral port.
// A handler decides each reply, including the faults a network produces: slow answers,
// connections closed or reset before or in the middle of a response, a keep-alive
// connection closed while idle. Optional mutual TLS records the client's certificate.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace canhose::test {

struct TestRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::uint64_t connection_id = 0;        // 1, 2, ... in accept order
  std::uint64_t index_on_connection = 0;  // 1 for the first request on a connection
  std::string client_subject;             // mTLS peer certificate subject, "" without
  const std::string* header(std::string_view name) const;  // case-insensitive
};

struct TestReply {
  enum class Action {
    respond,                 // send the reply (keep-alive unless keep_alive is false)
    close_without_response,  // read the request, then close (FIN) without answering
    reset_without_response,  // read the request, then reset (RST)
    partial_then_reset,      // send the header and half of the body, then reset
  };
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // before the reply (or the close)
  Action action = Action::respond;
  bool keep_alive = true;
};

struct TlsTestServerOptions {
  bool tls = true;
  std::string cert_file;         // server certificate chain (PEM)
  std::string key_file;          // its key
  std::string client_ca_file;    // non-empty: require a client certificate from this CA
  bool stall_handshake = false;  // accept TCP connections and never answer
};

class TlsTestServer {
 public:
  using Handler = std::function<TestReply(const TestRequest&)>;

  // Starts listening at once. The handler runs on the server's thread.
  TlsTestServer(TlsTestServerOptions options, Handler handler);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::uint64_t connections_accepted() const;
  std::uint64_t handshakes_failed() const;
  std::vector<TestRequest> requests() const;  // every request read so far

  // Closes every connection that waits for its next request, as servers do with idle
  // keep-alive connections. Returns when done.
  void close_idle_connections();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace canhose::test
