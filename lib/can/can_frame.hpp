#pragma once
// CanFrame: one CAN or CAN FD frame as every canhose source delivers it (SocketCAN reader,
// candump replay), so everything downstream (OBD-II, DBC decoding, raw capture, records)
// is source-agnostic.
//
// Invariants:
//   - `id` carries no flag bits: 11 bits for standard frames, 29 bits for extended
//     frames; for error frames it is the error class (CAN_ERR_* bits of linux/can/error.h).
//   - `len` is the payload length in bytes: 0..8 for classic frames, one of
//     0..8,12,16,20,24,32,48,64 for FD frames. Bytes of `data` past `len` are zero.
//   - `timestamp_ns` is Unix time in nanoseconds (CLOCK_REALTIME based), whatever its
//     source; `timestamp_source` says where it came from. Hardware timestamps are never
//     used as-is (they are not Unix time unless converted).
//   - `interface` points to a name owned by the source that delivered the frame; it stays
//     valid while that source lives. Copy it if the frame outlives the source.

#include <linux/can.h>

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

namespace canhose::can {

enum class TimestampSource : std::uint8_t {
  wall_clock,  // read with clock_gettime(CLOCK_REALTIME) when the frame was taken
  kernel,      // SO_TIMESTAMPNS / SO_TIMESTAMP control message (software receive time)
  log,         // taken from a candump log line (replay may shift it, see ReplayOptions)
};

struct CanFrame {
  std::uint32_t id = 0;
  std::uint8_t len = 0;
  bool extended = false;  // 29-bit identifier
  bool rtr = false;       // remote transmission request (classic frames only)
  bool error = false;     // error frame (CAN_ERR_FLAG): see can_error_frame.hpp
  bool fd = false;        // CAN FD frame
  bool brs = false;       // FD: bit rate switch
  bool esi = false;       // FD: error state indicator
  TimestampSource timestamp_source = TimestampSource::wall_clock;
  std::uint32_t ifindex = 0;  // kernel interface index; 0 when unknown (replay)
  std::int64_t timestamp_ns = 0;
  std::string_view interface;
  std::array<std::uint8_t, CANFD_MAX_DLEN> data{};

  // The id with the kernel's flag bits (CAN_EFF_FLAG, CAN_RTR_FLAG, CAN_ERR_FLAG).
  canid_t kernel_id() const;
};

// How every source delivers frames: in batches, on the event loop. The span is valid only
// during the call. Error frames are delivered too (check `error`); consumers that only
// want data frames skip them.
using FrameBatchHandler = std::function<void(std::span<const CanFrame>)>;

// Converts kernel structures. Lengths beyond the maximum are clamped (the reader counts
// such records as malformed before it gets here).
CanFrame frame_from_kernel(const can_frame& k);
CanFrame frame_from_kernel(const canfd_frame& k);
can_frame to_can_frame(const CanFrame& f);
canfd_frame to_canfd_frame(const CanFrame& f);

// CAN FD length rules: the smallest valid FD payload length >= len (0..64), and whether a
// length is one of the valid FD lengths.
std::uint8_t round_up_fd_length(std::uint8_t len);
bool is_valid_fd_length(std::uint8_t len);

}  // namespace canhose::can
