#pragma once
// ObdFrame: the one classic CAN frame shape OBD-II (ISO 15765-4, 11-bit identifiers) needs,
// and the two function objects the OBD-II code talks through. Kept deliberately smaller
// than the CAN layer's frame type so the OBD-II code does not depend on how frames reach
// the bus; the adapter is a few lines:
//
//   can::CanFrame -> ObdFrame: only frames with !extended && !fd && !rtr && !error;
//     id = f.id, len = min(f.len, 8), data = first len bytes of f.data,
//     timestamp_ns = f.timestamp_ns (already Unix time in the CAN layer).
//   ObdFrame -> can::CanFrame: id, len, data copied; extended = fd = rtr = false.
//
// Invariants: `id` is an 11-bit identifier (<= 0x7FF); `len` is 0..8; bytes of `data` past
// `len` are not meaningful. `timestamp_ns` is Unix time in nanoseconds when the frame was
// received (0 = unknown: the receiver then uses the system clock).

#include <array>
#include <cstdint>
#include <functional>

namespace canhose::obd {

struct ObdFrame {
  std::uint32_t id = 0;
  std::uint8_t len = 0;
  std::array<std::uint8_t, 8> data{};
  std::int64_t timestamp_ns = 0;
};

// Puts one frame on the bus. Must not block; it may be called from any handler on the
// event loop (the CAN writer queues it).
using FrameSender = std::function<void(const ObdFrame&)>;

}  // namespace canhose::obd
