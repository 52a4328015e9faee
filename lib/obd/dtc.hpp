#pragma once
// Diagnostic trouble codes (SAE J1979 / ISO 15031-5, SAE J2012): the monitor status of
// mode 01 PID 01 and the stored DTCs of mode 03.
//
// PID 01 "monitor status since DTCs cleared", byte A: bit 7 = the ECU commands the
// malfunction indicator lamp (MIL) on, bits 0-6 = its number of confirmed
// emission-related DTCs. Bytes B, C and D (readiness of the monitors) are not decoded.
//
// Mode 03 "show stored DTCs" over CAN (ISO 15765-4): the request is the single byte 03, the
// answer [0x43, N, then N DTCs of two bytes each]. The count byte exists only on CAN; the
// older protocols had none and padded with 00 00, so 0x0000 ("P0000") is never a code.
// An answer with more than two DTCs is longer than 7 bytes and comes as multi-frame ISO-TP.
//
// A DTC is 16 bits (SAE J2012): bits 15-14 the system — 00 P powertrain, 01 C chassis,
// 10 B body, 11 U network — then bits 13-12 as the first digit (0-3) and three hex digits:
// 0x0301 -> "P0301", 0x4123 -> "C0123", 0x9234 -> "B1234", 0xC155 -> "U0155".

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace canhose::obd {

inline constexpr std::uint8_t pid_monitor_status = 0x01;
inline constexpr std::uint8_t mode_stored_dtcs = 0x03;

struct MonitorStatus {
  bool mil = false;            // the ECU commands the MIL on
  std::uint8_t dtc_count = 0;  // confirmed emission-related DTCs (0-127)
};

// Byte A of a PID 01 answer.
MonitorStatus decode_monitor_status(std::uint8_t a);

// "P0301" for 0x0301: J2012's letter for the system and four hex digits.
std::string dtc_text(std::uint16_t code);

struct StoredDtcs {
  std::optional<std::vector<std::uint16_t>> codes;  // set when well formed (may be empty)
  std::string error;                                // why not, when codes is empty
};

// A mode 03 answer [0x43, N, 2N bytes]. An answer without the count byte, or whose length
// is not what the count announces (an odd number of code bytes, a code missing or left
// over), is rejected with the reason: a list that disagrees with its own count cannot be
// trusted to be complete.
StoredDtcs parse_stored_dtcs(std::span<const std::uint8_t> payload);

// The codes of one or more ECUs as one field value: each code once, in code order (so P
// before C, B, U, then by number), separated by single spaces; 0x0000 is left out; "" when
// there is none. {0x4123, 0x0301, 0x0420, 0x0301} -> "P0301 P0420 C0123".
std::string dtc_list_text(std::vector<std::uint16_t> codes);

}  // namespace canhose::obd
