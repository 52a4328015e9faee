#pragma once
// CanInterfaceController: optional interface management through libsocketcan (netlink),
// used when `manage_interface` is on. Needs CAP_NET_ADMIN (the service unit grants it).
//
// The calls are short netlink round trips to the local kernel (well under a millisecond),
// made at start-up and after bus-off only, so they run on the event loop.
// Every call returns a result value; nothing throws.

#include <cstdint>
#include <string>

namespace canhose::can {

// The controller states of linux/can/netlink.h (CAN_STATE_*).
enum class CanControllerState : int {
  error_active = 0,
  error_warning = 1,
  error_passive = 2,
  bus_off = 3,
  stopped = 4,
  sleeping = 5,
  unknown = -1,
};

const char* to_string(CanControllerState s);

struct CanControlResult {
  bool ok = false;
  std::string message;  // on failure: "can0: can_set_bitrate(500000) failed: ..."
  CanControllerState state = CanControllerState::unknown;  // for read_state()
};

class CanInterfaceController {
 public:
  explicit CanInterfaceController(std::string interface) : interface_(std::move(interface)) {}

  // Stops the interface, sets the bitrate (when non-zero) and the automatic restart delay,
  // and starts it again. The bitrate can only change while the interface is down.
  CanControlResult configure(std::uint32_t bitrate, std::uint32_t restart_ms);
  // can_do_restart: leaves bus-off (only valid when restart_ms is 0 and in bus-off).
  CanControlResult restart();
  CanControlResult read_state();

 private:
  CanControlResult failure(const std::string& call, int saved_errno) const;
  CanControlResult check_exists() const;

  std::string interface_;
};

}  // namespace canhose::can
