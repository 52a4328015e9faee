#pragma once
// Every `period`, takes the latest value of each configured field from the FieldStore
// and appends one formatted record to the RecordSink (the queue), whose sequence becomes
// the record_id. A value older than its field's max age is written as missing.
//
// Timing: an asio steady_timer on a fixed grid (start + k * period), so records do not
// drift; if the loop was held up for more than a period, the missed ticks are skipped
// (counted), never bunched. The record timestamp is the wall clock (UTC, ms) at the tick,
// from an injectable clock so the daemon can use a GPS-corrected clock and tests a
// fixed one.
//
// CSV header: with csv_header on (csv only), the header line is appended as a record of
// its own when the builder starts. Firehose concatenates records into S3 objects, so a
// header cannot begin each object: it appears once per daemon start, wherever that
// falls. Readers that load several objects should use names=[...] and drop rows equal
// to the header, or leave csv_header off (the default) and take names from config.
//
// Lifetime: the FieldStore and RecordSink outlive the builder. Event-loop thread only.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "record/field_store.hpp"
#include "record/record_builder_options.hpp"
#include "record/record_formatter.hpp"
#include "record/record_sink.hpp"

namespace canhose::record {

class RecordBuilder {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  struct Counters {
    std::uint64_t records = 0;          // snapshot records appended
    std::uint64_t append_failures = 0;  // the sink refused a record
    std::uint64_t skipped_ticks = 0;    // periods missed because the loop was held up
    std::uint64_t header_records = 0;
  };

  // Throws std::invalid_argument for a bad configuration (see RecordFormatter).
  RecordBuilder(asio::io_context& io, FieldStore& store, RecordSink& sink,
                RecordBuilderOptions options, WallClock clock = &std::chrono::system_clock::now);
  RecordBuilder(const RecordBuilder&) = delete;
  RecordBuilder& operator=(const RecordBuilder&) = delete;
  ~RecordBuilder();

  void start();  // header record if configured, then the first snapshot after one period
  void stop();

  // Takes one snapshot now and appends it (the timer calls this every period).
  AppendResult build_once();

  const Counters& counters() const { return counters_; }
  const RecordFormatter& formatter() const { return formatter_; }

 private:
  void schedule();

  asio::steady_timer timer_;
  FieldStore& store_;
  RecordSink& sink_;
  RecordBuilderOptions options_;
  WallClock clock_;
  RecordFormatter formatter_;
  std::vector<FieldId> field_ids_;  // per column; unused for built-ins
  std::vector<std::chrono::milliseconds> max_age_;
  std::vector<const FieldValue*> values_;  // scratch, one per column
  std::chrono::steady_clock::time_point next_tick_{};
  bool running_ = false;
  Counters counters_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace canhose::record
