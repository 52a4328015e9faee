#include "obd/vin.hpp"

namespace canhose::obd {

namespace {

bool is_vin_char(std::uint8_t c) {
  if (c >= '0' && c <= '9') {
    return true;
  }
  return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q';
}

bool is_padding(std::uint8_t c) {
  return c == 0x00 || c == ' ' || c == 0xFF;
}

}  // namespace

bool is_valid_vin(std::string_view vin) {
  if (vin.size() != 17) {
    return false;
  }
  for (char c : vin) {
    if (!is_vin_char(static_cast<std::uint8_t>(c))) {
      return false;
    }
  }
  return true;
}

VinResult parse_vin_response(std::span<const std::uint8_t> payload) {
  if (payload.size() < 3 || payload[0] != 0x49 || payload[1] != 0x02) {
    return {std::nullopt, "not a mode 09 PID 02 response"};
  }
  auto field = payload.subspan(3);  // after the NODI byte
  while (!field.empty() && is_padding(field.front())) {
    field = field.subspan(1);
  }
  while (!field.empty() && is_padding(field.back())) {
    field = field.first(field.size() - 1);
  }
  std::string vin(field.begin(), field.end());
  if (vin.size() != 17) {
    return {std::nullopt, "VIN field holds " + std::to_string(vin.size()) + " characters, not 17"};
  }
  if (!is_valid_vin(vin)) {
    return {std::nullopt, "VIN has characters outside the ISO 3779 set"};
  }
  return {std::move(vin), {}};
}

}  // namespace canhose::obd
