#include "queue/frame_codec.hpp"

#include <array>
#include <cassert>
#include <cstring>

#include "queue/crc32c.hpp"
#include "queue/little_endian.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {

std::byte* encode_frame(std::byte* out, std::uint32_t seq_delta,
                        std::span<const std::byte> payload) {
  assert(payload.size() <= format::kMaxRecordBytes);
  le::put_u32(out + 4, seq_delta);
  le::put<3>(out + 8, payload.size());
  if (!payload.empty()) {
    std::memcpy(out + format::kFrameHeaderSize, payload.data(), payload.size());
  }
  // The CRC covers the header after the CRC field and the payload, which now lie side
  // by side: one pass.
  const std::uint32_t crc = crc32c::value({out + 4, format::kFrameHeaderSize - 4 + payload.size()});
  le::put_u32(out, crc32c::mask(crc));
  return out + format::kFrameHeaderSize + payload.size();
}

void append_frame(std::vector<std::byte>& out, std::uint32_t seq_delta,
                  std::span<const std::byte> payload) {
  const std::size_t at = out.size();
  out.resize(at + format::kFrameHeaderSize + payload.size());
  encode_frame(out.data() + at, seq_delta, payload);
}

FrameHeader decode_frame_header(const std::byte* in) {
  FrameHeader h;
  h.masked_crc = le::get_u32(in);
  h.seq_delta = le::get_u32(in + 4);
  h.length = static_cast<std::uint32_t>(le::get<3>(in + 8));
  return h;
}

bool frame_checksum_matches(const FrameHeader& header, std::span<const std::byte> frame) {
  const std::uint32_t crc = crc32c::value(frame.subspan(4));
  return crc32c::mask(crc) == header.masked_crc;
}

}  // namespace canhose::queue
