#include "obd/isotp_pci.hpp"

#include <algorithm>
#include <stdexcept>

namespace canhose::obd::isotp {

namespace {

ObdFrame padded(std::uint32_t id, std::uint8_t padding) {
  ObdFrame f;
  f.id = id;
  f.len = 8;
  f.data.fill(padding);
  return f;
}

}  // namespace

ObdFrame make_single_frame(std::uint32_t id, std::span<const std::uint8_t> payload) {
  if (payload.empty() || payload.size() > 7) {
    throw std::invalid_argument("ISO-TP single frame payload must be 1..7 bytes");
  }
  ObdFrame f = padded(id, padding_byte);
  f.data[0] = static_cast<std::uint8_t>(payload.size());
  std::copy(payload.begin(), payload.end(), f.data.begin() + 1);
  return f;
}

ObdFrame make_flow_control(std::uint32_t id, FlowStatus status, std::uint8_t block_size,
                           std::uint8_t st_min) {
  ObdFrame f = padded(id, padding_byte);
  f.data[0] = static_cast<std::uint8_t>(0x30 | static_cast<std::uint8_t>(status));
  f.data[1] = block_size;
  f.data[2] = st_min;
  return f;
}

ObdFrame make_first_frame(std::uint32_t id, std::size_t total, std::span<const std::uint8_t> head) {
  if (total < 8 || total > max_message_length || head.size() != 6) {
    throw std::invalid_argument("ISO-TP first frame needs a length of 8..4095 and 6 bytes");
  }
  ObdFrame f = padded(id, padding_byte);
  f.data[0] = static_cast<std::uint8_t>(0x10 | (total >> 8));
  f.data[1] = static_cast<std::uint8_t>(total & 0xFF);
  std::copy(head.begin(), head.end(), f.data.begin() + 2);
  return f;
}

ObdFrame make_consecutive_frame(std::uint32_t id, std::uint8_t sequence,
                                std::span<const std::uint8_t> payload, std::uint8_t padding) {
  if (payload.empty() || payload.size() > 7 || sequence > 0x0F) {
    throw std::invalid_argument("ISO-TP consecutive frame needs 1..7 bytes and a 4-bit sequence");
  }
  ObdFrame f = padded(id, padding);
  f.data[0] = static_cast<std::uint8_t>(0x20 | sequence);
  std::copy(payload.begin(), payload.end(), f.data.begin() + 1);
  return f;
}

std::uint32_t st_min_microseconds(std::uint8_t st_min) {
  if (st_min <= 0x7F) {
    return std::uint32_t{st_min} * 1000;
  }
  if (st_min >= 0xF1 && st_min <= 0xF9) {
    return std::uint32_t{st_min - 0xF0u} * 100;
  }
  return 127'000;
}

}  // namespace canhose::obd::isotp
