#pragma once
// Reads the version-1 frames of one segment in order, through a bounded buffer (at most
// one maximal frame plus a read chunk), never the whole file.
//
// Damage handling, as in LevelDB's log reader:
// - A frame cut short by the end of the readable range (a torn tail: the writer died while
//   appending) ends the segment cleanly; it is described by tail_damage(), not reported.
// - A frame that is whole but wrong (checksum mismatch, impossible length, zeroed bytes)
//   makes the reader search forward for the first offset where a frame checks out and
//   continues the sequence (FrameResync: one pass over the damaged bytes, however many
//   candidate frames they hold); the skipped bytes and the records lost are reported. If
//   no valid frame follows, the damage is a corrupt tail: tail_damage() describes it.
// - A valid frame whose sequence number is not above the previous one (a duplicate that a
//   rewrite after an fsync error left behind) is skipped silently.
// - A valid frame numbered outside the segment's range [first_seq, seq_end) (seq_end: the
//   next segment's first_seq) is damage: it is skipped and reported as one record lost.
//   Trusted, it would be delivered out of order and hide the records numbered before it.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "queue/corruption_reporter.hpp"
#include "queue/file_system.hpp"

namespace canhose::queue {

struct FrameView {
  std::uint64_t seq = 0;
  std::uint64_t offset = 0;            // where the frame starts in the file
  std::span<const std::byte> payload;  // valid until the next call to next()
};

struct TailDamage {
  std::uint64_t offset = 0;  // first byte that is not part of a valid frame
  std::uint64_t bytes = 0;   // from there to the end of the readable range
  std::string reason;
};

class SegmentReader {
 public:
  enum class Status { record, end, io_error };

  // Reads [start_offset, limit) of `file`, whose frames count from `first_seq`.
  // `file` and `reporter` (may be null) must outlive the reader.
  SegmentReader(File& file, std::filesystem::path path, std::uint64_t first_seq,
                std::uint64_t start_offset, std::uint64_t limit, CorruptionReporter* reporter);

  // The readable range may grow while the segment is appended to.
  void set_limit(std::uint64_t limit) { limit_ = limit; }
  std::uint64_t limit() const { return limit_; }
  // The frames' sequence numbers lie in [first_seq, seq_end): seq_end is the next
  // segment's first_seq, or format::max_seq_end(first_seq) (the default) while there is
  // none. It tightens when a successor is created while this segment is read.
  void set_seq_end(std::uint64_t seq_end) { seq_end_ = std::max(seq_end, first_seq_); }
  std::uint64_t seq_end() const { return seq_end_; }

  Status next(FrameView& out);

  // Offset just past the last valid frame (or start_offset): where the valid data ends.
  std::uint64_t valid_end() const { return pos_; }
  // Highest sequence number read so far; first_seq - 1 before any.
  std::uint64_t last_seq() const { return last_seq_; }
  std::uint64_t records_read() const { return records_; }
  const std::optional<TailDamage>& tail_damage() const { return tail_; }
  const std::error_code& io_error() const { return io_error_; }

 private:
  // Makes [offset, offset + n) available; returns it, or fewer bytes at the limit.
  std::span<const std::byte> fetch(std::uint64_t offset, std::size_t n);

  File& file_;
  std::filesystem::path path_;
  std::uint64_t first_seq_;
  std::uint64_t pos_;
  std::uint64_t limit_;
  std::uint64_t seq_end_;
  CorruptionReporter* reporter_;
  std::uint64_t last_seq_;
  std::uint64_t records_ = 0;
  std::vector<std::byte> buffer_;
  std::uint64_t buffer_offset_ = 0;
  std::optional<TailDamage> tail_;
  std::error_code io_error_;
};

// The one place that dispatches on a segment's format version. Version 1 is the only
// one so far; a later version adds its reader here and version-1 segments keep being read
// by this one. Returns null for a version this build cannot read (the queue refuses to
// open before it gets here). `seq_end`: see SegmentReader::set_seq_end.
std::unique_ptr<SegmentReader> make_segment_reader(std::uint32_t version, File& file,
                                                   std::filesystem::path path,
                                                   std::uint64_t first_seq, std::uint64_t seq_end,
                                                   std::uint64_t limit,
                                                   CorruptionReporter* reporter);

}  // namespace canhose::queue
