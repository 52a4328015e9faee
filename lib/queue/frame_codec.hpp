#pragma once
// Encoding and checking of version-1 record frames (layout in queue_format.hpp).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace canhose::queue {

struct FrameHeader {
  std::uint32_t masked_crc = 0;
  std::uint32_t seq_delta = 0;
  std::uint32_t length = 0;
};

// Appends header + payload to `out`. Precondition: payload.size() <= kMaxRecordBytes.
void append_frame(std::vector<std::byte>& out, std::uint32_t seq_delta,
                  std::span<const std::byte> payload);
// Writes header + payload at `out`, which must have kFrameHeaderSize + payload.size()
// bytes of room; returns the end. Precondition: payload.size() <= kMaxRecordBytes.
std::byte* encode_frame(std::byte* out, std::uint32_t seq_delta,
                        std::span<const std::byte> payload);
// `in` must hold kFrameHeaderSize bytes.
FrameHeader decode_frame_header(const std::byte* in);
// `frame` is the whole frame (header + payload) as decoded into `header`.
bool frame_checksum_matches(const FrameHeader& header, std::span<const std::byte> frame);

}  // namespace canhose::queue
