#include "queue/segment_reader.hpp"

#include <algorithm>

#include "queue/frame_codec.hpp"
#include "queue/frame_resync.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {
namespace {

// Bytes read from the file at a time (more when one frame needs it). It stays allocated
// while the reader is open, so it counts in a draining daemon's memory: 64 KiB is still
// ~1,000 small records per read() call.
constexpr std::size_t kReadChunk = 64 * 1024;

bool all_zero(std::span<const std::byte> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0}; });
}

}  // namespace

SegmentReader::SegmentReader(File& file, std::filesystem::path path, std::uint64_t first_seq,
                             std::uint64_t start_offset, std::uint64_t limit,
                             CorruptionReporter* reporter)
    : file_(file),
      path_(std::move(path)),
      first_seq_(first_seq),
      pos_(start_offset),
      limit_(limit),
      seq_end_(format::max_seq_end(first_seq)),
      reporter_(reporter),
      last_seq_(first_seq - 1) {}

std::span<const std::byte> SegmentReader::fetch(std::uint64_t offset, std::size_t n) {
  const std::uint64_t available = offset < limit_ ? limit_ - offset : 0;
  n = static_cast<std::size_t>(std::min<std::uint64_t>(n, available));
  if (offset >= buffer_offset_ && offset + n <= buffer_offset_ + buffer_.size()) {
    return {buffer_.data() + (offset - buffer_offset_), n};
  }
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(std::max(n, kReadChunk), available));
  buffer_.resize(want);
  const IoResult r = file_.read_at(offset, buffer_);
  buffer_.resize(r.bytes);
  buffer_offset_ = offset;
  if (r.error) {
    io_error_ = r.error;
  }
  return {buffer_.data(), std::min(n, buffer_.size())};
}

SegmentReader::Status SegmentReader::next(FrameView& out) {
  while (true) {
    if (pos_ >= limit_) {
      return Status::end;
    }
    const auto header = fetch(pos_, format::kFrameHeaderSize);
    if (io_error_) {
      return Status::io_error;
    }
    std::string reason;
    bool torn = false;
    std::size_t frame_bytes = 0;
    FrameHeader h{};
    if (header.size() < format::kFrameHeaderSize) {
      torn = true;
      reason = "truncated frame header at end of segment";
    } else {
      h = decode_frame_header(header.data());
      frame_bytes = format::kFrameHeaderSize + h.length;
      if (h.length > format::kMaxRecordBytes) {
        reason = "impossible frame length";
      } else if (pos_ + frame_bytes > limit_) {
        torn = true;
        reason = "truncated frame at end of segment";
      } else {
        const auto frame = fetch(pos_, frame_bytes);
        if (io_error_) {
          return Status::io_error;
        }
        if (all_zero(frame)) {
          reason = "zeroed bytes";
        } else if (!frame_checksum_matches(h, frame)) {
          reason = "checksum mismatch";
        } else if (h.seq_delta >= seq_end_ - first_seq_) {
          // Whole and checksummed, but numbered where another segment's records are (or
          // beyond the newest record): trusting it would deliver it out of order and
          // move the reader past the records in between. Damage: skip it and go on.
          if (reporter_ != nullptr) {
            reporter_->corruption(path_, pos_, frame_bytes, 1,
                                  "sequence number " + std::to_string(first_seq_ + h.seq_delta) +
                                      " outside the segment's range " + std::to_string(first_seq_) +
                                      ".." + std::to_string(seq_end_ - 1));
          }
          pos_ += frame_bytes;
          continue;
        } else {
          const std::uint64_t seq = first_seq_ + h.seq_delta;
          pos_ += frame_bytes;
          if (seq <= last_seq_) {
            continue;  // a duplicate left by a rewrite; the first copy was returned
          }
          last_seq_ = seq;
          ++records_;
          out.seq = seq;
          out.offset = pos_ - frame_bytes;
          // fetch() may have moved the buffer; take the payload from the current one.
          const auto whole = fetch(out.offset, frame_bytes);
          out.payload = whole.subspan(format::kFrameHeaderSize);
          return Status::record;
        }
      }
    }
    // Damage at pos_: look for the next valid frame that continues the sequence.
    const std::uint64_t damage_start = pos_;
    FrameResync resync(file_, first_seq_, last_seq_, damage_start, limit_);
    const std::optional<ResyncPoint> found = resync.find();
    if (resync.io_error()) {
      io_error_ = resync.io_error();
      return Status::io_error;
    }
    if (!found) {
      tail_ = TailDamage{damage_start, limit_ - damage_start, reason};
      return Status::end;
    }
    if (reporter_ != nullptr) {
      reporter_->corruption(path_, damage_start, found->offset - damage_start,
                            found->seq - last_seq_ - 1,
                            torn ? std::string("frame overlapping the next valid frame") : reason);
    }
    pos_ = found->offset;
  }
}

std::unique_ptr<SegmentReader> make_segment_reader(std::uint32_t version, File& file,
                                                   std::filesystem::path path,
                                                   std::uint64_t first_seq, std::uint64_t seq_end,
                                                   std::uint64_t limit,
                                                   CorruptionReporter* reporter) {
  switch (version) {
    case format::kVersion1: {
      auto reader = std::make_unique<SegmentReader>(file, std::move(path), first_seq,
                                                    format::kSegmentHeaderSize, limit, reporter);
      reader->set_seq_end(seq_end);
      return reader;
    }
    default:
      return nullptr;
  }
}

}  // namespace canhose::queue
