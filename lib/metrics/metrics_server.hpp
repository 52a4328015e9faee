#pragma once
// A Prometheus scrape endpoint: plain HTTP GET /metrics on a configured address
// (normally 127.0.0.1:9464). Deliberately small: a bounded number of connections, a
// request size limit and timeouts per phase, so a misbehaving client cannot grow memory,
// stall the event loop, or lock `canhose status` and Prometheus out by holding
// connections open without asking anything.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "lifecycle/component.hpp"
#include "metrics/connection_table.hpp"
#include "metrics/metric_family.hpp"
#include "metrics/metric_registry.hpp"

namespace canhose::metrics {

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1"
  std::uint16_t port = 0;
};

// "127.0.0.1:9464", "[::1]:9464"; nullopt with `error` set when malformed.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error);

struct MetricsServerOptions {
  // Connections open at once, and from one client address. A new connection over either
  // limit takes the place of the oldest connection (from that address, or any) that is
  // waiting for a request; when none is waiting (all are being answered), it is closed
  // at once. Either way it is counted. So connections that ask nothing cannot keep a
  // scrape out for longer than it takes its request to arrive.
  std::size_t max_connections = 64;
  std::size_t max_connections_per_address = 8;
  // From accepting a connection (or finishing the previous response on it) until a whole
  // request has arrived; then the connection is closed.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(5);
  // For writing one response to a client that reads slowly.
  std::chrono::milliseconds write_timeout = std::chrono::seconds(10);
};

// Sessions hold a reference to the server: it must outlive the io_context's last run.
class MetricsServer final : public lifecycle::Component {
 public:
  MetricsServer(asio::io_context& io, const MetricRegistry& registry, ListenAddress address,
                MetricsServerOptions options = {});
  ~MetricsServer() override;

  std::string_view name() const override { return "metrics"; }
  // Binds and listens; throws std::runtime_error naming the address if it cannot.
  void start() override;
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;

  // The port actually bound (useful with port 0 in tests).
  std::uint16_t port() const { return bound_port_; }

  // canhose_metrics_connections, ..._refused_total, ..._closed_total (event loop only).
  void collect_metrics(std::vector<MetricFamily>& out) const;

  struct Counters : ConnectionLimitCounters {
    std::uint64_t request_timeouts = 0;  // no whole request within request_timeout
  };
  const Counters& counters() const { return counters_; }
  std::size_t connections() const { return sessions_.size(); }

 private:
  class Session;
  void accept();

  asio::io_context& io_;
  const MetricRegistry& registry_;
  ListenAddress address_;
  MetricsServerOptions options_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t bound_port_ = 0;
  std::uint64_t next_session_number_ = 0;
  ConnectionTable<Session, asio::ip::address> sessions_;
  Counters counters_;
};

}  // namespace canhose::metrics
