#pragma once
// The local ingest endpoint: the Firehose API (FirehoseIngestApi) over HTTP/1.1 with
// keep-alive, on a TCP address (plain, or TLS with ingest.tls_cert/tls_key) and/or a Unix
// socket, on the daemon's event loop. Records go to each local stream's IngestSink (its
// queue); a put is answered only once its accepted records are durable there.
//
// Authentication: with `auth: none` (loopback and the Unix socket only, ingest_options.hpp)
// requests are not authenticated and their SigV4 signature, whatever the SDK signed with,
// is not checked. With `auth: sigv4` each request must be signed with a configured key
// (SigV4RequestVerifier) before its body is looked at.
//
// Bounded whatever clients do:
// - connections: max_connections, max_connections_per_address; a new connection over a
//   limit replaces the oldest one that is still waiting for (or sending) its request, else
//   it is closed at once (as the metrics endpoint does);
// - time: a whole request (TLS handshake included) within request_timeout, the next request
//   on a keep-alive connection within idle_timeout, a response written within
//   write_timeout, records durable within durable_timeout (else 503);
// - memory: headers within max_header_bytes (else the connection is closed), a body within
//   max_body_bytes (else 413 and close, before the body is read), and the bodies being
//   read or handled at once within 4 x max_body_bytes (else 503 ServiceUnavailableException,
//   which SDKs retry).
// Nothing blocks the loop: the queue's worker thread does the disk writes and fsyncs.
//
// Stopping (async_stop): the listeners close, connections waiting for a request close, and
// calls in progress finish (answered once durable, then closed) until the deadline.
// Sessions hold a reference to the server: it must outlive the io_context's last run.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "asio/asio.hpp"
#include "ingest/firehose_ingest_api.hpp"
#include "ingest/ingest_options.hpp"
#include "ingest/ingest_sink.hpp"
#include "ingest/sigv4_request_verifier.hpp"
#include "lifecycle/component.hpp"
#include "metrics/connection_table.hpp"
#include "metrics/metric_family.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace canhose::ingest {

// A local stream and where its records go. `sink` must outlive the server.
struct IngestStreamBinding {
  std::string name;
  std::string upstream;  // empty: the same name
  IngestSink* sink = nullptr;
};

// The connection limits' counts (metrics::ConnectionLimitCounters), and the rest.
struct IngestCounters : metrics::ConnectionLimitCounters {
  std::uint64_t connections_accepted = 0;
  std::uint64_t request_timeouts = 0;  // no whole request within request_timeout
  std::uint64_t idle_timeouts = 0;     // keep-alive connection idle too long
  std::uint64_t write_timeouts = 0;    // response not taken within write_timeout
  std::uint64_t tls_handshake_failures = 0;
  std::uint64_t headers_too_large = 0;
  std::uint64_t bodies_too_large = 0;      // answered 413
  std::uint64_t body_budget_refusals = 0;  // answered 503: too many bodies in memory at once
  std::uint64_t bad_requests = 0;          // not HTTP/1.x the parser could read
  std::uint64_t durable_timeouts = 0;      // answered 503: records not durable in time
  std::uint64_t records_accepted = 0;
  std::uint64_t records_refused = 0;  // refused by the queue (full): ServiceUnavailable
  std::uint64_t bytes_accepted = 0;
};

class IngestServer final : public lifecycle::Component {
 public:
  // Throws std::invalid_argument when validate(options) fails, a stream has no sink, or
  // there is no stream.
  IngestServer(asio::io_context& io, IngestOptions options,
               std::vector<IngestStreamBinding> streams);
  ~IngestServer() override;
  IngestServer(const IngestServer&) = delete;
  IngestServer& operator=(const IngestServer&) = delete;

  std::string_view name() const override { return "ingest"; }
  // Loads the TLS files, binds and listens; throws std::runtime_error naming the address,
  // socket or file if it cannot.
  void start() override;
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;
  std::string status() const override;

  // The TCP port actually bound (useful with port 0 in tests); 0 without a TCP listener.
  std::uint16_t port() const { return bound_port_; }

  // canhose_ingest_* families (event loop only).
  void collect_metrics(std::vector<metrics::MetricFamily>& out) const;
  const IngestCounters& counters() const { return counters_; }
  std::size_t connections() const { return connections_.size(); }

  // One client connection; the HTTP work is in ingest_connection.cpp, one instance per
  // kind of stream (TCP, TLS over TCP, Unix socket).
  class Connection {
   public:
    Connection(IngestServer& server, std::string peer, std::uint64_t number)
        : server_(server), peer_(std::move(peer)), number_(number) {}
    virtual ~Connection() = default;
    virtual void start() = 0;
    virtual void close() = 0;
    // Called when the server stops: close now if waiting for a request, else after the
    // answer in progress.
    virtual void stop_after_answer() = 0;
    const std::string& peer() const { return peer_; }
    std::uint64_t number() const { return number_; }  // accept order
    // From accepting (or the end of a response) until a whole request has arrived: such a
    // connection may be replaced by a new one when the limits are reached.
    bool waiting_for_request() const { return waiting_; }

   protected:
    IngestServer& server_;
    std::string peer_;  // "127.0.0.1", "::1", "unix"
    std::uint64_t number_;
    bool waiting_ = true;
  };

 private:
  template <class Stream>
  friend class Session;

  void accept_tcp();
  void accept_unix();
  void start_unix_socket();
  void add(std::shared_ptr<Connection> connection);
  void forget(const Connection* connection);
  bool reserve_body(std::uint64_t bytes);
  void release_body(std::uint64_t bytes);
  void count_request(IngestOperation operation, std::string_view code);
  std::string next_request_id();
  void maybe_stopped();

  asio::io_context& io_;
  IngestOptions options_;
  FirehoseIngestApi api_;
  std::vector<IngestSink*> sinks_;  // by the api's stream index
  struct StreamCounters {
    std::uint64_t accepted = 0;
    std::uint64_t refused = 0;
    std::uint64_t bytes = 0;
  };
  std::vector<StreamCounters> stream_counters_;  // by the api's stream index
  std::optional<SigV4RequestVerifier> verifier_;
  std::unique_ptr<asio::ssl::context> tls_;
  asio::ip::tcp::acceptor tcp_acceptor_;
  asio::local::stream_protocol::acceptor unix_acceptor_;
  std::uint16_t bound_port_ = 0;
  std::uint64_t next_number_ = 0;
  metrics::ConnectionTable<Connection, std::string> connections_;
  std::uint64_t body_budget_ = 0;
  std::uint64_t body_reserved_ = 0;
  bool stopping_ = false;
  std::function<void()> stopped_;
  std::unique_ptr<asio::steady_timer> stop_timer_;
  // Posted handlers and sessions check it: nothing touches a destroyed server.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  IngestCounters counters_;
  std::map<std::pair<IngestOperation, std::string>, std::uint64_t> requests_;
  std::uint64_t request_id_seed_ = 0;  // x-amzn-RequestId: seed and counter
  std::uint64_t request_count_ = 0;
};

}  // namespace canhose::ingest
