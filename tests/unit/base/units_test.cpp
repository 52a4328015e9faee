#include "base/units.hpp"

#include <gtest/gtest.h>

namespace canhose::base {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsTheUnitsPeopleWrite) {
  EXPECT_EQ(parse_duration("250ms"), Duration(250));
  EXPECT_EQ(parse_duration("5s"), Duration(5s));
  EXPECT_EQ(parse_duration("15m"), Duration(15min));
  EXPECT_EQ(parse_duration("15min"), Duration(15min));
  EXPECT_EQ(parse_duration("2h"), Duration(2h));
  EXPECT_EQ(parse_duration("1d"), Duration(24h));
  EXPECT_EQ(parse_duration("1h30m"), Duration(90min));
  EXPECT_EQ(parse_duration("1S"), Duration(1s));
  EXPECT_EQ(parse_duration("0"), Duration(0));
}

TEST(ParseDuration, RejectsAnythingAmbiguousOrMalformed) {
  for (const char* bad : {"", "5", "s", "5 s", "5seconds", "-5s", "1.5s", "5s ", "5x", "ms5",
                          "99999999999999999999s"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(ParseByteSize, BinaryAndDecimalUnits) {
  EXPECT_EQ(parse_byte_size("64KiB")->bytes, 65536u);
  EXPECT_EQ(parse_byte_size("512MiB")->bytes, 512ull << 20);
  EXPECT_EQ(parse_byte_size("1GiB")->bytes, 1ull << 30);
  EXPECT_EQ(parse_byte_size("4MB")->bytes, 4'000'000u);
  EXPECT_EQ(parse_byte_size("100B")->bytes, 100u);
  EXPECT_EQ(parse_byte_size("100")->bytes, 100u);
  EXPECT_EQ(parse_byte_size("64kib")->bytes, 65536u);
}

TEST(ParseByteSize, RejectsUnknownUnitsAndOverflow) {
  for (const char* bad : {"", "KiB", "64K", "64 KiB", "1.5MiB", "-1", "64KiBs", "99999999999TiB"}) {
    EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
  }
}

TEST(FormatUnits, RoundTripsThroughTheParser) {
  for (const char* text : {"250ms", "5s", "15m", "1h30m", "1d", "0s", "1500ms"}) {
    const auto d = parse_duration(text);
    ASSERT_TRUE(d) << text;
    EXPECT_EQ(parse_duration(format_duration(*d)), d) << text;
  }
  EXPECT_EQ(format_duration(Duration(90s)), "1m30s");
  EXPECT_EQ(format_byte_size(ByteSize{65536}), "64KiB");
  EXPECT_EQ(format_byte_size(ByteSize{1000}), "1000B");
  EXPECT_EQ(format_byte_size(ByteSize{3ull << 30}), "3GiB");
}

}  // namespace
}  // namespace canhose::base
