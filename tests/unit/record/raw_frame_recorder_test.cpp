#include "record/raw_frame_recorder.hpp"

#include <gtest/gtest.h>

#include <array>

#include "support/memory_record_sink.hpp"

namespace canhose::record {
namespace {

using namespace std::chrono;

const sys_time<microseconds> kTime = sys_days{year{2026} / 11 / 25} + 18h + 123456us;

RawFrameOptions obd_ids() {
  RawFrameOptions o;
  o.enabled = true;
  o.ids = {0x7E8, 0x18DAF110};
  return o;
}

TEST(RawFrameRecorder, SelectedFramesBecomeOneRecordEach) {
  test::MemoryRecordSink sink(1042);
  RawFrameRecorder recorder(sink, obd_ids(), RecordFormat::space);
  const std::array<std::uint8_t, 8> reply = {0x04, 0x41, 0x0C, 0x1A, 0xF8, 0x00, 0x00, 0x00};
  EXPECT_TRUE(recorder.on_frame({"can0", 0x7E8, 0, reply, kTime}));
  EXPECT_TRUE(recorder.on_frame({"can1", 0x18DAF110, RawFrame::kExtended, reply, kTime}));
  EXPECT_FALSE(recorder.on_frame({"can0", 0x7E9, 0, reply, kTime}));
  // 0x18DAF110 selects the 29-bit frame only; 0x7E8 the 11-bit one only.
  EXPECT_FALSE(recorder.on_frame({"can0", 0x7E8, RawFrame::kExtended, reply, kTime}));
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(sink.records[0], "1042 2026-11-25T18:00:00.123456Z can0 7E8 04410C1AF8000000\n");
  EXPECT_EQ(sink.records[1], "1043 2026-11-25T18:00:00.123456Z can1 18DAF110 04410C1AF8000000\n");
  EXPECT_EQ(recorder.counters().frames_seen, 4u);
  EXPECT_EQ(recorder.counters().records, 2u);
}

TEST(RawFrameRecorder, RemoteEmptyAndFdFramesInEachFormat) {
  test::MemoryRecordSink sink(1);
  auto options = obd_ids();
  options.extended_ids = {0x123};
  std::array<std::uint8_t, 12> fd{};
  fd[0] = 0xAB;
  fd[11] = 0xCD;
  for (const auto format : {RecordFormat::space, RecordFormat::csv, RecordFormat::jsonl}) {
    RawFrameRecorder recorder(sink, options, format);
    recorder.on_frame({"can0", 0x7E8, RawFrame::kRemote, {}, kTime});
    recorder.on_frame({"can0", 0x7E8, 0, {}, kTime});
    recorder.on_frame({"can0", 0x123, RawFrame::kExtended | RawFrame::kFd, fd, kTime});
  }
  ASSERT_EQ(sink.records.size(), 9u);
  EXPECT_EQ(sink.records[0], "1 2026-11-25T18:00:00.123456Z can0 7E8 R\n");
  EXPECT_EQ(sink.records[1], "2 2026-11-25T18:00:00.123456Z can0 7E8 NaN\n");
  EXPECT_EQ(sink.records[2],
            "3 2026-11-25T18:00:00.123456Z can0 00000123 AB00000000000000000000CD\n");
  EXPECT_EQ(sink.records[3], "4,2026-11-25T18:00:00.123456Z,can0,7E8,R\n");
  EXPECT_EQ(sink.records[4], "5,2026-11-25T18:00:00.123456Z,can0,7E8,NaN\n");
  EXPECT_EQ(
      sink.records[6],
      R"({"record_id":7,"timestamp":"2026-11-25T18:00:00.123456Z","iface":"can0","id":"7E8","data":"R"})"
      "\n");
  EXPECT_EQ(
      sink.records[7],
      R"({"record_id":8,"timestamp":"2026-11-25T18:00:00.123456Z","iface":"can0","id":"7E8","data":null})"
      "\n");
}

TEST(RawFrameRecorder, DisabledRecordsNothingAndBadIdsAreRefused) {
  test::MemoryRecordSink sink;
  auto options = obd_ids();
  options.enabled = false;
  RawFrameRecorder recorder(sink, options, RecordFormat::space);
  EXPECT_FALSE(recorder.on_frame({"can0", 0x7E8, 0, {}, kTime}));
  EXPECT_TRUE(sink.records.empty());
  options.ids = {0x20000000};
  EXPECT_THROW(RawFrameRecorder(sink, options, RecordFormat::space), std::invalid_argument);
}

}  // namespace
}  // namespace canhose::record
