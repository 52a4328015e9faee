#include "service/systemd_notifier.hpp"

#include <ctime>
#include <string>

#include <systemd/sd-daemon.h>

#include "log/logger.hpp"

namespace canhose::service {
namespace {

// STATUS= is one line; a newline would start a new assignment.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return out;
}

}  // namespace

void SystemdNotifier::send(std::string_view state) const {
  const int rc = sd_notify(0, std::string(state).c_str());
  if (rc < 0) {
    log::warning("systemd", "sd_notify failed: error ", -rc);
  }
}

void SystemdNotifier::ready(std::string_view status) const {
  send("READY=1\nSTATUS=" + one_line(status));
}

void SystemdNotifier::status(std::string_view status) const {
  send("STATUS=" + one_line(status));
}

void SystemdNotifier::reloading() const {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void SystemdNotifier::stopping() const {
  send("STOPPING=1");
}

void SystemdNotifier::watchdog() const {
  send("WATCHDOG=1");
}

std::optional<std::chrono::microseconds> SystemdNotifier::watchdog_timeout() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds(usec);
  }
  return std::nullopt;
}

}  // namespace canhose::service
