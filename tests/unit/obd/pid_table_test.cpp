#include "obd/pid_table.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace canhose::obd {
namespace {

// Decodes [41 pid data...] and returns the value, failing the test if it does not decode.
double decode(std::uint8_t pid, std::vector<std::uint8_t> data) {
  std::vector<std::uint8_t> payload{0x41, pid};
  payload.insert(payload.end(), data.begin(), data.end());
  const auto v = decode_mode01_response(pid, payload);
  EXPECT_TRUE(v.has_value()) << "PID " << int{pid};
  return v ? v->value : -1e9;
}

TEST(PidTable, MonitorStatusIsByteAOfFourBytes) {
  // A = 0x83: MIL on, 3 DTCs; B, C, D (readiness) are required but not decoded.
  EXPECT_DOUBLE_EQ(decode(0x01, {0x83, 0x07, 0x65, 0x00}), 131.0);
  EXPECT_EQ(find_pid(0x01)->name, "monitor_status");
  EXPECT_EQ(find_pid("monitor_status")->pid, 0x01);
  const std::vector<std::uint8_t> only_a{0x41, 0x01, 0x83};
  EXPECT_FALSE(decode_mode01_response(0x01, only_a));
}

TEST(PidTable, EngineLoadIsAPercentOf255) {
  EXPECT_DOUBLE_EQ(decode(0x04, {0xFF}), 100.0);
  EXPECT_DOUBLE_EQ(decode(0x04, {0x33}), 20.0);  // 51 * 100 / 255
  EXPECT_EQ(find_pid(0x04)->name, "engine_load");
  EXPECT_EQ(find_pid(0x04)->unit, "%");
}

TEST(PidTable, TemperaturesAreAMinus40) {
  EXPECT_DOUBLE_EQ(decode(0x05, {0x7B}), 83.0);  // 123 - 40
  EXPECT_DOUBLE_EQ(decode(0x05, {0x00}), -40.0);
  EXPECT_DOUBLE_EQ(decode(0x0F, {0x41}), 25.0);
  EXPECT_DOUBLE_EQ(decode(0x46, {0x32}), 10.0);
  EXPECT_DOUBLE_EQ(decode(0x5C, {0xFF}), 215.0);
  EXPECT_EQ(find_pid(0x05)->name, "coolant_temp");
  EXPECT_EQ(find_pid(0x46)->name, "ambient_temp");
  EXPECT_EQ(find_pid(0x5C)->name, "oil_temp");
}

TEST(PidTable, PressuresAreAInKilopascal) {
  EXPECT_DOUBLE_EQ(decode(0x0B, {0x65}), 101.0);
  EXPECT_DOUBLE_EQ(decode(0x33, {0x62}), 98.0);
  EXPECT_EQ(find_pid(0x0B)->unit, "kPa");
}

TEST(PidTable, RpmIsQuarterRevolutions) {
  EXPECT_DOUBLE_EQ(decode(0x0C, {0x1A, 0xF8}), 1726.0);  // (26*256 + 248) / 4 = 6904 / 4
  EXPECT_DOUBLE_EQ(decode(0x0C, {0xFF, 0xFF}), 16383.75);
  EXPECT_EQ(find_pid(0x0C)->name, "rpm");
}

TEST(PidTable, SpeedIsAInKilometresPerHour) {
  EXPECT_DOUBLE_EQ(decode(0x0D, {0x3C}), 60.0);
  EXPECT_EQ(find_pid(0x0D)->name, "speed");
  EXPECT_EQ(find_pid(0x0D)->unit, "km/h");
}

TEST(PidTable, MafIsHundredthsOfGramsPerSecond) {
  EXPECT_DOUBLE_EQ(decode(0x10, {0x03, 0xE8}), 10.0);  // 1000 / 100
  EXPECT_DOUBLE_EQ(decode(0x10, {0x01, 0x02}), 2.58);  // 258 / 100
  EXPECT_EQ(find_pid(0x10)->name, "maf");
}

TEST(PidTable, ThrottleAndFuelLevelArePercentOf255) {
  EXPECT_DOUBLE_EQ(decode(0x11, {0x66}), 40.0);  // 102 * 100 / 255
  EXPECT_DOUBLE_EQ(decode(0x2F, {0xCC}), 80.0);  // 204 * 100 / 255
  EXPECT_EQ(find_pid(0x2F)->name, "fuel_level");
  EXPECT_EQ(find_pid(0x11)->name, "throttle");
}

TEST(PidTable, RunTimeIsSeconds) {
  EXPECT_DOUBLE_EQ(decode(0x1F, {0x01, 0x2C}), 300.0);
}

TEST(PidTable, ModuleVoltageIsMillivolts) {
  EXPECT_DOUBLE_EQ(decode(0x42, {0x37, 0x6E}), 14.19);  // 0x376E = 14190 mV
}

TEST(PidTable, FuelRateIsTwentiethsOfLitresPerHour) {
  EXPECT_DOUBLE_EQ(decode(0x5E, {0x00, 0x3C}), 3.0);   // 60 / 20
  EXPECT_DOUBLE_EQ(decode(0x5E, {0x01, 0x00}), 12.8);  // 256 / 20
  EXPECT_EQ(find_pid(0x5E)->name, "fuel_rate");
  EXPECT_EQ(find_pid(0x5E)->unit, "L/h");
}

TEST(PidTable, OdometerIsTenthsOfKilometres) {
  // 0x0001E240 = 123456 -> 12345.6 km
  EXPECT_DOUBLE_EQ(decode(0xA6, {0x00, 0x01, 0xE2, 0x40}), 12345.6);
}

TEST(PidTable, CommandedLambdaIsScaledByTwoOver65536) {
  EXPECT_DOUBLE_EQ(decode(0x44, {0x80, 0x00}), 1.0);  // 32768 * 2 / 65536
}

TEST(PidTable, ShortOrMismatchedPayloadsDoNotDecode) {
  const std::vector<std::uint8_t> short_rpm{0x41, 0x0C, 0x1A};
  EXPECT_FALSE(decode_mode01_response(0x0C, short_rpm));
  const std::vector<std::uint8_t> other_pid{0x41, 0x0D, 0x3C};
  EXPECT_FALSE(decode_mode01_response(0x0C, other_pid));
  const std::vector<std::uint8_t> negative{0x7F, 0x01, 0x12};
  EXPECT_FALSE(decode_mode01_response(0x0C, negative));
  const std::vector<std::uint8_t> no_decoder{0x41, 0x02, 0x03, 0x01};  // freeze frame DTC
  EXPECT_FALSE(decode_mode01_response(0x02, no_decoder));
}

TEST(PidTable, NamesAndPidsLookUpEachOther) {
  for (const PidDefinition& d : pid_definitions()) {
    ASSERT_EQ(find_pid(d.pid), &d);
    ASSERT_EQ(find_pid(d.name), &d);
  }
  EXPECT_EQ(find_pid("no_such_field"), nullptr);
}

}  // namespace
}  // namespace canhose::obd
