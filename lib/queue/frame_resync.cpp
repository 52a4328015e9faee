#include "queue/frame_resync.hpp"

#include <algorithm>
#include <cassert>

#include "queue/crc32c.hpp"
#include "queue/frame_codec.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {
namespace {

constexpr std::uint64_t kReadChunk = 256 * 1024;
// A candidate's whole frame, from the mark at or before it, plus room to read a chunk.
constexpr std::uint64_t kCapacity = format::kMaxFrameBytes + FrameResync::kStride + kReadChunk;

}  // namespace

FrameResync::FrameResync(File& file, std::uint64_t first_seq, std::uint64_t last_seq,
                         std::uint64_t damage_start, std::uint64_t limit)
    : file_(file),
      first_seq_(first_seq),
      last_seq_(last_seq),
      damage_start_(damage_start),
      limit_(limit),
      base_(damage_start) {
  const std::uint64_t most = std::min(kCapacity, limit > damage_start ? limit - damage_start : 0);
  bytes_.reserve(static_cast<std::size_t>(most));
  marks_.reserve(static_cast<std::size_t>(most / kStride + 1));
  marks_.push_back(0);  // the CRC of nothing, at damage_start
}

bool FrameResync::fill(std::uint64_t keep, std::uint64_t want) {
  want = std::min(want, limit_);
  while (end() < want && !file_ended_) {
    std::uint64_t n = std::min(std::max(want - end(), kReadChunk), limit_ - end());
    if (bytes_.size() + n > kCapacity) {
      // Let go of what lies before the mark at or before `keep`. What is kept and what
      // `want` adds is at most a maximal frame and a stride: a chunk still fits.
      const std::uint64_t from = damage_start_ + (keep - damage_start_) / kStride * kStride;
      const auto drop = static_cast<std::ptrdiff_t>(from - base_);
      bytes_.erase(bytes_.begin(), bytes_.begin() + drop);
      marks_.erase(marks_.begin(), marks_.begin() + drop / static_cast<std::ptrdiff_t>(kStride));
      base_ = from;
      n = std::min(n, kCapacity - bytes_.size());
      assert(end() + n >= want);  // callers never want more than a frame past `keep`
    }
    const std::size_t had = bytes_.size();
    const std::uint64_t offset = end();
    bytes_.resize(had + static_cast<std::size_t>(n));
    const IoResult r = file_.read_at(offset, std::span(bytes_).subspan(had));
    bytes_.resize(had + r.bytes);
    if (r.error) {
      io_error_ = r.error;
      return false;
    }
    file_ended_ = r.bytes < n;
    // The running CRC at each stride boundary now readable: every byte is hashed once.
    for (std::uint64_t m = base_ + (marks_.size() - 1) * kStride; m + kStride <= end();
         m += kStride) {
      marks_.push_back(crc32c::extend(marks_.back(), {at(m), kStride}));
    }
  }
  return true;
}

std::uint32_t FrameResync::running_crc(std::uint64_t offset) const {
  const std::uint64_t j = (offset - base_) / kStride;
  const std::uint64_t mark = base_ + j * kStride;
  return crc32c::extend(marks_[j], {at(mark), static_cast<std::size_t>(offset - mark)});
}

std::optional<ResyncPoint> FrameResync::find() {
  constexpr std::uint64_t kHeader = format::kFrameHeaderSize;
  for (std::uint64_t q = damage_start_ + 1; q + kHeader <= limit_; ++q) {
    if (q + kHeader > end() && (!fill(q, q + kHeader) || q + kHeader > end())) {
      return std::nullopt;  // a read error, or the file ends before the readable range
    }
    const FrameHeader h = decode_frame_header(at(q));
    if (h.length > format::kMaxRecordBytes) {
      continue;
    }
    // Within a segment sequence numbers are consecutive; only lost records leave a gap,
    // and each lost record took at least a frame header of the damaged bytes. This bound
    // keeps random bytes from passing as a frame before their checksum is even computed.
    const std::uint64_t seq = first_seq_ + h.seq_delta;
    const std::uint64_t max_gap = (q - damage_start_) / kHeader + 1;
    if (seq <= last_seq_ || seq > last_seq_ + max_gap) {
      continue;
    }
    const std::uint64_t frame_end = q + kHeader + h.length;
    if (frame_end > limit_) {
      continue;
    }
    if (frame_end > end() && !fill(q, frame_end)) {
      return std::nullopt;
    }
    if (frame_end > end()) {
      continue;  // the file ends inside this frame
    }
    // The checksum covers [q + 4, frame_end): the CRC of that span from the running CRCs
    // at its two ends.
    const std::uint32_t crc =
        crc32c::combine(running_crc(q + 4), running_crc(frame_end), frame_end - (q + 4));
    if (crc32c::mask(crc) == h.masked_crc) {
      return ResyncPoint{q, seq};
    }
  }
  return std::nullopt;
}

}  // namespace canhose::queue
