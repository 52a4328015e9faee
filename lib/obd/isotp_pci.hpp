#pragma once
// ISO 15765-2 (ISO-TP) protocol control information for classic CAN with normal
// (11-bit, non-extended) addressing, as OBD-II over CAN uses it (ISO 15765-4):
//
//   byte 0 high nibble  frame type
//   0 single frame      [0x0L] payload...            L = 1..7 payload bytes
//   1 first frame       [0x1H LL] 6 payload bytes    total length 0xHLL = 8..4095
//   2 consecutive frame [0x2N] up to 7 payload bytes N = sequence number 1,2,..,F,0,1,..
//   3 flow control      [0x3S BS STmin]              S = 0 clear to send, 1 wait, 2 overflow
//
// Bytes after the PCI-declared length are padding (0x00/0x55/0xAA/0xCC in practice) and are
// ignored. ISO 15765-4 requires every frame to be sent with 8 data bytes.

#include <cstdint>
#include <span>

#include "obd/obd_frame.hpp"

namespace canhose::obd::isotp {

enum class FrameType : std::uint8_t { single, first, consecutive, flow_control, invalid };

enum class FlowStatus : std::uint8_t { clear_to_send = 0, wait = 1, overflow = 2 };

// The largest message a 12-bit first-frame length can announce.
inline constexpr std::size_t max_message_length = 4095;
// The padding byte canhose sends.
inline constexpr std::uint8_t padding_byte = 0x00;

inline FrameType frame_type(const ObdFrame& f) {
  if (f.len == 0) {
    return FrameType::invalid;
  }
  switch (f.data[0] >> 4) {
    case 0:
      return FrameType::single;
    case 1:
      return FrameType::first;
    case 2:
      return FrameType::consecutive;
    case 3:
      return FrameType::flow_control;
    default:
      return FrameType::invalid;
  }
}

// A single frame carrying `payload` (1..7 bytes; more is a programmer error), padded to 8.
ObdFrame make_single_frame(std::uint32_t id, std::span<const std::uint8_t> payload);
// A flow control frame, padded to 8.
ObdFrame make_flow_control(std::uint32_t id, FlowStatus status, std::uint8_t block_size,
                           std::uint8_t st_min);
// The first frame of a `total`-byte message (8..4095) whose first 6 bytes are `head`.
ObdFrame make_first_frame(std::uint32_t id, std::size_t total, std::span<const std::uint8_t> head);
// A consecutive frame with sequence number `sequence` (0..15), payload 1..7 bytes, padded.
ObdFrame make_consecutive_frame(std::uint32_t id, std::uint8_t sequence,
                                std::span<const std::uint8_t> payload,
                                std::uint8_t padding = padding_byte);

// STmin byte to a duration in microseconds: 0x00-0x7F milliseconds, 0xF1-0xF9 100-900 us;
// reserved values mean 127 ms (ISO 15765-2 says to treat them as the maximum).
std::uint32_t st_min_microseconds(std::uint8_t st_min);

}  // namespace canhose::obd::isotp
