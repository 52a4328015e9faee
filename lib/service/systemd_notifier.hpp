#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace canhose::service {

// Tells systemd what the service is doing (sd_notify). Without NOTIFY_SOCKET (run by
// hand, or Type=simple) every call is a no-op, so the same binary runs anywhere.
class SystemdNotifier {
 public:
  void ready(std::string_view status) const;   // READY=1 and STATUS=
  void status(std::string_view status) const;  // STATUS=
  void reloading() const;                      // RELOADING=1 and MONOTONIC_USEC=
  void stopping() const;                       // STOPPING=1
  void watchdog() const;                       // WATCHDOG=1

  // WATCHDOG_USEC for this process (systemd's WatchdogSec=), if the watchdog is on.
  static std::optional<std::chrono::microseconds> watchdog_timeout();

 private:
  void send(std::string_view state) const;
};

}  // namespace canhose::service
