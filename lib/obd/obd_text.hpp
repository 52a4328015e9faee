#pragma once
// How the OBD-II code writes ids, bytes and PIDs in its log lines: "0x7E8", "7F",
// "0x0C (rpm)". Internal to lib/obd.

#include <cstdint>
#include <string>
#include <string_view>

namespace canhose::obd {

// "0x7DF" for hex(0x7DF, 3); "0x0C" for hex(0x0C).
std::string hex(unsigned value, int digits = 2);
// Two hex digits without a prefix: "7F".
std::string hex_byte(unsigned value);
// "0x0C (rpm)", or just "0xA6" for a PID without a decoder.
std::string describe_pid(std::uint8_t pid);
// What a request without a PID asks for: "stored DTCs" for mode 03.
std::string_view describe_mode(std::uint8_t mode);

}  // namespace canhose::obd
