#pragma once
// SocketCanOpener: opens a CAN_RAW socket bound to one interface, set up for canhose:
//
//   socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW)
//   CAN_RAW_FD_FRAMES    when the interface option `fd` is on
//   CAN_RAW_FILTER       the configured id/mask filters (none set: all frames)
//   CAN_RAW_ERR_FILTER   all error classes (CAN_ERR_MASK) when `error_frames` is on
//   SO_TIMESTAMPNS       kernel receive timestamps (Unix time, nanoseconds)
//   SO_RXQ_OVFL          the drop counter in every message
//   SO_RCVBUF            when `receive_buffer` is set
//   bind(sockaddr_can{AF_CAN, if_nametoindex(name)})
//
// Every failure comes back as a value naming the step and the cause; on a kernel without
// AF_CAN (EAFNOSUPPORT) the message says which modules to load.

#include "can/can_channel_opener.hpp"

namespace canhose::can {

class SocketCanOpener final : public CanChannelOpener {
 public:
  CanChannelOpen open(const CanInterfaceOptions& options) override;
};

}  // namespace canhose::can
