#include "record/record_metrics.hpp"

namespace canhose::record {

metrics::MetricRegistry::Collector metrics_collector(const RecordBuilder& builder,
                                                     const RawFrameRecorder* raw) {
  return [&builder, raw](std::vector<metrics::MetricFamily>& out) {
    using metrics::MetricType;
    const auto& b = builder.counters();
    const double raw_records = raw ? static_cast<double>(raw->counters().records) : 0;
    const double raw_refused = raw ? static_cast<double>(raw->counters().append_failures) : 0;
    out.push_back({"canhose_record_records_total",
                   "records appended to the queue, by kind",
                   MetricType::counter,
                   {{{{"kind", "snapshot"}}, static_cast<double>(b.records)},
                    {{{"kind", "header"}}, static_cast<double>(b.header_records)},
                    {{{"kind", "raw_frame"}}, raw_records}}});
    out.push_back({"canhose_record_refused_total",
                   "records the queue refused, by kind",
                   MetricType::counter,
                   {{{{"kind", "snapshot"}}, static_cast<double>(b.append_failures)},
                    {{{"kind", "raw_frame"}}, raw_refused}}});
    out.push_back({"canhose_record_skipped_ticks_total",
                   "record periods skipped because the event loop was held up",
                   MetricType::counter,
                   {{{}, static_cast<double>(b.skipped_ticks)}}});
    out.push_back({"canhose_record_sanitized_values_total",
                   "string values whose whitespace was replaced in the space format",
                   MetricType::counter,
                   {{{}, static_cast<double>(builder.formatter().sanitized_values())}}});
  };
}

}  // namespace canhose::record
