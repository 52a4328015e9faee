#include "record/record_builder.hpp"

#include <gtest/gtest.h>

#include "gps/gps_fix.hpp"
#include "metrics/metric_family.hpp"
#include "record/gps_field_publisher.hpp"
#include "record/record_metrics.hpp"
#include "support/memory_record_sink.hpp"

namespace canhose::record {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

const system_clock::time_point kWall = sys_days{year{2026} / 11 / 25} + 18h + 500ms;

RecordBuilderOptions course_options() {
  RecordBuilderOptions o;
  o.fields = {"record_id", "timestamp", "vin", "lat", "lon", "speed", "rpm"};
  o.period = 10ms;
  o.vin = "1HGCM82633A004352";
  o.field_max_age = 5s;
  return o;
}

// Runs handlers one at a time until `n` records exist; bounded by a handler count, not by
// time, so a slow machine cannot fail it and a stuck timer cannot hang it.
void run_until_records(asio::io_context& io, const test::MemoryRecordSink& sink, std::size_t n) {
  for (int handlers = 0; handlers < 1000 && sink.records.size() < n; ++handlers) {
    if (io.run_one() == 0) {
      break;
    }
  }
}

TEST(RecordBuilder, OneRecordPerTickWithTheQueueSequenceAsRecordId) {
  asio::io_context io;
  FieldStore store;
  test::MemoryRecordSink sink(/*first_sequence=*/1000);
  RecordBuilder builder(io, store, sink, course_options(), [] { return kWall; });
  store.publish("lat", 55.797019833);
  store.publish("lon", 23.569020667);
  store.publish("speed", 52.0);
  store.publish("rpm", std::int64_t{2100});
  builder.start();
  run_until_records(io, sink, 5);
  ASSERT_EQ(sink.records.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(sink.records[i], std::to_string(1000 + i) +
                                   " 2026-11-25T18:00:00.500Z 1HGCM82633A004352 55.7970198 "
                                   "23.5690207 52.0 2100\n");
  }
  EXPECT_EQ(builder.counters().records, 5u);
  builder.stop();
  EXPECT_EQ(io.run_one(), 1u);         // the cancelled wait completes...
  EXPECT_EQ(sink.records.size(), 5u);  // ...without a record
}

TEST(RecordBuilder, StaleAndUnpublishedFieldsAreMissing) {
  asio::io_context io;
  FieldStore store;
  test::MemoryRecordSink sink;
  auto options = course_options();
  options.field_max_age_overrides["rpm"] = 1s;
  RecordBuilder builder(io, store, sink, options, [] { return kWall; });
  const auto now = steady_clock::now();
  store.publish("lat", 55.5, now - 4s);               // within the 5 s default
  store.publish("lon", 23.5, now - 6s);               // older than 5 s: stale
  store.publish("rpm", std::int64_t{900}, now - 2s);  // older than its own 1 s
  // speed never published
  builder.build_once();
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0],
            "1 2026-11-25T18:00:00.500Z 1HGCM82633A004352 55.5000000 NaN NaN NaN\n");
}

TEST(RecordBuilder, VinNeverGoesStaleButClearedFieldsDo) {
  asio::io_context io;
  FieldStore store;
  test::MemoryRecordSink sink;
  RecordBuilder builder(io, store, sink, course_options(), [] { return kWall; });
  store.publish("vin", std::string("WVWZZZ1JZXW000001"), steady_clock::now() - 24h);
  store.publish("speed", 10.0);
  store.clear("speed");
  builder.build_once();
  EXPECT_EQ(sink.records[0], "1 2026-11-25T18:00:00.500Z WVWZZZ1JZXW000001 NaN NaN NaN NaN\n");
}

TEST(RecordBuilder, CsvHeaderIsTheFirstRecordAfterStart) {
  asio::io_context io;
  FieldStore store;
  test::MemoryRecordSink sink(50);
  auto options = course_options();
  options.format = RecordFormat::csv;
  options.csv_header = true;
  RecordBuilder builder(io, store, sink, options, [] { return kWall; });
  builder.start();
  run_until_records(io, sink, 2);
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(sink.records[0], "record_id,timestamp,vin,lat,lon,speed,rpm\n");
  EXPECT_EQ(sink.records[1], "51,2026-11-25T18:00:00.500Z,1HGCM82633A004352,NaN,NaN,NaN,NaN\n");
  EXPECT_EQ(builder.counters().header_records, 1u);
}

TEST(RecordBuilder, RefusedRecordIsCountedAndTheNextTickTriesAgain) {
  asio::io_context io;
  FieldStore store;
  test::MemoryRecordSink sink(7);
  RecordBuilder builder(io, store, sink, course_options(), [] { return kWall; });
  sink.refuse_next(2);
  builder.start();
  run_until_records(io, sink, 2);
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(builder.counters().append_failures, 2u);
  EXPECT_EQ(sink.sequences, (std::vector<std::uint64_t>{7, 8}));  // no sequence lost
}

TEST(RecordBuilder, SpaceInVinIsRefusedAtStartUp) {
  asio::io_context io;
  FieldStore store;
  test::MemoryRecordSink sink;
  auto options = course_options();
  options.vin = "1HGCM8 2633A004352";
  EXPECT_THROW(RecordBuilder(io, store, sink, options), std::invalid_argument);
  options.vin = "";
  options.period = 0ms;
  EXPECT_THROW(RecordBuilder(io, store, sink, options), std::invalid_argument);
}

TEST(RecordBuilder, GpsFixesReachRecordsAndNoFixIsNotZeroZero) {
  asio::io_context io;
  FieldStore store;
  test::MemoryRecordSink sink;
  auto options = course_options();
  options.fields = {"record_id", "lat", "lon", "alt", "gps_speed", "gps_mode", "gps_sats"};
  RecordBuilder builder(io, store, sink, options, [] { return kWall; });
  GpsFieldPublisher gps(store);

  gps::GpsFix fix;
  fix.mode = gps::FixMode::three_d;
  fix.latitude_deg = 55.780497167;
  fix.longitude_deg = 23.578687167;
  fix.altitude_msl_m = 128.9;
  fix.speed_mps = 15.6;
  fix.satellites_used = 7;
  fix.observed_steady = steady_clock::now();
  gps.publish(fix);
  builder.build_once();
  gps.publish(gps::GpsFix::no_fix(system_clock::now(), steady_clock::now()));
  builder.build_once();
  fix.observed_steady = steady_clock::now() - 10s;  // an old fix: stale by field_max_age
  gps.publish(fix);
  builder.build_once();
  ASSERT_EQ(sink.records.size(), 3u);
  EXPECT_EQ(sink.records[0], "1 55.7804972 23.5786872 128.9 56.2 3 7\n");
  EXPECT_EQ(sink.records[1], "2 NaN NaN NaN NaN 1 NaN\n");
  EXPECT_EQ(sink.records[2], "3 NaN NaN NaN NaN NaN NaN\n");
}

TEST(RecordBuilder, MetricsCountRecordsRefusalsAndSanitizedValues) {
  asio::io_context io;
  FieldStore store;
  test::MemoryRecordSink sink;
  auto options = course_options();
  options.fields = {"record_id", "gear_text"};
  RecordBuilder builder(io, store, sink, options, [] { return kWall; });
  store.publish("gear_text", std::string("D 4"));
  builder.build_once();
  sink.refuse_next(1);
  builder.build_once();
  std::vector<metrics::MetricFamily> families;
  metrics_collector(builder, nullptr)(families);
  const std::string text = metrics::render_prometheus(families);
  EXPECT_NE(text.find("canhose_record_records_total{kind=\"snapshot\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("canhose_record_refused_total{kind=\"snapshot\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("canhose_record_sanitized_values_total 1\n"), std::string::npos);
}

}  // namespace
}  // namespace canhose::record
