#include "queue/frame_codec.hpp"

#include <array>
#include <cassert>

#include "queue/crc32c.hpp"
#include "queue/little_endian.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {

void append_frame(std::vector<std::byte>& out, std::uint32_t seq_delta,
                  std::span<const std::byte> payload) {
  assert(payload.size() <= format::kMaxRecordBytes);
  const std::size_t at = out.size();
  std::array<std::byte, format::kFrameHeaderSize> header{};
  le::put_u32(header.data() + 4, seq_delta);
  le::put<3>(header.data() + 8, payload.size());
  // Appended without zero-filling first; the CRC covers the header after the CRC field
  // and the payload, which now lie side by side: one pass.
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), payload.begin(), payload.end());
  std::byte* h = out.data() + at;
  const std::uint32_t crc = crc32c::value({h + 4, format::kFrameHeaderSize - 4 + payload.size()});
  le::put_u32(h, crc32c::mask(crc));
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
