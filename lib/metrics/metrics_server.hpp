#pragma once
// A Prometheus scrape endpoint: plain HTTP GET /metrics on a configured address
// (normally 127.0.0.1:9464). Deliberately small: a few connections at a time, a request
// size limit and a timeout per connection, so a misbehaving client cannot grow memory or
// stall the event loop.

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "asio/asio.hpp"
#include "metrics/metric_registry.hpp"
#include "service/component.hpp"

namespace canhose::metrics {

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1"
  std::uint16_t port = 0;
};

// "127.0.0.1:9464", "[::1]:9464"; nullopt with `error` set when malformed.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error);

// Sessions hold a reference to the server: it must outlive the io_context's last run.
class MetricsServer final : public service::Component {
 public:
  MetricsServer(asio::io_context& io, const MetricRegistry& registry, ListenAddress address);
  ~MetricsServer() override;

  std::string_view name() const override { return "metrics"; }
  // Binds and listens; throws std::runtime_error naming the address if it cannot.
  void start() override;
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;

  // The port actually bound (useful with port 0 in tests).
  std::uint16_t port() const { return bound_port_; }

 private:
  class Session;
  void accept();

  asio::io_context& io_;
  const MetricRegistry& registry_;
  ListenAddress address_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t bound_port_ = 0;
  std::set<std::shared_ptr<Session>> sessions_;
};

}  // namespace canhose::metrics
