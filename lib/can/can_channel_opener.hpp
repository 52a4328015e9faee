#pragma once
// How a CAN channel's descriptor is obtained. The real one (SocketCanOpener) opens a
// CAN_RAW socket; tests give the channel socketpair ends through their own opener, with
// fault knobs (missing interface, AF_CAN unavailable) -- the descriptor the channel then
// reads is real either way.

#include <cstdint>
#include <string>
#include <system_error>

#include "can/can_options.hpp"

namespace canhose::can {

enum class OpenFailure : std::uint8_t {
  none,
  af_can_unavailable,  // socket(PF_CAN) -> EAFNOSUPPORT: no can/can_raw kernel module
  interface_missing,   // no such interface (yet): USB adapter not plugged, typo
  not_permitted,       // EPERM/EACCES
  other,
};

struct CanChannelOpen {
  int fd = -1;  // owned by the caller on success
  std::uint32_t ifindex = 0;
  bool link_up = true;  // IFF_UP at open time (a down interface still binds)
  // True when the descriptor has no kernel filters (not a CAN_RAW socket): the reader then
  // applies the same filters in user space.
  bool needs_user_filter = false;
  OpenFailure failure = OpenFailure::none;
  std::error_code error;
  std::string message;  // what failed, for the log: "can0: socket(PF_CAN): ..."

  bool ok() const { return fd >= 0; }
};

class CanChannelOpener {
 public:
  virtual ~CanChannelOpener() = default;
  virtual CanChannelOpen open(const CanInterfaceOptions& options) = 0;
};

}  // namespace canhose::can
