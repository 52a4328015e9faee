#include "service/frame_router.hpp"

#include <gtest/gtest.h>
#include <linux/can/error.h>

#include <string>
#include <variant>
#include <vector>

#include "dbc/dbc_parser.hpp"
#include "support/memory_record_sink.hpp"

namespace canhose::service {
namespace {

using namespace std::chrono_literals;

// Two messages: speed (Motorola, signed, factor) and engine (Intel, offset).
constexpr std::string_view kDbc = R"(BO_ 256 VEHICLE: 8 ECU
 SG_ speed : 7|16@0- (0.01,0) [0|0] "km/h" X
BO_ 257 ENGINE: 8 ECU
 SG_ rpm : 0|16@1+ (0.25,0) [0|0] "rpm" X
 SG_ coolant : 16|8@1+ (1,-40) [0|0] "C" X
)";

dbc::DbcDecoder decoder() {
  dbc::DbcParseResult r = dbc::parse_dbc(kDbc);
  EXPECT_TRUE(r.ok());
  return dbc::DbcDecoder(std::move(r.database), {});
}

can::CanFrame frame(std::uint32_t id, std::initializer_list<std::uint8_t> bytes) {
  can::CanFrame f;
  f.id = id;
  f.len = static_cast<std::uint8_t>(bytes.size());
  std::size_t i = 0;
  for (std::uint8_t b : bytes) {
    f.data[i++] = b;
  }
  f.interface = "can0";
  f.timestamp_ns = 1'764'093'600'123'456'789;  // 2025-11-25T18:00:00.123456789Z
  return f;
}

double number(const record::FieldStore& store, std::string_view name) {
  const auto id = store.find(name);
  EXPECT_TRUE(id.has_value()) << name;
  const record::FieldValue* v = store.get(*id, record::FieldStore::Clock::now(), 10s);
  EXPECT_NE(v, nullptr) << name;
  return v == nullptr ? -1 : std::get<double>(*v);
}

TEST(FrameRouter, DbcSignalsReachTheFieldStoreAndSelectedFramesTheRecords) {
  record::FieldStore store;
  test::MemoryRecordSink sink(7);
  record::RawFrameOptions raw_options;
  raw_options.enabled = true;
  raw_options.ids = {0x101};
  record::RawFrameRecorder raw(sink, raw_options, record::RecordFormat::space);
  FrameRouter router(store, decoder(), &raw);

  can::CanFrame error = frame(0x100, {0xFF, 0xFF});
  error.error = true;
  const std::vector<can::CanFrame> batch = {
      frame(0x100, {0x12, 0x34}),              // speed 0x1234 * 0.01
      frame(0x101, {0x40, 0x1F, 0x7D, 0x00}),  // rpm 8000 * 0.25, coolant 125 - 40
      error,                                   // restarted: sets can0.bus_state, no record
      frame(0x100, {0xFF, 0x38}),              // speed -200 * 0.01: the latest wins
  };
  router.on_frames(batch);

  EXPECT_DOUBLE_EQ(number(store, "speed"), -2.0);
  EXPECT_DOUBLE_EQ(number(store, "rpm"), 2000.0);
  EXPECT_DOUBLE_EQ(number(store, "coolant"), 85.0);
  EXPECT_EQ(store.publish_count(), 5u);  // 4 signals and the bus state
  const auto bus_state = store.find("can0.bus_state");
  ASSERT_TRUE(bus_state);
  const record::FieldValue* state = store.get(*bus_state, record::FieldStore::Clock::now(), 10s);
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(std::get<std::int64_t>(*state), 0);
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0], "7 2025-11-25T18:00:00.123456Z can0 101 401F7D00\n");
}

// With alerts, the rules see each signal they read at its frame's own time, and
// <interface>.bus_state from error frames; after the batch the router hands over.
TEST(FrameRouter, SignalsAndBusStateReachTheRuleEngineAtTheFrameTime) {
  record::FieldStore store;
  FrameRouter router(store, decoder(), nullptr);
  alerts::EngineOptions options;
  alerts::RuleOptions fast;
  fast.name = "fast";
  fast.when = "speed > 40";
  alerts::RuleOptions bus_off;
  bus_off.name = "bus_off";
  bus_off.when = "can0.bus_state == 3";
  options.rules = {fast, bus_off};
  alerts::AlertEngine engine(options);
  std::vector<std::variant<alerts::Event, alerts::Alert>> outputs;
  int batches = 0;
  router.set_alerts(&engine, [&] {
    ++batches;
    for (auto& o : engine.take_outputs()) {
      outputs.push_back(std::move(o));
    }
  });

  can::CanFrame slow = frame(0x100, {0x03, 0xE8});  // 10 km/h
  slow.timestamp_ns = 1'000'000'000;
  can::CanFrame quick = frame(0x100, {0x13, 0x88});  // 50 km/h
  quick.timestamp_ns = 2'000'000'000;
  can::CanFrame off = frame(CAN_ERR_BUSOFF, {});
  off.error = true;
  off.timestamp_ns = 3'000'000'000;
  router.on_frames(std::vector<can::CanFrame>{slow, quick, off});

  EXPECT_EQ(batches, 1);
  std::vector<std::pair<std::string, std::int64_t>> events;
  for (const auto& o : outputs) {
    if (const auto* e = std::get_if<alerts::Event>(&o)) {
      events.emplace_back(e->rule, e->time_ns);
    }
  }
  const std::vector<std::pair<std::string, std::int64_t>> expected{{"fast", 2'000'000'000},
                                                                   {"bus_off", 3'000'000'000}};
  EXPECT_EQ(events, expected);
}

TEST(FrameRouter, WithoutDbcOrRawCaptureFramesAreIgnored) {
  record::FieldStore store;
  FrameRouter router(store, std::nullopt, nullptr);
  const std::vector<can::CanFrame> batch = {frame(0x100, {1, 2})};
  router.on_frames(batch);
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.publish_count(), 0u);
}

}  // namespace
}  // namespace canhose::service
