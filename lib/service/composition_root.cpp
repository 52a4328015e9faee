#include "service/composition_root.hpp"

#include <memory>

#include "asio/asio.hpp"
#include "log/logger.hpp"
#include "metrics/metric_registry.hpp"
#include "metrics/metrics_server.hpp"
#include "service/daemon.hpp"

namespace canhose::service {

int run_service(const std::filesystem::path& config_path, config::Config config) {
  asio::io_context io(1);
  metrics::MetricRegistry registry;
  Daemon daemon(io, config_path, config);
  registry.add_collector([&daemon](auto& out) { daemon.collect_metrics(out); });

  if (!config.metrics.listen.empty()) {
    std::string error;
    // Checked when the configuration was read; parsed again here only to get the value.
    const auto address = metrics::parse_listen_address(config.metrics.listen, error);
    daemon.add(std::make_unique<metrics::MetricsServer>(io, registry, *address));
  }
  return daemon.run();
}

}  // namespace canhose::service
