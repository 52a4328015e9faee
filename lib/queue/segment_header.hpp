#pragma once
// The 32-byte header at the start of every segment (layout in queue_format.hpp).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace canhose::queue {

struct SegmentHeader {
  std::uint32_t version = 0;
  std::uint64_t first_seq = 0;
  std::int64_t created_ms = 0;
};

enum class SegmentHeaderStatus {
  ok,
  too_short,        // fewer than kSegmentHeaderSize bytes: a segment torn while being created
  bad_magic,        // not a canhose queue segment
  bad_checksum,     // magic right, checksum wrong: the header is damaged
  unknown_version,  // written by a newer canhose: must be refused, never discarded
};

struct DecodedSegmentHeader {
  SegmentHeaderStatus status = SegmentHeaderStatus::too_short;
  SegmentHeader header;  // fields as read, even when the checksum does not match
};

void encode_segment_header(const SegmentHeader& header, std::span<std::byte> out);
DecodedSegmentHeader decode_segment_header(std::span<const std::byte> in);
const char* to_string(SegmentHeaderStatus status);

}  // namespace canhose::queue
