#pragma once
// Negative responses (ISO 14229-1 / ISO 15031-5): [0x7F, request service id, NRC].
// For OBD-II the service id is the mode (0x01, 0x09); 0x78 "response pending" is not a
// failure: the ECU promises an answer later (ISO 15765-4: within P2* = 5000 ms).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace canhose::obd {

inline constexpr std::uint8_t nrc_response_pending = 0x78;

struct NegativeResponse {
  std::uint8_t service = 0;  // the rejected request's service id (mode)
  std::uint8_t code = 0;     // the NRC
};

// nullopt unless `payload` is a well-formed negative response (3 bytes from 0x7F).
std::optional<NegativeResponse> parse_negative_response(std::span<const std::uint8_t> payload);

// "subFunctionNotSupported" for 0x12; "unknown" for codes the standards do not name here.
std::string_view nrc_name(std::uint8_t code);

}  // namespace canhose::obd
