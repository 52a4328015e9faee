#pragma once
// The Prometheus families of alert sending, read at scrape time from SnsAlertPublisher and
// its AlertOutbox (the names, labels and meanings are listed in sns_alert_publisher.hpp).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alerting/sns_alert_publisher.hpp"
#include "metrics/metric_family.hpp"

namespace canhose::alerting {

// What the alert metrics are read from; the references must stay valid during
// collect_alerting_metrics().
struct AlertingMetricsView {
  const SnsAlertPublisherCounters& counters;
  std::uint64_t outbox_entries = 0;
  std::uint64_t outbox_dropped = 0;
  const std::string& last_error;         // empty unless the last Publish failed
  const std::string& last_error_detail;  // likewise
  std::optional<std::chrono::system_clock::time_point> last_error_at;
  std::optional<std::chrono::system_clock::time_point> last_published;
};

void collect_alerting_metrics(const AlertingMetricsView& view,
                              std::vector<metrics::MetricFamily>& out);

}  // namespace canhose::alerting
