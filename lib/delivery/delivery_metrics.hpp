#pragma once
// Prometheus metrics of Firehose delivery, read from FirehoseDelivery at scrape time (the
// delivery loop only increments plain integers).
//
//   canhose_delivery_records_total                 queue records Firehose accepted
//   canhose_delivery_payload_bytes_total           payload bytes Firehose accepted
//   canhose_delivery_wire_bytes_total              PutRecordBatch request body bytes sent
//   canhose_delivery_firehose_records_total        Firehose records sent (packed lines once)
//   canhose_delivery_requests_total{result=...}    requests: ok, failed
//   canhose_delivery_retries_total{cause=...}      batches resent: throttled, transient,
//                                                  permanent
//   canhose_delivery_record_failures_total         per-record failures in HTTP 200 responses
//   canhose_delivery_dead_letters_total            queue records written to the dead-letter
//                                                  file
//   canhose_delivery_in_flight_requests            requests in flight
//   canhose_delivery_window                        requests allowed in flight now (AIMD)
//   canhose_delivery_backoff_seconds               upper bound of the next retry wait
//   canhose_delivery_paused                        1 while a permanent error pauses delivery
//   canhose_delivery_retries_pending               batches waiting for their retry time
//   canhose_delivery_paused_info{reason=...}       while paused: the AWS error that paused it
//   canhose_delivery_last_success_time_seconds     after the first accepted request
//   canhose_delivery_last_error_info{error=...}    after the first failed request: its error
//   canhose_delivery_last_error_time_seconds       and its Unix time

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/units.hpp"
#include "delivery/firehose_delivery.hpp"
#include "metrics/metric_family.hpp"

namespace canhose::delivery {

// What the delivery metrics are read from; FirehoseDelivery::collect_metrics fills it
// from its members. The references must stay valid during collect_delivery_metrics().
struct DeliveryMetricsView {
  const DeliveryCounters& counters;
  std::uint32_t in_flight = 0;
  std::uint32_t window = 0;
  base::Duration backoff_cap{};
  std::size_t retries_pending = 0;
  const std::string& paused_reason;  // empty unless paused
  std::optional<std::chrono::system_clock::time_point> last_success;
  const std::string& last_error;
  std::optional<std::chrono::system_clock::time_point> last_error_at;
};

void collect_delivery_metrics(const DeliveryMetricsView& view,
                              std::vector<metrics::MetricFamily>& out);

}  // namespace canhose::delivery
