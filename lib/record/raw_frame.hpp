#pragma once
// A CAN frame as the raw-frame recorder needs it, independent of the CAN reader's types:
// the reader (or replay) fills one from its can_frame/canfd_frame and kernel timestamp.

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

namespace canhose::record {

struct RawFrame {
  static constexpr std::uint8_t kExtended = 0x01;  // 29-bit identifier (CAN_EFF_FLAG)
  static constexpr std::uint8_t kRemote = 0x02;    // remote request (CAN_RTR_FLAG)
  static constexpr std::uint8_t kFd = 0x04;        // CAN FD frame

  std::string_view iface;  // "can0"; must not contain spaces or commas
  std::uint32_t id = 0;    // identifier without flag bits
  std::uint8_t flags = 0;
  std::span<const std::uint8_t> data;                          // 0-8 bytes (classic) or 0-64 (FD)
  std::chrono::sys_time<std::chrono::microseconds> timestamp;  // receive time, UTC
};

}  // namespace canhose::record
