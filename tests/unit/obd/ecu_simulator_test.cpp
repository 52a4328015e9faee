#include "support/ecu_simulator.hpp"

#include <gtest/gtest.h>

#include "obd/isotp_pci.hpp"

namespace canhose::test {
namespace {

using obd::ObdFrame;

ObdFrame request(std::vector<std::uint8_t> payload) {
  return obd::isotp::make_single_frame(0x7DF, payload);
}

// The lesson: old ECUs reject a request for several PIDs. The poller never sends one;
// this pins down that the simulator behaves like those ECUs, so poller tests that pass
// through it would notice if it ever did.
TEST(EcuSimulator, MultiPidRequestIsRejectedWith7F0112) {
  EcuSimulator ecu;
  ecu.set_pid(0x0C, {0x1A, 0xF8});
  ecu.set_pid(0x0D, {0x3C});
  const auto out = ecu.on_frame(request({0x01, 0x0C, 0x0D}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].frame.id, 0x7E8u);
  EXPECT_EQ(out[0].frame.data[0], 0x03);
  EXPECT_EQ(out[0].frame.data[1], 0x7F);
  EXPECT_EQ(out[0].frame.data[2], 0x01);
  EXPECT_EQ(out[0].frame.data[3], 0x12);
  EXPECT_EQ(ecu.multi_pid_requests, 1);
}

TEST(EcuSimulator, BitmapAdvertisesConfiguredPidsAndTheNextRange) {
  EcuSimulator ecu;
  ecu.set_pid(0x0D, {0x3C});
  ecu.set_pid(0x5E, {0x00, 0x3C});
  const auto out = ecu.on_frame(request({0x01, 0x00}));
  ASSERT_EQ(out.size(), 1u);
  // 0x0D is bit 12 from the top: byte B, 0x08. 0x20 (next range) is D's low bit.
  const std::array<std::uint8_t, 8> want{0x06, 0x41, 0x00, 0x00, 0x08, 0x00, 0x01, 0xAA};
  EXPECT_EQ(out[0].frame.data, want);
  // Range 0x20 is empty but advertises 0x40, so it answers with only the range bit.
  const auto r20 = ecu.on_frame(request({0x01, 0x20}));
  ASSERT_EQ(r20.size(), 1u);
  EXPECT_EQ(r20[0].frame.data[6], 0x01);
  // Range 0x60 was not advertised: no answer.
  EXPECT_TRUE(ecu.on_frame(request({0x01, 0x60})).empty());
}

TEST(EcuSimulator, VinWaitsForFlowControlAndHonoursBlockSize) {
  EcuSimulator ecu;
  ecu.set_vin("1G1JC5444R7252367");
  const auto first = ecu.on_frame(request({0x09, 0x02}));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].frame.data[0], 0x10);
  EXPECT_EQ(first[0].frame.data[1], 20);
  EXPECT_TRUE(ecu.awaiting_flow_control());
  const auto block = ecu.on_frame(
      obd::isotp::make_flow_control(0x7E0, obd::isotp::FlowStatus::clear_to_send, 1, 5));
  ASSERT_EQ(block.size(), 1u);
  EXPECT_EQ(block[0].frame.data[0], 0x21);
  EXPECT_TRUE(ecu.awaiting_flow_control());
  const auto rest = ecu.on_frame(
      obd::isotp::make_flow_control(0x7E0, obd::isotp::FlowStatus::clear_to_send, 0, 0));
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].frame.data[0], 0x22);
  EXPECT_FALSE(ecu.awaiting_flow_control());
}

TEST(EcuSimulator, MonitorStatusCarriesTheMilAndTheCount) {
  EcuSimulator ecu;
  EXPECT_TRUE(ecu.on_frame(request({0x01, 0x01})).empty());  // not supported before set_dtcs
  ecu.set_dtcs({0x0301, 0x0420}, true);
  const auto bitmap = ecu.on_frame(request({0x01, 0x00}));
  ASSERT_EQ(bitmap.size(), 1u);
  EXPECT_EQ(bitmap[0].frame.data[3] & 0x80, 0x80);  // PID 01 is the bitmap's top bit
  const auto out = ecu.on_frame(request({0x01, 0x01}));
  ASSERT_EQ(out.size(), 1u);
  const std::array<std::uint8_t, 8> want{0x06, 0x41, 0x01, 0x82, 0x07, 0x65, 0x00, 0xAA};
  EXPECT_EQ(out[0].frame.data, want);
}

TEST(EcuSimulator, StoredDtcsFitASingleFrameUpToTwoCodes) {
  EcuSimulator ecu;
  ecu.set_dtcs({}, false);
  const auto none = ecu.on_frame(request({0x03}));
  ASSERT_EQ(none.size(), 1u);
  const std::array<std::uint8_t, 8> want_none{0x02, 0x43, 0x00, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
  EXPECT_EQ(none[0].frame.data, want_none);
  ecu.set_dtcs({0x0301, 0x4123}, true);
  const auto two = ecu.on_frame(request({0x03}));
  ASSERT_EQ(two.size(), 1u);
  const std::array<std::uint8_t, 8> want_two{0x06, 0x43, 0x02, 0x03, 0x01, 0x41, 0x23, 0xAA};
  EXPECT_EQ(two[0].frame.data, want_two);
  EXPECT_EQ(ecu.dtc_requests, 2);
}

TEST(EcuSimulator, ThreeStoredDtcsAreMultiFrame) {
  EcuSimulator ecu;
  ecu.set_dtcs({0x0301, 0x0420, 0x4123}, true);
  const auto first = ecu.on_frame(request({0x03}));
  ASSERT_EQ(first.size(), 1u);
  const std::array<std::uint8_t, 8> want_ff{0x10, 0x08, 0x43, 0x03, 0x03, 0x01, 0x04, 0x20};
  EXPECT_EQ(first[0].frame.data, want_ff);
  const auto rest = ecu.on_frame(
      obd::isotp::make_flow_control(0x7E0, obd::isotp::FlowStatus::clear_to_send, 0, 0));
  ASSERT_EQ(rest.size(), 1u);
  const std::array<std::uint8_t, 8> want_cf{0x21, 0x41, 0x23, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
  EXPECT_EQ(rest[0].frame.data, want_cf);
}

TEST(EcuSimulator, Mode03WithoutDtcSupportOrRefusedIsANegativeAnswer) {
  EcuSimulator ecu;
  const auto unsupported = ecu.on_frame(request({0x03}));
  ASSERT_EQ(unsupported.size(), 1u);
  EXPECT_EQ(unsupported[0].frame.data[1], 0x7F);
  EXPECT_EQ(unsupported[0].frame.data[3], 0x11);
  ecu.set_dtcs({0x0301}, true);
  ecu.set_mode_negative(0x03, 0x22);
  const auto refused = ecu.on_frame(request({0x03}));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].frame.data[2], 0x03);
  EXPECT_EQ(refused[0].frame.data[3], 0x22);
}

TEST(EcuSimulator, DtcTextParsesTheFourSystems) {
  EXPECT_EQ(parse_dtc("P0301"), 0x0301);
  EXPECT_EQ(parse_dtc("C0123"), 0x4123);
  EXPECT_EQ(parse_dtc("B1234"), 0x9234);
  EXPECT_EQ(parse_dtc("U0155"), 0xC155);
  EXPECT_EQ(parse_dtc("P3FFF"), 0x3FFF);
  EXPECT_FALSE(parse_dtc("P4000"));
  EXPECT_FALSE(parse_dtc("X0301"));
  EXPECT_FALSE(parse_dtc("P030"));
  EXPECT_FALSE(parse_dtc("p0301"));
}

}  // namespace
}  // namespace canhose::test
