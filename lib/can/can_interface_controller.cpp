#include "can/can_interface_controller.hpp"

#include <libsocketcan.h>
#include <net/if.h>

#include <cerrno>
#include <system_error>

namespace canhose::can {

const char* to_string(CanControllerState s) {
  switch (s) {
    case CanControllerState::error_active:
      return "error-active";
    case CanControllerState::error_warning:
      return "error-warning";
    case CanControllerState::error_passive:
      return "error-passive";
    case CanControllerState::bus_off:
      return "bus-off";
    case CanControllerState::stopped:
      return "stopped";
    case CanControllerState::sleeping:
      return "sleeping";
    case CanControllerState::unknown:
      break;
  }
  return "unknown";
}

CanControlResult CanInterfaceController::failure(const std::string& call, int saved_errno) const {
  CanControlResult r;
  r.message = interface_ + ": " + call + " failed";
  if (saved_errno != 0) {
    r.message += ": " + std::error_code(saved_errno, std::generic_category()).message();
  }
  if (saved_errno == EPERM || saved_errno == EACCES) {
    r.message += " (needs CAP_NET_ADMIN)";
  }
  return r;
}

// libsocketcan does not say "no such interface" clearly: check first.
CanControlResult CanInterfaceController::check_exists() const {
  if (::if_nametoindex(interface_.c_str()) == 0) {
    CanControlResult r;
    r.message = interface_ + ": no such network interface (libsocketcan not called)";
    return r;
  }
  CanControlResult r;
  r.ok = true;
  return r;
}

CanControlResult CanInterfaceController::configure(std::uint32_t bitrate,
                                                   std::uint32_t restart_ms) {
  if (CanControlResult r = check_exists(); !r.ok) {
    return r;
  }
  const char* name = interface_.c_str();
  errno = 0;
  if (::can_do_stop(name) != 0) {
    return failure("can_do_stop", errno);
  }
  errno = 0;
  if (bitrate != 0 && ::can_set_bitrate(name, bitrate) != 0) {
    const CanControlResult r = failure("can_set_bitrate(" + std::to_string(bitrate) + ")", errno);
    ::can_do_start(name);  // leave it running with its previous bitrate
    return r;
  }
  errno = 0;
  if (::can_set_restart_ms(name, restart_ms) != 0) {
    const CanControlResult r =
        failure("can_set_restart_ms(" + std::to_string(restart_ms) + ")", errno);
    ::can_do_start(name);
    return r;
  }
  errno = 0;
  if (::can_do_start(name) != 0) {
    return failure("can_do_start", errno);
  }
  CanControlResult r;
  r.ok = true;
  return r;
}

CanControlResult CanInterfaceController::restart() {
  if (CanControlResult r = check_exists(); !r.ok) {
    return r;
  }
  errno = 0;
  if (::can_do_restart(interface_.c_str()) != 0) {
    return failure("can_do_restart (only possible in bus-off with restart_ms 0)", errno);
  }
  CanControlResult r;
  r.ok = true;
  return r;
}

CanControlResult CanInterfaceController::read_state() {
  if (CanControlResult r = check_exists(); !r.ok) {
    return r;
  }
  int state = -1;
  errno = 0;
  if (::can_get_state(interface_.c_str(), &state) != 0) {
    return failure("can_get_state (not a CAN interface?)", errno);
  }
  CanControlResult r;
  r.ok = true;
  r.state = (state >= 0 && state <= 5) ? static_cast<CanControllerState>(state)
                                       : CanControllerState::unknown;
  return r;
}

}  // namespace canhose::can
