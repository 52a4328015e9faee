// The delivery metrics table: FirehoseDelivery's counters and state as Prometheus families.
#include "delivery/delivery_metrics.hpp"

namespace canhose::delivery {

void collect_delivery_metrics(const DeliveryMetricsView& view,
                              std::vector<metrics::MetricFamily>& out) {
  using metrics::MetricType;
  const DeliveryCounters& counters = view.counters;
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  out.push_back({"canhose_delivery_records_total",
                 "queue records Firehose accepted",
                 MetricType::counter,
                 {{{}, d(counters.records_delivered)}}});
  out.push_back({"canhose_delivery_payload_bytes_total",
                 "payload bytes Firehose accepted",
                 MetricType::counter,
                 {{{}, d(counters.payload_bytes_delivered)}}});
  out.push_back({"canhose_delivery_wire_bytes_total",
                 "PutRecordBatch request body bytes sent",
                 MetricType::counter,
                 {{{}, d(counters.wire_bytes)}}});
  out.push_back({"canhose_delivery_firehose_records_total",
                 "Firehose records sent (packed lines count once)",
                 MetricType::counter,
                 {{{}, d(counters.firehose_records_sent)}}});
  out.push_back({"canhose_delivery_requests_total",
                 "PutRecordBatch requests by result",
                 MetricType::counter,
                 {{{{"result", "ok"}}, d(counters.requests_ok)},
                  {{{"result", "failed"}}, d(counters.requests_failed)}}});
  out.push_back({"canhose_delivery_retries_total",
                 "batches resent, by cause",
                 MetricType::counter,
                 {{{{"cause", "throttled"}}, d(counters.retries_throttled)},
                  {{{"cause", "transient"}}, d(counters.retries_transient)},
                  {{{"cause", "permanent"}}, d(counters.retries_permanent)}}});
  out.push_back({"canhose_delivery_record_failures_total",
                 "per-record failures in HTTP 200 responses",
                 MetricType::counter,
                 {{{}, d(counters.record_failures)}}});
  out.push_back({"canhose_delivery_dead_letters_total",
                 "queue records written to the dead-letter file",
                 MetricType::counter,
                 {{{}, d(counters.dead_lettered)}}});
  out.push_back({"canhose_delivery_in_flight_requests",
                 "requests in flight",
                 MetricType::gauge,
                 {{{}, d(view.in_flight)}}});
  out.push_back({"canhose_delivery_window",
                 "requests allowed in flight now (AIMD)",
                 MetricType::gauge,
                 {{{}, d(view.window)}}});
  out.push_back({"canhose_delivery_backoff_seconds",
                 "upper bound of the next retry wait",
                 MetricType::gauge,
                 {{{}, std::chrono::duration<double>(view.backoff_cap).count()}}});
  out.push_back({"canhose_delivery_paused",
                 "1 while a permanent error pauses delivery",
                 MetricType::gauge,
                 {{{}, view.paused_reason.empty() ? 0.0 : 1.0}}});
  out.push_back({"canhose_delivery_retries_pending",
                 "batches waiting for their retry time (backing off)",
                 MetricType::gauge,
                 {{{}, d(view.retries_pending)}}});
  if (!view.paused_reason.empty()) {
    out.push_back({"canhose_delivery_paused_info",
                   "why delivery is paused (the AWS error that paused it)",
                   MetricType::gauge,
                   {{{{"reason", view.paused_reason}}, 1}}});
  }
  const auto unix_seconds = [](std::chrono::system_clock::time_point t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
  };
  if (view.last_success) {
    out.push_back({"canhose_delivery_last_success_time_seconds",
                   "Unix time of the last accepted request",
                   MetricType::gauge,
                   {{{}, unix_seconds(*view.last_success)}}});
  }
  if (view.last_error_at) {
    // The message is FirehoseError::describe(): error code, HTTP status, the service's
    // message and request id. Credentials never reach it.
    out.push_back({"canhose_delivery_last_error_info",
                   "the last failed request's error, as a label",
                   MetricType::gauge,
                   {{{{"error", view.last_error}}, 1}}});
    out.push_back({"canhose_delivery_last_error_time_seconds",
                   "Unix time of the last failed request",
                   MetricType::gauge,
                   {{{}, unix_seconds(*view.last_error_at)}}});
  }
}

}  // namespace canhose::delivery
