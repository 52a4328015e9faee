// From a real gpsd to records: gpsfake replays the bt451 car log, GpsdClient feeds the
// FieldStore through GpsFieldPublisher, and the RecordBuilder's lines carry the log's
// positions — then NaN once the fix is gone.

#include <gtest/gtest.h>

#include <functional>
#include <sstream>

#include "gps/gpsd_client.hpp"
#include "record/gps_field_publisher.hpp"
#include "record/record_builder.hpp"
#include "support/gpsfake_server.hpp"
#include "support/memory_record_sink.hpp"
#include "support/test_paths.hpp"

namespace canhose {
namespace {

using namespace std::chrono_literals;

TEST(GpsRecords, FixesFromGpsdReachSpaceRecordsAndNoFixBecomesNaN) {
  const auto port = test::free_loopback_port();
  test::GpsfakeServer gpsd(std::string(CANHOSE_TEST_DATA_DIR) + "/nmea/bt451.log", port,
                           /*once=*/true);
  asio::io_context io;
  gps::GpsdOptions gps_options;
  gps_options.port = port;
  gps_options.reconnect_min = 50ms;
  gps_options.reconnect_max = 400ms;
  gps_options.max_fix_age = 1s;
  gps::GpsdClient client(io, gps_options);
  record::FieldStore store;
  record::GpsFieldPublisher publisher(store);
  client.on_fix([&](const gps::GpsFix& f) { publisher.publish(f); });

  test::MemoryRecordSink sink;
  record::RecordBuilderOptions options;
  options.fields = {"record_id", "timestamp", "vin", "lat", "lon", "gps_speed", "gps_mode"};
  options.vin = "1HGCM82633A004352";
  options.period = 100ms;
  options.field_max_age = 2s;
  record::RecordBuilder builder(io, store, sink, options);
  client.start();
  builder.start();

  // Until a record shows the log's last position (55.7803292, 23.5784340), then until
  // the fix has gone stale and a record shows NaN again; bounded by a generous limit.
  auto has_line = [&](const std::function<bool(const std::string&)>& pred) {
    for (const auto& r : sink.records) {
      if (pred(r)) {
        return true;
      }
    }
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  auto last_position = [](const std::string& r) {
    return r.find(" 55.7803292 23.5784340 ") != std::string::npos;
  };
  while (!has_line(last_position) && std::chrono::steady_clock::now() < deadline) {
    io.run_for(50ms);
  }
  ASSERT_TRUE(has_line(last_position)) << gpsd.stderr_text();
  const std::size_t after_fix = sink.records.size();
  auto no_fix = [&](const std::string& r) { return r.ends_with(" NaN NaN NaN 1\n"); };
  while (!no_fix(sink.records.back()) && std::chrono::steady_clock::now() < deadline) {
    io.run_for(50ms);
  }
  ASSERT_TRUE(no_fix(sink.records.back())) << sink.records.back();
  ASSERT_GT(sink.records.size(), after_fix);

  // Every record is 7 space-separated columns; no record ever holds 0,0.
  for (const auto& r : sink.records) {
    std::istringstream in(r);
    std::string column;
    int columns = 0;
    while (in >> column) {
      ++columns;
    }
    EXPECT_EQ(columns, 7) << r;
    EXPECT_EQ(r.find(" 0.0000000 0.0000000 "), std::string::npos) << r;
  }
  // Positions from the log, with speeds in km/h (16.462 m/s = 59.3 km/h at the end).
  EXPECT_TRUE(has_line([](const std::string& r) {
    return r.find(" 55.7803292 23.5784340 59.3 3\n") != std::string::npos;
  }));
}

}  // namespace
}  // namespace canhose
