#include "queue/segment_header.hpp"

#include <cassert>

#include "queue/crc32c.hpp"
#include "queue/little_endian.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {

void encode_segment_header(const SegmentHeader& header, std::span<std::byte> out) {
  assert(out.size() >= format::kSegmentHeaderSize);
  std::byte* p = out.data();
  le::put_u64(p, format::kSegmentMagic);
  le::put_u32(p + 8, header.version);
  le::put_u64(p + 12, header.first_seq);
  le::put_u64(p + 20, static_cast<std::uint64_t>(header.created_ms));
  le::put_u32(p + 28, crc32c::mask(crc32c::value({p, 28})));
}

DecodedSegmentHeader decode_segment_header(std::span<const std::byte> in) {
  DecodedSegmentHeader d;
  if (in.size() < format::kSegmentHeaderSize) {
    d.status = SegmentHeaderStatus::too_short;
    return d;
  }
  const std::byte* p = in.data();
  if (le::get_u64(p) != format::kSegmentMagic) {
    d.status = SegmentHeaderStatus::bad_magic;
    return d;
  }
  d.header.version = le::get_u32(p + 8);
  d.header.first_seq = le::get_u64(p + 12);
  d.header.created_ms = static_cast<std::int64_t>(le::get_u64(p + 20));
  const bool crc_ok = crc32c::mask(crc32c::value({p, 28})) == le::get_u32(p + 28);
  if (!crc_ok) {
    d.status = SegmentHeaderStatus::bad_checksum;
  } else if (d.header.version == 0 || d.header.version > format::kNewestVersion) {
    d.status = SegmentHeaderStatus::unknown_version;
  } else {
    d.status = SegmentHeaderStatus::ok;
  }
  return d;
}

const char* to_string(SegmentHeaderStatus status) {
  switch (status) {
    case SegmentHeaderStatus::ok:
      return "ok";
    case SegmentHeaderStatus::too_short:
      return "segment shorter than its header";
    case SegmentHeaderStatus::bad_magic:
      return "not a canhose queue segment (bad magic)";
    case SegmentHeaderStatus::bad_checksum:
      return "segment header checksum mismatch";
    case SegmentHeaderStatus::unknown_version:
      return "segment written by an unknown (newer) format version";
  }
  return "?";
}

}  // namespace canhose::queue
