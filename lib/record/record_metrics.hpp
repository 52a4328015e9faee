#pragma once
// Prometheus metrics of the record builder and the raw-frame recorder.
//
//   canhose_record_records_total{kind="snapshot"|"raw_frame"|"header"}
//   canhose_record_refused_total{kind=...}     records the queue refused
//   canhose_record_skipped_ticks_total         periods missed because the loop was held up
//   canhose_record_sanitized_values_total      string values whose whitespace was replaced

#include "metrics/metric_registry.hpp"
#include "record/raw_frame_recorder.hpp"
#include "record/record_builder.hpp"

namespace canhose::record {

// `raw` may be null (raw capture off). Both must outlive the registry's use.
metrics::MetricRegistry::Collector metrics_collector(const RecordBuilder& builder,
                                                     const RawFrameRecorder* raw);

}  // namespace canhose::record
