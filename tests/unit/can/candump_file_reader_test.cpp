#include "can/candump_file_reader.hpp"
#include "support/test_paths.hpp"

#include <gtest/gtest.h>

#include <map>

#include "support/temp_dir.hpp"

namespace canhose::can {
namespace {

const std::string kSavvyLog = std::string(CANHOSE_TEST_DATA_DIR) + "/can/savvycan-candump.log";

TEST(CandumpFileReader, ParsesEveryFrameOfTheSavvyCanLog) {
  CandumpFileReader reader;
  ASSERT_FALSE(reader.open(kSavvyLog));
  CanFrame f;
  std::vector<CanFrame> frames;
  CandumpFileReader::Status status;
  while ((status = reader.next(f)) == CandumpFileReader::Status::frame) {
    frames.push_back(f);
  }
  EXPECT_EQ(status, CandumpFileReader::Status::end_of_file);
  ASSERT_EQ(frames.size(), 12974u);
  EXPECT_EQ(reader.stats().frames, 12974u);
  EXPECT_EQ(reader.stats().malformed, 0u);
  EXPECT_EQ(reader.stats().lines, 12974u);

  // Line 1: (166.000000) vcan0 21A#FE3612FE690507AD
  EXPECT_EQ(frames[0].id, 0x21Au);
  EXPECT_EQ(frames[0].len, 8);
  EXPECT_EQ(frames[0].data[0], 0xFE);
  EXPECT_EQ(frames[0].data[7], 0xAD);
  EXPECT_EQ(frames[0].timestamp_ns, 166'000'000'000LL);
  EXPECT_EQ(frames[0].interface, "vcan0");
  // Line 19: (166.000000) vcan0 48C#00 -- a one-byte frame
  EXPECT_EQ(frames[18].id, 0x48Cu);
  EXPECT_EQ(frames[18].len, 1);
  EXPECT_EQ(frames[18].data[0], 0x00);
  // Line 5000: (169.000000) vcan0 228#40C070EB
  EXPECT_EQ(frames[4999].id, 0x228u);
  EXPECT_EQ(frames[4999].len, 4);
  EXPECT_EQ(frames[4999].data[2], 0x70);
  EXPECT_EQ(frames[4999].timestamp_ns, 169'000'000'000LL);
  // Last line: (174.000000) vcan0 102#0C96D0FFC1FF
  EXPECT_EQ(frames.back().id, 0x102u);
  EXPECT_EQ(frames.back().len, 6);
  EXPECT_EQ(frames.back().data[5], 0xFF);
  EXPECT_EQ(frames.back().timestamp_ns, 174'000'000'000LL);

  // Whole-second timestamps: the log bursts, 9 distinct seconds (166..174).
  std::map<std::int64_t, int> per_second;
  for (const CanFrame& x : frames) {
    ++per_second[x.timestamp_ns];
    EXPECT_FALSE(x.extended);
    EXPECT_FALSE(x.fd);
  }
  EXPECT_EQ(per_second.size(), 9u);
}

TEST(CandumpFileReader, MalformedLinesAreCountedWithTheirLineNumberAndSkipped) {
  test::TempDir dir;
  const auto path = dir.write("bad.log",
                              "(1.0) can0 123#11\n"
                              "\n"
                              "(1.1) can0 12#11\n"
                              "garbage\n"
                              "(1.2) can0 124##1AA\n"
                              "(1.3) can0 125#R");  // last line without newline
  CandumpFileReader reader;
  ASSERT_FALSE(reader.open(path.string()));
  CanFrame f;
  std::vector<std::uint32_t> ids;
  while (reader.next(f) == CandumpFileReader::Status::frame) {
    ids.push_back(f.id);
  }
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{0x123, 0x124, 0x125}));
  EXPECT_EQ(reader.stats().malformed, 2u);
  EXPECT_EQ(reader.stats().lines, 6u);
  EXPECT_NE(reader.last_error().find("bad.log:4: "), std::string::npos) << reader.last_error();
}

TEST(CandumpFileReader, OverlongLineIsMalformedNotFatal) {
  test::TempDir dir;
  std::string text =
      "(1.0) can0 123#11\n(1.0) can0 456#" + std::string(200'000, 'A') + "\n(2.0) can0 789#22\n";
  const auto path = dir.write("long.log", text);
  CandumpFileReader reader;
  ASSERT_FALSE(reader.open(path.string()));
  CanFrame f;
  std::vector<std::uint32_t> ids;
  while (reader.next(f) == CandumpFileReader::Status::frame) {
    ids.push_back(f.id);
  }
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{0x123, 0x789}));
  EXPECT_EQ(reader.stats().malformed, 1u);
  EXPECT_NE(reader.last_error().find(":2: line longer"), std::string::npos) << reader.last_error();
}

TEST(CandumpFileReader, RewindStartsAgainFromTheFirstLine) {
  test::TempDir dir;
  const auto path = dir.write("two.log", "(1.0) can0 001#\n(2.0) can1 002#\n");
  CandumpFileReader reader;
  ASSERT_FALSE(reader.open(path.string()));
  CanFrame f;
  ASSERT_EQ(reader.next(f), CandumpFileReader::Status::frame);
  const std::string_view first_name = f.interface;
  ASSERT_EQ(reader.next(f), CandumpFileReader::Status::frame);
  EXPECT_EQ(f.interface, "can1");
  ASSERT_EQ(reader.next(f), CandumpFileReader::Status::end_of_file);
  ASSERT_FALSE(reader.rewind());
  ASSERT_EQ(reader.next(f), CandumpFileReader::Status::frame);
  EXPECT_EQ(f.id, 1u);
  EXPECT_EQ(reader.line_number(), 1u);
  EXPECT_EQ(f.interface.data(), first_name.data());  // interned, stable
}

TEST(CandumpFileReader, MissingFileIsAClearError) {
  CandumpFileReader reader;
  const std::error_code ec = reader.open("/nonexistent/canhose.log");
  EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
  EXPECT_NE(reader.last_error().find("/nonexistent/canhose.log"), std::string::npos);
  CanFrame f;
  EXPECT_EQ(reader.next(f), CandumpFileReader::Status::io_error);
}

}  // namespace
}  // namespace canhose::can
