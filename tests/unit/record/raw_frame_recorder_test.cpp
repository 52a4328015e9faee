#include "record/raw_frame_recorder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>

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

// `ids: all`: a data logger's default, every frame of every id and both id lengths.
TEST(RawFrameRecorder, AllIdsCapturesEveryFrame) {
  test::MemoryRecordSink sink(1);
  RawFrameOptions options;
  options.enabled = true;
  options.all_ids = true;
  RawFrameRecorder recorder(sink, options, RecordFormat::space);
  const std::array<std::uint8_t, 1> data = {0x2A};
  EXPECT_TRUE(recorder.on_frame({"can0", 0x000, 0, data, kTime}));
  EXPECT_TRUE(recorder.on_frame({"can0", 0x7FF, 0, data, kTime}));
  EXPECT_TRUE(recorder.on_frame({"can0", 0x123, RawFrame::kExtended, data, kTime}));
  EXPECT_TRUE(recorder.on_frame({"can0", 0x1FFFFFFF, RawFrame::kExtended, data, kTime}));
  const std::array<RawFrame, 2> batch = {
      RawFrame{"can1", 0x7E8, 0, data, kTime},
      RawFrame{"can1", 0x18FEF100, RawFrame::kExtended, data, kTime}};
  EXPECT_EQ(recorder.on_frames(batch), 2u);
  ASSERT_EQ(sink.records.size(), 6u);
  EXPECT_EQ(sink.records[3], "4 2026-11-25T18:00:00.123456Z can0 1FFFFFFF 2A\n");
  EXPECT_EQ(sink.records[5], "6 2026-11-25T18:00:00.123456Z can1 18FEF100 2A\n");
  // Disabled still means nothing.
  options.enabled = false;
  RawFrameRecorder off(sink, options, RecordFormat::space);
  EXPECT_FALSE(off.on_frame({"can0", 0x123, 0, data, kTime}));
}

// An independent, slow formatter written from the documented format (raw_frame_recorder.hpp):
// snprintf and gmtime, per-character escaping. The recorder's formatter (cached seconds,
// record ids incremented in place, hex pairs, one append) must write the same bytes.
std::string reference_line(RecordFormat format, std::uint64_t record_id, const RawFrame& f) {
  const std::int64_t us = f.timestamp.time_since_epoch().count();
  const std::time_t seconds = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char ts[96];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(us % 1'000'000 + 1'000'000) % 1'000'000);
  const bool extended = (f.flags & RawFrame::kExtended) != 0;
  char id[16];
  std::snprintf(id, sizeof id, extended ? "%08X" : "%03X", f.id);
  std::string data;
  for (std::uint8_t b : f.data) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02X", b);
    data += hex;
  }
  const bool remote = (f.flags & RawFrame::kRemote) != 0;
  std::string iface;
  if (format == RecordFormat::jsonl) {
    iface = "\"";
    for (char c : f.iface) {
      iface += c == '"' ? std::string("\\\"") : std::string(1, c);
    }
    iface += "\"";
    const std::string data_json = remote ? "\"R\"" : data.empty() ? "null" : "\"" + data + "\"";
    return "{\"record_id\":" + std::to_string(record_id) + ",\"timestamp\":\"" + ts +
           "\",\"iface\":" + iface + ",\"id\":\"" + id + "\",\"data\":" + data_json + "}\n";
  }
  const std::string sep = format == RecordFormat::csv ? "," : " ";
  if (f.iface.empty()) {
    iface = "NaN";
  } else if (format == RecordFormat::csv && f.iface.find(',') != std::string_view::npos) {
    iface = "\"" + std::string(f.iface) + "\"";
  } else {
    for (char c : f.iface) {
      iface += (format == RecordFormat::space && c == ' ') ? '_' : c;
    }
  }
  const std::string data_text = remote ? "R" : data.empty() ? "NaN" : data;
  return std::to_string(record_id) + sep + ts + sep + iface + sep + id + sep + data_text + "\n";
}

TEST(RawFrameRecorder, FormatAgreesWithAReferenceFormatterOnManyFrames) {
  std::mt19937_64 rng(1125);
  const std::array<std::string_view, 5> ifaces = {"can0", "vcan10", "", "a b", "x,y"};
  const std::array<std::uint8_t, 16> fd_lengths = {0, 1,  2,  3,  4,  5,  6,  7,
                                                   8, 12, 16, 20, 24, 32, 48, 64};
  std::array<std::uint8_t, 64> bytes{};
  test::MemoryRecordSink unused;
  for (const auto format : {RecordFormat::space, RecordFormat::csv, RecordFormat::jsonl}) {
    RawFrameRecorder recorder(unused, RawFrameOptions{}, format);
    // Record ids run on (through 9 -> 10, 99 -> 100, ...) with occasional jumps, as when
    // snapshot records take sequence numbers in between.
    std::uint64_t record_id = 1;
    sys_time<microseconds> t = kTime;
    std::string out;
    for (int i = 0; i < 30000; ++i) {
      RawFrame f;
      f.iface = ifaces[rng() % (i % 1000 < 990 ? 2 : ifaces.size())];
      if (format == RecordFormat::jsonl && f.iface.empty()) {
        f.iface = "can0";
      }
      const bool extended = (rng() & 3) == 0;
      f.flags = static_cast<std::uint8_t>((extended ? RawFrame::kExtended : 0) |
                                          ((rng() % 50) == 0 ? RawFrame::kRemote : 0));
      f.id = static_cast<std::uint32_t>(rng()) & (extended ? 0x1FFFFFFFu : 0x7FFu);
      const bool fd = (rng() % 10) == 0;
      const std::size_t len = fd ? fd_lengths[rng() % fd_lengths.size()] : rng() % 9;
      for (auto& b : bytes) {
        b = static_cast<std::uint8_t>(rng());
      }
      f.data = std::span<const std::uint8_t>(bytes.data(), len);
      // Mostly within the same second, sometimes the next ones or back in time.
      const auto step = rng() % 100;
      t += step < 90 ? microseconds(rng() % 300) : step < 98 ? seconds(1 + rng() % 3) : -seconds(2);
      f.timestamp = t;
      record_id += (rng() % 20) == 0 ? 1 + rng() % 1000 : 1;
      if (i == 20000) {
        record_id = 99'999'999'999ULL;  // one more digit on the next record
      }
      out.clear();
      recorder.format(record_id, f, out);
      ASSERT_EQ(out, reference_line(format, record_id, f)) << "frame " << i;
    }
  }
}

}  // namespace
}  // namespace canhose::record
