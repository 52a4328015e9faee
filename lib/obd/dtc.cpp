#include "obd/dtc.hpp"

#include <algorithm>
#include <array>

namespace canhose::obd {

MonitorStatus decode_monitor_status(std::uint8_t a) {
  return MonitorStatus{(a & 0x80u) != 0, static_cast<std::uint8_t>(a & 0x7Fu)};
}

std::string dtc_text(std::uint16_t code) {
  static constexpr std::array<char, 4> systems{'P', 'C', 'B', 'U'};
  static constexpr std::array<char, 16> digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                               '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
  std::string text(5, ' ');
  text[0] = systems[code >> 14];
  text[1] = digits[(code >> 12) & 0x3u];
  text[2] = digits[(code >> 8) & 0xFu];
  text[3] = digits[(code >> 4) & 0xFu];
  text[4] = digits[code & 0xFu];
  return text;
}

StoredDtcs parse_stored_dtcs(std::span<const std::uint8_t> payload) {
  if (payload.empty() || payload[0] != 0x43) {
    return {std::nullopt, "not a mode 03 response"};
  }
  if (payload.size() < 2) {
    return {std::nullopt, "no DTC count byte after 43"};
  }
  const std::size_t announced = payload[1];
  const std::size_t code_bytes = payload.size() - 2;
  if (code_bytes != 2 * announced) {
    return {std::nullopt, "announces " + std::to_string(announced) + " DTCs (" +
                              std::to_string(2 * announced) + " bytes) but carries " +
                              std::to_string(code_bytes) + " bytes"};
  }
  std::vector<std::uint16_t> codes;
  codes.reserve(announced);
  for (std::size_t i = 2; i < payload.size(); i += 2) {
    codes.push_back(static_cast<std::uint16_t>(payload[i] << 8 | payload[i + 1]));
  }
  return {std::move(codes), {}};
}

std::string dtc_list_text(std::vector<std::uint16_t> codes) {
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  std::string text;
  for (std::uint16_t code : codes) {
    if (code == 0x0000) {
      continue;  // J1979's padding on the older protocols, never a code
    }
    if (!text.empty()) {
      text += ' ';
    }
    text += dtc_text(code);
  }
  return text;
}

}  // namespace canhose::obd
