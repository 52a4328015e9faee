#include "obd/negative_response.hpp"

namespace canhose::obd {

std::optional<NegativeResponse> parse_negative_response(std::span<const std::uint8_t> payload) {
  if (payload.size() < 3 || payload[0] != 0x7F) {
    return std::nullopt;
  }
  return NegativeResponse{payload[1], payload[2]};
}

std::string_view nrc_name(std::uint8_t code) {
  switch (code) {
    case 0x10:
      return "generalReject";
    case 0x11:
      return "serviceNotSupported";
    case 0x12:
      return "subFunctionNotSupported";
    case 0x13:
      return "incorrectMessageLengthOrInvalidFormat";
    case 0x14:
      return "responseTooLong";
    case 0x21:
      return "busyRepeatRequest";
    case 0x22:
      return "conditionsNotCorrect";
    case 0x24:
      return "requestSequenceError";
    case 0x31:
      return "requestOutOfRange";
    case 0x33:
      return "securityAccessDenied";
    case 0x72:
      return "generalProgrammingFailure";
    case 0x78:
      return "requestCorrectlyReceivedResponsePending";
    case 0x7E:
      return "subFunctionNotSupportedInActiveSession";
    case 0x7F:
      return "serviceNotSupportedInActiveSession";
    default:
      return "unknown";
  }
}

}  // namespace canhose::obd
