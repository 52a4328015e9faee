#pragma once
// The on-disk format of the write-ahead queue, shared by writer, reader and recovery.
// The full description with a worked example is docs/queue-format.md: change both together.
//
// All integers are little-endian with the widths given here. Checksums are CRC32C
// (Castagnoli), stored masked (crc32c::mask) so that a checksum over data that itself
// contains checksums does not degenerate.
//
// State directory:
//   <first_seq as 20 decimal digits>.seg   segments, one per range of sequence numbers
//   cursor                                  the acknowledgement cursor (atomically replaced)
//   cursor.tmp                              a cursor being written (ignored, removed at open)
//   LOCK                                    flock()ed by the process that owns the queue
//
// Segment = SegmentHeader, then frames back to back (no blocks, no padding):
//   SegmentHeader (32 bytes)
//     0  u64 magic        kSegmentMagic ("CHQUEUE\0" read as little-endian bytes)
//     8  u32 version      format version of everything that follows in this file
//    12  u64 first_seq    sequence number the segment starts at (equal to the file name)
//    20  i64 created_ms   wall-clock time the segment was created, Unix milliseconds
//    28  u32 masked crc32c of bytes 0..27
//   Frame, version 1 (11-byte header + payload)
//     0  u32 masked crc32c of bytes 4..10 and the payload
//     4  u32 seq_delta    record sequence number minus first_seq
//     8  u24 length       payload bytes, 0..kMaxRecordBytes
//    11  payload
//
// Cursor file (28 bytes)
//     0  u32 magic        kCursorMagic
//     4  u32 version      1
//     8  u64 ack_seq      first sequence number NOT yet acknowledged
//    16  u64 next_seq     next sequence number to assign (never reused)
//    24  u32 masked crc32c of bytes 0..23

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace canhose::queue::format {

inline constexpr std::uint64_t kSegmentMagic = 0x00'45'55'45'55'51'48'43ULL;  // "CHQUEUE\0"
inline constexpr std::uint32_t kCursorMagic = 0x52'55'43'51U;                 // "QCUR"

// Version 1 is the only one written. Readers dispatch on the header's version; a version
// newer than kNewestVersion is refused (the queue will not open) and never deleted.
inline constexpr std::uint32_t kVersion1 = 1;
inline constexpr std::uint32_t kNewestVersion = kVersion1;
inline constexpr std::uint32_t kCursorVersion = 1;

inline constexpr std::size_t kSegmentHeaderSize = 32;
inline constexpr std::size_t kFrameHeaderSize = 11;  // version 1
inline constexpr std::size_t kCursorFileSize = 28;

// Firehose accepts at most 1,000 KiB of data per record.
inline constexpr std::size_t kMaxRecordBytes = 1'024'000;
inline constexpr std::size_t kMaxFrameBytes = kFrameHeaderSize + kMaxRecordBytes;
// seq_delta is 32 bits: a segment never spans more sequence numbers than this.
inline constexpr std::uint64_t kMaxSeqDelta = 0xFFFF'FFFFULL;
// The frames of a segment are numbered in [first_seq, the next segment's first_seq). With
// no next segment the format's own bound applies: one past first_seq + kMaxSeqDelta
// (saturated at the top of the 64-bit range).
constexpr std::uint64_t max_seq_end(std::uint64_t first_seq) {
  return first_seq > ~std::uint64_t{0} - kMaxSeqDelta - 1 ? ~std::uint64_t{0}
                                                          : first_seq + kMaxSeqDelta + 1;
}

inline constexpr std::string_view kSegmentSuffix = ".seg";
inline constexpr std::size_t kSegmentNameDigits = 20;
inline constexpr std::string_view kCursorName = "cursor";
inline constexpr std::string_view kCursorTmpName = "cursor.tmp";
inline constexpr std::string_view kLockName = "LOCK";

}  // namespace canhose::queue::format
