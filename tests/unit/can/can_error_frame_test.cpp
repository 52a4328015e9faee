#include "can/can_error_frame.hpp"

#include <gtest/gtest.h>
#include <linux/can/error.h>

namespace canhose::can {
namespace {

// An error frame as the kernel delivers it: the class in the id, details in the data.
CanFrame error_frame(std::uint32_t error_class, std::uint8_t controller = 0) {
  CanFrame f;
  f.error = true;
  f.id = error_class;
  f.len = CAN_ERR_DLC;
  f.data[1] = controller;
  return f;
}

std::optional<int> state_of(const CanFrame& f) {
  return bus_state(describe_error_frame(f));
}

TEST(BusState, EachControllerStateHasItsNumber) {
  EXPECT_EQ(state_of(error_frame(CAN_ERR_BUSOFF)), 3);
  EXPECT_EQ(state_of(error_frame(CAN_ERR_CRTL, CAN_ERR_CRTL_TX_PASSIVE)), 2);
  EXPECT_EQ(state_of(error_frame(CAN_ERR_CRTL, CAN_ERR_CRTL_RX_WARNING)), 1);
  EXPECT_EQ(state_of(error_frame(CAN_ERR_CRTL, CAN_ERR_CRTL_ACTIVE)), 0);
  EXPECT_EQ(state_of(error_frame(CAN_ERR_RESTARTED)), 0);
}

TEST(BusState, TheWorstStateAFrameReportsWins) {
  EXPECT_EQ(state_of(error_frame(CAN_ERR_BUSOFF | CAN_ERR_CRTL, CAN_ERR_CRTL_TX_PASSIVE)), 3);
  EXPECT_EQ(state_of(error_frame(CAN_ERR_CRTL, CAN_ERR_CRTL_TX_PASSIVE | CAN_ERR_CRTL_RX_WARNING)),
            2);
}

TEST(BusState, FramesThatSayNothingAboutTheStateGiveNone) {
  EXPECT_EQ(state_of(error_frame(CAN_ERR_ACK)), std::nullopt);
  EXPECT_EQ(state_of(error_frame(CAN_ERR_PROT)), std::nullopt);
  EXPECT_EQ(state_of(error_frame(CAN_ERR_CRTL, CAN_ERR_CRTL_RX_OVERFLOW)), std::nullopt);
}

}  // namespace
}  // namespace canhose::can
