#include "obd/supported_pids.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "obd/negative_response.hpp"

namespace canhose::obd {
namespace {

TEST(SupportedPids, BitmapBE1FA813) {
  // BE = 1011 1110: 01 03 04 05 06 07; 1F = 0001 1111: 0C 0D 0E 0F 10;
  // A8 = 1010 1000: 11 13 15; 13 = 0001 0011: 1C 1F 20.
  SupportedPids s;
  const std::vector<std::uint8_t> answer{0x41, 0x00, 0xBE, 0x1F, 0xA8, 0x13};
  ASSERT_TRUE(s.apply(0x00, answer));
  const std::vector<int> expected{0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0C, 0x0D, 0x0E,
                                  0x0F, 0x10, 0x11, 0x13, 0x15, 0x1C, 0x1F, 0x20};
  for (int pid = 0; pid < 256; ++pid) {
    const bool want = std::find(expected.begin(), expected.end(), pid) != expected.end();
    EXPECT_EQ(s.supports(static_cast<std::uint8_t>(pid)), want) << "PID " << pid;
  }
  EXPECT_TRUE(s.has_range(0x00));
  EXPECT_FALSE(s.has_range(0x20));
}

TEST(SupportedPids, HigherRangeMapsFromItsBase) {
  SupportedPids s;
  // Range 0x40: A = 0x40 -> PID 0x42; D = 0x04 -> PID 0x5E (bit 2 of the last byte).
  const std::vector<std::uint8_t> answer{0x41, 0x40, 0x40, 0x00, 0x00, 0x04};
  ASSERT_TRUE(s.apply(0x40, answer));
  EXPECT_TRUE(s.supports(0x42));
  EXPECT_TRUE(s.supports(0x5E));
  EXPECT_FALSE(s.supports(0x60));
}

TEST(SupportedPids, MalformedAnswersChangeNothing) {
  SupportedPids s;
  EXPECT_FALSE(s.apply(0x00, std::vector<std::uint8_t>{0x41, 0x00, 0xFF, 0xFF, 0xFF}));
  EXPECT_FALSE(s.apply(0x00, std::vector<std::uint8_t>{0x41, 0x20, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_FALSE(s.apply(0x10, std::vector<std::uint8_t>{0x41, 0x10, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_FALSE(s.any());
}

TEST(NegativeResponse, DecodesServiceAndNamesTheCode) {
  const std::vector<std::uint8_t> payload{0x7F, 0x01, 0x12};
  const auto nr = parse_negative_response(payload);
  ASSERT_TRUE(nr);
  EXPECT_EQ(nr->service, 0x01);
  EXPECT_EQ(nr->code, 0x12);
  EXPECT_EQ(nrc_name(0x12), "subFunctionNotSupported");
  EXPECT_EQ(nrc_name(0x11), "serviceNotSupported");
  EXPECT_EQ(nrc_name(0x22), "conditionsNotCorrect");
  EXPECT_EQ(nrc_name(0x78), "requestCorrectlyReceivedResponsePending");
  EXPECT_EQ(nrc_name(0x99), "unknown");
  EXPECT_FALSE(parse_negative_response(std::vector<std::uint8_t>{0x7F, 0x01}));
  EXPECT_FALSE(parse_negative_response(std::vector<std::uint8_t>{0x41, 0x0D, 0x10}));
}

}  // namespace
}  // namespace canhose::obd
