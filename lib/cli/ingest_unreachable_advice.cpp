#include "cli/ingest_unreachable_advice.hpp"

#include "cli/metrics_scrape.hpp"

namespace canhose::cli {
namespace {

constexpr std::chrono::milliseconds kMetricsProbeDeadline{2'000};

// Whether canhosed runs at all, asked of its metrics endpoint when it has one: "nothing
// serves ingest there" then becomes "not running" or "running without ingest".
std::string running_advice(const config::Config& config, const IngestEndpoint& endpoint,
                           const std::string& config_path) {
  const std::string serves = std::string(endpoint.config_key()) + " " + endpoint.url();
  std::string parse_error;
  const auto metrics = config.metrics.listen.empty()
                           ? std::nullopt
                           : metrics::parse_listen_address(config.metrics.listen, parse_error);
  if (metrics && metrics->port != 0) {
    metrics::ListenAddress at = *metrics;
    at.host = at.host == "0.0.0.0" ? "127.0.0.1" : at.host == "::" ? "::1" : at.host;
    const MetricsScrape scrape = scrape_metrics(at, kMetricsProbeDeadline);
    const std::string metrics_url = "http://" + to_string(at) + "/metrics";
    if (scrape.ok()) {
      return "canhosed is running (its metrics answer at " + metrics_url + ") but does not serve " +
             serves + ": it was started before that was set in " + config_path +
             ", or with another file. Restart it: systemctl restart canhose";
    }
    if (scrape.failure == MetricsScrape::Failure::refused) {
      return "canhosed is not running: nothing answers at " + endpoint.url() +
             ", nor its metrics at " + metrics_url +
             ". Check: systemctl status canhose; journalctl -u canhose";
    }
  }
  return "Is canhosed running with " + config_path + "? Nothing serves " + serves +
         ". Check: systemctl status canhose; journalctl -u canhose";
}

}  // namespace

std::string unreachable_advice(const config::Config& config, const IngestEndpoint& endpoint,
                               IngestReply::Failure failure, const std::string& config_path) {
  switch (failure) {
    case IngestReply::Failure::unreachable:
      return running_advice(config, endpoint, config_path);
    case IngestReply::Failure::permission:
      return "The socket's mode (ingest.unix_socket_mode) keeps this user out: run as a member "
             "of its group, or as root.";
    case IngestReply::Failure::timeout:
      return "canhosed accepted the connection but did not answer in time: is it overloaded "
             "or its disk failing? (journalctl -u canhose)";
    default:
      return {};
  }
}

}  // namespace canhose::cli
