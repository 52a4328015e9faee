// The alerting metrics table: SnsAlertPublisher's counters and state as Prometheus families.
#include "alerting/alerting_metrics.hpp"

namespace canhose::alerting {

void collect_alerting_metrics(const AlertingMetricsView& view,
                              std::vector<metrics::MetricFamily>& out) {
  using metrics::MetricType;
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  const auto unix_seconds = [](std::chrono::system_clock::time_point t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
  };
  out.push_back({"canhose_alerts_published_total",
                 "alerts SNS accepted",
                 MetricType::counter,
                 {{{}, d(view.counters.published)}}});
  metrics::MetricFamily errors{"canhose_alerts_publish_errors_total",
                               "failed SNS Publish calls by kind",
                               MetricType::counter,
                               {}};
  for (std::size_t i = 1; i < kSnsErrorKinds; ++i) {
    const auto kind = static_cast<aws::SnsErrorKind>(i);
    errors.samples.push_back(
        {{{"kind", std::string(aws::to_string(kind))}}, d(view.counters.errors[i])});
  }
  out.push_back(std::move(errors));
  out.push_back({"canhose_alerts_outbox_entries",
                 "alerts waiting in the outbox to be sent",
                 MetricType::gauge,
                 {{{}, d(view.outbox_entries)}}});
  out.push_back({"canhose_alerts_outbox_dropped_total",
                 "alerts lost: dropped from the full outbox, refused, or damaged on disk",
                 MetricType::counter,
                 {{{}, d(view.outbox_dropped)}}});
  if (view.last_error_at && !view.last_error.empty()) {
    out.push_back({"canhose_alerts_last_error_info",
                   "while SNS Publish fails: what to do (error) and the AWS error (detail)",
                   MetricType::gauge,
                   {{{{"error", view.last_error}, {"detail", view.last_error_detail}}, 1}}});
    out.push_back({"canhose_alerts_last_error_time_seconds",
                   "Unix time of the last failed SNS Publish, while failing",
                   MetricType::gauge,
                   {{{}, unix_seconds(*view.last_error_at)}}});
  }
  if (view.last_published) {
    out.push_back({"canhose_alerts_last_published_time_seconds",
                   "Unix time of the last alert SNS accepted",
                   MetricType::gauge,
                   {{{}, unix_seconds(*view.last_published)}}});
  }
}

}  // namespace canhose::alerting
