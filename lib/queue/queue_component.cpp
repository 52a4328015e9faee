#include "queue/queue_component.hpp"

#include "base/units.hpp"

namespace canhose::queue {

void QueueComponent::async_stop(std::chrono::steady_clock::time_point, std::function<void()> done) {
  // Blocks for one write + fsync + cursor write: acceptable at shutdown, and the
  // durability of what sources produced last depends on it.
  queue_->close();
  done();
}

std::string QueueComponent::status() const {
  const QueueMetrics m = queue_->metrics();
  return "queue " + std::to_string(m.records_queued) + " records " +
         base::format_byte_size(base::ByteSize{m.bytes_queued}) + " oldest " +
         base::format_duration(m.oldest_unacked_age);
}

void QueueComponent::collect_metrics(std::vector<metrics::MetricFamily>& out) const {
  using metrics::MetricType;
  const QueueMetrics m = queue_->metrics();
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  out.push_back({"canhose_queue_records",
                 "records queued, not yet acknowledged",
                 MetricType::gauge,
                 {{{}, d(m.records_queued)}}});
  out.push_back({"canhose_queue_bytes",
                 "bytes the queue holds on disk and in memory",
                 MetricType::gauge,
                 {{{}, d(m.bytes_queued)}}});
  out.push_back({"canhose_queue_memory_bytes",
                 "record bytes in memory, not yet durable",
                 MetricType::gauge,
                 {{{}, d(m.memory_bytes)}}});
  out.push_back({"canhose_queue_oldest_unacked_age_seconds",
                 "age of the oldest record not yet delivered (delivery lag)",
                 MetricType::gauge,
                 {{{}, std::chrono::duration<double>(m.oldest_unacked_age).count()}}});
  out.push_back(
      {"canhose_queue_segments", "segment files", MetricType::gauge, {{{}, d(m.segments)}}});
  out.push_back({"canhose_queue_fsyncs_total",
                 "fsyncs of segment files",
                 MetricType::counter,
                 {{{}, d(m.fsyncs)}}});
  out.push_back({"canhose_queue_disk_errors_total",
                 "failed writes and fsyncs",
                 MetricType::counter,
                 {{{{"op", "write"}}, d(m.write_errors)}, {{{"op", "fsync"}}, d(m.fsync_errors)}}});
  out.push_back({"canhose_queue_disk_failing",
                 "1 while the disk refuses the queue's writes (records wait in memory)",
                 MetricType::gauge,
                 {{{}, m.disk_error.empty() ? 0.0 : 1.0}}});
  if (!m.disk_error.empty()) {
    out.push_back({"canhose_queue_disk_error_info",
                   "what the disk refused, while it does",
                   MetricType::gauge,
                   {{{{"error", m.disk_error}}, 1}}});
    out.push_back({"canhose_queue_disk_failing_since_seconds",
                   "when the disk started refusing the queue's writes (Unix time)",
                   MetricType::gauge,
                   {{{}, static_cast<double>(m.disk_error_since_ms) / 1000.0}}});
  }
  metrics::MetricFamily drops{
      "canhose_queue_drops_total", "records dropped, by reason", MetricType::counter, {}};
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    drops.samples.push_back({{{"reason", to_string(static_cast<DropReason>(i))}}, d(m.drops[i])});
  }
  out.push_back(std::move(drops));
  out.push_back({"canhose_queue_corrupt_records_total",
                 "damaged records found on disk, by when",
                 MetricType::counter,
                 {{{{"when", "startup"}}, d(m.startup_corrupt_records)},
                  {{{"when", "read"}}, d(m.read_corrupt_records)}}});
}

}  // namespace canhose::queue
