// Delivery's side of the Queue: read() and acknowledge(), on the thread that runs `io` (the
// event loop). They take mutex_ only to look at the segments the worker keeps.

#include <algorithm>

#include "log/logger.hpp"
#include "queue/detail/queue_internal.hpp"
#include "queue/queue.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {
namespace {

using detail::kLog;

// The most a read reserves for its records' bytes up front (up to its max_bytes): delivery
// reads slices of at most 256 KiB, which then never regrow (a regrowth copies them all).
constexpr std::size_t kReadReserveBytes = 1024 * 1024;

}  // namespace

std::uint64_t Queue::seq_end_locked(std::size_t i) const {
  // A successor bounds a segment's sequence numbers; the newest segment holds none at or
  // above next_seq_ (nor beyond what its format can number).
  if (i + 1 < segments_.size()) {
    return segments_[i + 1].first_seq;
  }
  return std::min(format::max_seq_end(segments_[i].first_seq), next_seq_);
}

bool Queue::open_reader() {
  // Segment to read: the last one starting at or before read_next_seq_, else the first.
  SegmentInfo seg;
  std::uint64_t seq_end = 0;
  // A segment that is no longer listed was deleted: let its file go now (its space is
  // not freed while it is open), even when there is no other segment to read yet.
  reader_.reset();
  reader_file_.reset();
  {
    std::lock_guard lock(mutex_);
    reading_segment_ = 0;
    if (segments_.empty()) {
      return false;
    }
    auto it =
        std::upper_bound(segments_.begin(), segments_.end(), read_next_seq_,
                         [](std::uint64_t seq, const SegmentInfo& s) { return seq < s.first_seq; });
    if (it != segments_.begin()) {
      --it;
    }
    seg = *it;
    seq_end = seq_end_locked(static_cast<std::size_t>(it - segments_.begin()));
    reading_segment_ = seg.first_seq;
  }
  reader_.reset();
  reader_file_.reset();
  if (auto ec = fs_->open(seg.path, OpenMode::read, reader_file_)) {
    log::error(kLog, "cannot open segment ", seg.path.string(), " for reading: ", ec.message());
    return false;
  }
  reader_segment_ = seg.first_seq;
  reader_generation_ = seg.generation;
  reader_ = make_segment_reader(seg.version, *reader_file_, seg.path, seg.first_seq, seq_end,
                                seg.readable_bytes, &read_reporter_);
  if (!reader_) {
    log::error(kLog, "segment ", seg.path.string(), " has unreadable format version ", seg.version);
    return false;
  }
  return true;
}

ReadBatch Queue::read(std::size_t max_records, std::size_t max_bytes) {
  ReadBatch batch;
  batch.storage.reserve(std::min<std::size_t>(max_bytes, kReadReserveBytes));
  // Spans are made at the end, when the storage has stopped growing.
  std::vector<std::size_t> sizes;
  auto take = [&](std::uint64_t seq, std::span<const std::byte> bytes) {
    batch.bytes += bytes.size();
    read_next_seq_ = seq + 1;
    in_flight_.add(seq);
    batch.storage.insert(batch.storage.end(), bytes.begin(), bytes.end());
    batch.records.push_back({seq, {}});
    sizes.push_back(bytes.size());
  };
  if (carried_seq_ != 0) {
    take(carried_seq_, carried_bytes_);
    carried_seq_ = 0;
    carried_bytes_.clear();
  }
  while (batch.records.size() < max_records && batch.bytes < max_bytes) {
    // Where the current segment stands: still listed? its readable end? a successor?
    std::uint64_t limit = 0;
    std::uint64_t seq_end = 0;
    std::uint64_t durable = 0;
    bool listed = false;
    bool has_next = false;
    {
      std::lock_guard lock(mutex_);
      durable = durable_seq_;
      for (std::size_t i = 0; i < segments_.size(); ++i) {
        if (segments_[i].first_seq == reader_segment_ &&
            segments_[i].generation == reader_generation_) {
          listed = true;
          limit = segments_[i].readable_bytes;
          seq_end = seq_end_locked(i);
          has_next = i + 1 < segments_.size();
          break;
        }
      }
    }
    if (!reader_ || !listed) {
      if (!open_reader()) {
        break;
      }
      continue;
    }
    reader_->set_limit(limit);
    reader_->set_seq_end(seq_end);
    // As many frames as fit are read against this look (a segment's readable end only
    // grows): no lock and no segment search per record.
    auto status = SegmentReader::Status::record;
    while (batch.records.size() < max_records && batch.bytes < max_bytes) {
      FrameView frame;
      status = reader_->next(frame);
      if (status != SegmentReader::Status::record) {
        break;
      }
      if (frame.seq < read_next_seq_) {
        continue;  // before the cursor (or a duplicate copy of an earlier record)
      }
      if (!batch.records.empty() && batch.bytes + frame.payload.size() > max_bytes) {
        read_next_seq_ = frame.seq + 1;
        carried_seq_ = frame.seq;
        carried_bytes_.assign(frame.payload.begin(), frame.payload.end());
        break;
      }
      take(frame.seq, frame.payload);
    }
    if (status == SegmentReader::Status::io_error) {
      batch.error = reader_->io_error();
      log::error(kLog, "read error in segment ", reader_segment_, ": ", batch.error.message());
      reader_.reset();  // reopen and retry on the next call
      break;
    }
    if (status != SegmentReader::Status::end) {
      break;  // the batch is full
    }
    if (has_next) {
      // Move on to the segment after this one.
      std::lock_guard lock(mutex_);
      auto it = std::upper_bound(
          segments_.begin(), segments_.end(), reader_segment_,
          [](std::uint64_t seq, const SegmentInfo& s) { return seq < s.first_seq; });
      if (it == segments_.end()) {
        break;
      }
      read_next_seq_ = std::max(read_next_seq_, it->first_seq);
      reader_.reset();
      reading_segment_ = 0;  // read to its end; open_reader() marks the next one
      reader_segment_ = it->first_seq;
      continue;
    }
    // Everything durable has been read, even if damage hid some of it.
    read_next_seq_ = std::max(read_next_seq_, durable + 1);
    break;
  }
  const std::byte* at = batch.storage.data();
  for (std::size_t i = 0; i < batch.records.size(); ++i) {
    batch.records[i].data = {at, sizes[i]};
    at += sizes[i];
  }
  return batch;
}

void Queue::acknowledge(std::uint64_t seq) {
  acknowledge(std::span<const std::uint64_t>(&seq, 1));
}

void Queue::acknowledge(std::span<const std::uint64_t> seqs) {
  std::uint64_t acked = 0;
  for (const std::uint64_t seq : seqs) {
    acked += in_flight_.acknowledge(seq) ? 1 : 0;
  }
  if (acked == 0) {
    return;
  }
  std::uint64_t first_unacked = in_flight_.first().value_or(read_next_seq_);
  if (carried_seq_ != 0) {
    first_unacked = std::min(first_unacked, carried_seq_);
  }
  std::lock_guard lock(mutex_);
  acks_since_persist_ += acked;
  if (first_unacked > ack_seq_) {
    ack_seq_ = first_unacked;
  }
  if (acks_since_persist_ >= options_.cursor_write_records) {
    wake_.notify_one();
  }
}

}  // namespace canhose::queue
