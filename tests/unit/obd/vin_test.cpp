#include "obd/vin.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace canhose::obd {
namespace {

std::vector<std::uint8_t> response(const std::vector<std::uint8_t>& field) {
  std::vector<std::uint8_t> p{0x49, 0x02, 0x01};
  p.insert(p.end(), field.begin(), field.end());
  return p;
}

std::vector<std::uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

TEST(Vin, SeventeenValidCharactersAfterTheCountByte) {
  const VinResult r = parse_vin_response(response(bytes("1G1JC5444R7252367")));
  ASSERT_TRUE(r.vin) << r.error;
  EXPECT_EQ(*r.vin, "1G1JC5444R7252367");
}

TEST(Vin, LeadingAndTrailingPaddingIsStripped) {
  std::vector<std::uint8_t> field{0x00, 0x00, 0x00};
  const auto v = bytes("WVWZZZ1JZXW000001");
  field.insert(field.end(), v.begin(), v.end());
  field.push_back(0xFF);
  const VinResult r = parse_vin_response(response(field));
  ASSERT_TRUE(r.vin) << r.error;
  EXPECT_EQ(*r.vin, "WVWZZZ1JZXW000001");
}

TEST(Vin, WrongLengthIsRejected) {
  const VinResult r = parse_vin_response(response(bytes("WVWZZZ1JZXW00000")));
  EXPECT_FALSE(r.vin);
  EXPECT_NE(r.error.find("16 characters"), std::string::npos);
}

TEST(Vin, LettersIOAndQAreNotInTheIso3779Set) {
  EXPECT_FALSE(parse_vin_response(response(bytes("WVWZZZ1JZXW00000I"))).vin);
  EXPECT_FALSE(parse_vin_response(response(bytes("WVWZZZ1JZXWO00001"))).vin);
  EXPECT_FALSE(parse_vin_response(response(bytes("QVWZZZ1JZXW000001"))).vin);
  EXPECT_FALSE(parse_vin_response(response(bytes("wvwzzz1jzxw000001"))).vin);
}

TEST(Vin, OtherResponsesAreNotVins) {
  const std::vector<std::uint8_t> mode01{0x41, 0x02, 0x01, 'A'};
  EXPECT_FALSE(parse_vin_response(mode01).vin);
  EXPECT_FALSE(parse_vin_response(std::vector<std::uint8_t>{0x49, 0x02}).vin);
}

TEST(Vin, ValidationAlone) {
  EXPECT_TRUE(is_valid_vin("1G1JC5444R7252367"));
  EXPECT_FALSE(is_valid_vin("1G1JC5444R725236"));
  EXPECT_FALSE(is_valid_vin("1G1JC5444R72523-7"));
}

}  // namespace
}  // namespace canhose::obd
