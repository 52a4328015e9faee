// Formatting of ids, bytes and PIDs for the OBD-II log lines.
#include "obd/obd_text.hpp"

#include <cstdio>

#include "obd/pid_table.hpp"

namespace canhose::obd {

std::string hex(unsigned value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*X", digits, value);
  return text;
}

std::string hex_byte(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "%02X", value & 0xFFu);
  return text;
}

std::string describe_pid(std::uint8_t pid) {
  const PidDefinition* d = find_pid(pid);
  return hex(pid) + (d != nullptr ? " (" + std::string(d->name) + ")" : std::string());
}

std::string_view describe_mode(std::uint8_t mode) {
  return mode == 0x03 ? "stored DTCs" : "no PID";
}

}  // namespace canhose::obd
