#pragma once
// The vehicle identification number from a mode 09 PID 02 answer.
//
// Over CAN the positive response is [0x49, 0x02, NODI, 17 VIN bytes]: NODI, the number of
// data items, is 1. Some ECUs pad the VIN field with 0x00 (or spaces/0xFF) before or after
// the 17 characters; those are stripped. The result must be 17 characters from the
// ISO 3779 alphabet: digits and capital letters except I, O and Q.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace canhose::obd {

struct VinResult {
  std::optional<std::string> vin;  // set when valid
  std::string error;               // why not, when vin is empty
};

VinResult parse_vin_response(std::span<const std::uint8_t> payload);
bool is_valid_vin(std::string_view vin);

}  // namespace canhose::obd
