#pragma once
// Where valid frames resume after damage in a segment: the search SegmentReader runs when
// a frame is whole but wrong. The rule is LevelDB's "next frame that checks out": the
// first offset q after the damage at which
//   - a frame header has length <= kMaxRecordBytes,
//   - its sequence number continues the last one read: last_seq < seq <= last_seq +
//     (q - damage) / kFrameHeaderSize + 1 (each lost record took at least a header),
//   - the whole frame lies inside the readable range, and
//   - its checksum matches.
//
// One pass (issue 14). Hashing each candidate's frame anew costs up to a maximal frame
// (~1 MB) per byte offset, and a crafted region with a plausible header at every offset
// made that quadratic: minutes for a 2 MiB segment. Here the damaged region is hashed once,
// in order. CRC32C is linear, so the checksum of the span a candidate covers,
// [q + 4, q + 11 + length), follows from the region's running CRC at the span's two ends
// (crc32c::combine: two table lookups and two carry-less multiplications). The running CRC
// is kept every kStride bytes (at most kStride - 1 bytes are hashed again at each end), for
// a window from the candidate being checked to one maximal frame beyond it: the file is
// read once, front to back, and the memory (about 1.6 MiB, held only during the search) is
// the same whatever the size of the segment. Candidates are checked in increasing offset
// order, so the one found is the first valid one, as a frame-by-frame search finds.

#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

#include "queue/file_system.hpp"

namespace canhose::queue {

struct ResyncPoint {
  std::uint64_t offset = 0;  // where the valid frame starts
  std::uint64_t seq = 0;
};

class FrameResync {
 public:
  // Searches (damage_start, limit) of `file` (which must outlive this) for the first
  // frame that continues the sequence after `last_seq`; frames count from `first_seq`.
  FrameResync(File& file, std::uint64_t first_seq, std::uint64_t last_seq,
              std::uint64_t damage_start, std::uint64_t limit);

  // The first valid frame after the damage; nullopt if there is none (the damage runs to
  // the end: a corrupt tail) or a read failed (io_error() says why).
  std::optional<ResyncPoint> find();
  const std::error_code& io_error() const { return io_error_; }

  static constexpr std::uint64_t kStride = 16;

 private:
  // Makes the file's bytes available up to `end` (fewer at the end of the file), keeping
  // those from `keep` on. False on a read error.
  bool fill(std::uint64_t keep, std::uint64_t end);
  std::uint64_t end() const { return base_ + bytes_.size(); }
  const std::byte* at(std::uint64_t offset) const { return bytes_.data() + (offset - base_); }
  // CRC32C of [damage_start, offset), for offset in [base_, end()].
  std::uint32_t running_crc(std::uint64_t offset) const;

  File& file_;
  std::uint64_t first_seq_;
  std::uint64_t last_seq_;
  std::uint64_t damage_start_;
  std::uint64_t limit_;
  std::vector<std::byte> bytes_;      // the file's bytes [base_, end())
  std::vector<std::uint32_t> marks_;  // marks_[j]: running_crc(base_ + j * kStride)
  std::uint64_t base_;                // damage_start_ plus a multiple of kStride
  bool file_ended_ = false;           // the file is shorter than limit_
  std::error_code io_error_;
};

}  // namespace canhose::queue
