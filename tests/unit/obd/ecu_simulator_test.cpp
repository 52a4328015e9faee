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

}  // namespace
}  // namespace canhose::test
