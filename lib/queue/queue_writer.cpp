// The segment writer: the worker thread's loop, which writes, fsyncs, seals and creates
// segments. Worker thread; the *_locked functions are called with mutex_ held and may
// release it around I/O.

#include <algorithm>
#include <array>

#include "log/logger.hpp"
#include "queue/detail/queue_internal.hpp"
#include "queue/frame_codec.hpp"
#include "queue/queue.hpp"
#include "queue/queue_format.hpp"
#include "queue/segment_header.hpp"

namespace canhose::queue {
namespace {

using detail::Clock;
using detail::is_no_space;
using detail::kLog;
using detail::segment_name;
using detail::wall_ms;

}  // namespace

void Queue::worker_main() {
  std::unique_lock lock(mutex_);
  while (true) {
    const auto now = Clock::now();
    timeline_.mark(next_seq_, wall_ms());
    timeline_.forget_before(ack_seq_);
    const bool stopping = stop_;
    const bool backoff = !stopping && now < retry_at_;
    bool progressed = false;
    bool synced = false;

    if (!backoff) {
      progressed |= write_pending_locked(lock);
      const bool unsynced = written_count_ > 0;
      const std::uint64_t unsynced_bytes = active_written_ - active_synced_;
      const bool sync_due = unsynced && (stopping || options_.fsync == FsyncMode::always ||
                                         Clock::now() >= last_sync_ + options_.fsync_interval ||
                                         unsynced_bytes * 2 >= options_.memory_buffer_bytes);
      if (sync_due) {
        synced = sync_active_locked(lock);
        progressed = true;
      }
    }
    progressed |= persist_cursor_locked(lock, stopping, synced);
    if (options_.max_age && Clock::now() >= next_expiry_check_) {
      next_expiry_check_ = Clock::now() + std::min<std::chrono::milliseconds>(
                                              *options_.max_age / 10, std::chrono::seconds(10));
      const std::int64_t cutoff = wall_ms() - options_.max_age->count();
      // A sealed segment's last record is older than the next segment's creation.
      while (segments_.size() >= 2 && segments_[1].created_ms < cutoff && !segments_[0].active) {
        evict_oldest_locked(lock, DropReason::expired);
      }
    }
    if (stopping) {
      // One last attempt (no backoff): write everything in memory, fsync, persist.
      for (int i = 0; i < 64 && pending_.size() > written_count_; ++i) {
        write_pending_locked(lock);
        if (Clock::now() < retry_at_) {
          break;
        }
      }
      if (written_count_ > 0) {
        sync_active_locked(lock);
      }
      persist_cursor_locked(lock, true);
      if (active_ && active_synced_ == active_written_) {
        active_.reset();
      }
      return;
    }
    if (progressed) {
      continue;
    }
    // Sleep until there is work or a deadline passes.
    auto deadline = Clock::now() + std::chrono::seconds(1);
    if (written_count_ > 0) {
      deadline = std::min(deadline, last_sync_ + options_.fsync_interval);
    }
    if (Clock::now() < retry_at_) {
      deadline = std::min(deadline, retry_at_);
    }
    if (ack_seq_ != persisted_ack_) {
      deadline = std::min(deadline, std::max(last_cursor_write_ + options_.cursor_write_interval,
                                             cursor_retry_at_));
    }
    if (options_.max_age) {
      deadline = std::min(deadline, next_expiry_check_);
    }
    wake_.wait_until(lock, deadline, [&] {
      return stop_ || (pending_.size() > written_count_ && Clock::now() >= retry_at_) ||
             (acks_since_persist_ >= options_.cursor_write_records && ack_seq_ != persisted_ack_ &&
              Clock::now() >= cursor_retry_at_);
    });
  }
}

bool Queue::write_pending_locked(std::unique_lock<std::mutex>& lock) {
  if (pending_.size() <= written_count_) {
    return false;
  }
  // Roll to a new segment when the active one is full, old, or can no longer be trusted.
  const std::uint64_t next_seq = pending_[written_count_].seq;
  if (active_) {
    const auto& seg = segments_.back();
    const bool roll = active_written_ >= segment_limit() ||
                      Clock::now() - active_opened_ >= options_.segment_max_age ||
                      next_seq - seg.first_seq >= format::kMaxSeqDelta;
    if (roll) {
      if (written_count_ > 0 && !sync_active_locked(lock)) {
        return true;
      }
      seal_active_locked();
    }
  }
  // Bytes the records not yet written will take (written ones are in disk_bytes_ already).
  const std::uint64_t written_frames = active_written_ - active_synced_;
  const std::uint64_t written_payload =
      written_frames -
      std::min<std::uint64_t>(written_frames, written_count_ * format::kFrameHeaderSize);
  const std::uint64_t pending_bytes = pending_.bytes();
  const std::uint64_t incoming = pending_bytes - std::min(pending_bytes, written_payload) +
                                 (pending_.size() - written_count_) * format::kFrameHeaderSize;
  enforce_bounds_locked(lock, incoming);
  if (pending_.size() <= written_count_) {
    return false;
  }
  if (!active_ && !create_segment_locked(lock, pending_[written_count_].seq)) {
    return true;
  }
  // Choose a batch (bounded, so a burst does not hold a huge buffer) under the lock, then
  // encode and checksum it without the lock so append() on the loop never waits for it.
  // The records' bytes stay put: only this thread removes records, and appending more
  // does not move them (pending_store.hpp).
  constexpr std::size_t kMaxWriteBytes = 4 * 1024 * 1024;
  const std::uint64_t first_seq = segments_.back().first_seq;
  const std::uint64_t limit = segment_limit();
  batch_.clear();
  std::size_t batch_bytes = 0;
  for (std::size_t i = written_count_; i < pending_.size(); ++i) {
    const PendingStore::Record& p = pending_[i];
    const std::size_t frame_bytes = format::kFrameHeaderSize + p.size;
    if (!batch_.empty() && (batch_bytes + frame_bytes > kMaxWriteBytes ||
                            active_written_ + batch_bytes + frame_bytes > limit ||
                            p.seq - first_seq >= format::kMaxSeqDelta)) {
      break;  // the rest goes to the next batch (and segment)
    }
    batch_.push_back(p);
    batch_bytes += frame_bytes;
  }
  const std::size_t count = batch_.size();
  const std::uint64_t last_seq = batch_.back().seq;
  lock.unlock();
  if (batch_bytes > write_capacity_) {
    write_capacity_ = std::max(batch_bytes, std::min(2 * write_capacity_, kMaxWriteBytes));
    write_buffer_ = std::make_unique_for_overwrite<std::byte[]>(write_capacity_);
  }
  std::byte* out = write_buffer_.get();
  for (const PendingStore::Record& p : batch_) {
    out = encode_frame(out, static_cast<std::uint32_t>(p.seq - first_seq), p.bytes());
  }
  const IoResult r = active_->append(std::span<const std::byte>(write_buffer_.get(), batch_bytes));
  lock.lock();
  if (r.error) {
    active_written_ += r.bytes;
    disk_failure_locked(lock, "write", r.error);
    return true;
  }
  active_written_ += r.bytes;
  written_count_ += count;
  segments_.back().file_bytes = active_written_;
  publish_written_locked(last_seq);
  disk_bytes_ += r.bytes;
  retry_delay_ = options_.retry_initial;  // the disk works again
  retry_at_ = {};
  if (options_.fsync == FsyncMode::never) {
    // Written counts as durable in this mode.
    active_synced_ = active_written_;
    segments_.back().readable_bytes = active_synced_;
    pending_.pop_front(written_count_);
    written_count_ = 0;
    publish_durable_locked(last_seq);
  }
  return true;
}

bool Queue::sync_active_locked(std::unique_lock<std::mutex>& lock) {
  if (!active_) {
    return false;
  }
  lock.unlock();
  const std::error_code ec = active_->sync();
  lock.lock();
  last_sync_ = Clock::now();
  if (ec) {
    ++counters_.fsync_errors;
    disk_failure_locked(lock, "fsync", ec);
    return false;
  }
  ++counters_.fsyncs;
  active_synced_ = active_written_;
  segments_.back().readable_bytes = active_synced_;
  if (written_count_ > 0) {
    const std::uint64_t last = pending_[written_count_ - 1].seq;
    pending_.pop_front(written_count_);
    written_count_ = 0;
    publish_durable_locked(last);
  }
  return true;
}

void Queue::seal_active_locked() {
  if (!active_) {
    return;
  }
  segments_.back().active = false;
  active_.reset();
}

bool Queue::create_segment_locked(std::unique_lock<std::mutex>& lock, std::uint64_t first_seq) {
  SegmentInfo info;
  info.first_seq = first_seq;
  info.path = options_.dir / segment_name(first_seq);
  info.created_ms = wall_ms();
  info.version = format::kVersion1;
  info.file_bytes = format::kSegmentHeaderSize;
  info.readable_bytes = format::kSegmentHeaderSize;
  info.active = true;
  info.generation = ++segment_generations_;
  std::array<std::byte, format::kSegmentHeaderSize> header{};
  encode_segment_header({format::kVersion1, first_seq, info.created_ms}, header);

  lock.unlock();
  std::unique_ptr<File> file;
  std::error_code ec = fs_->open(info.path, OpenMode::create_truncate, file);
  const char* what = "create segment";
  if (!ec) {
    const IoResult r = file->append(header);
    ec = r.error;
    what = "write segment header";
  }
  if (!ec) {
    ec = file->sync();
    what = "fsync new segment";
  }
  if (!ec) {
    ec = fs_->sync_directory(options_.dir);
    what = "fsync queue directory";
  }
  if (ec && file) {
    file.reset();
    (void)fs_->remove(info.path);
  }
  lock.lock();
  if (ec) {
    ++counters_.write_errors;
    record_disk_error_.set(what, ec);
    log::error(kLog, "cannot ", what, " ", info.path.string(), ": ", ec.message(),
               "; keeping records in memory and retrying");
    retry_at_ = Clock::now() + retry_delay_;
    retry_delay_ = std::min(retry_delay_ * 2, options_.retry_max);
    if (is_no_space(ec) && make_room_locked(lock)) {
      retry_at_ = {};
    }
    return false;
  }
  ++counters_.fsyncs;
  if (!segments_.empty() && segments_.back().first_seq == first_seq) {
    disk_bytes_ -= segments_.back().file_bytes;  // an emptied leftover with the same name
    segments_.pop_back();
  }
  active_ = std::move(file);
  active_written_ = format::kSegmentHeaderSize;
  active_synced_ = format::kSegmentHeaderSize;
  active_opened_ = Clock::now();
  disk_bytes_ += info.file_bytes;
  segments_.push_back(std::move(info));
  return true;
}

}  // namespace canhose::queue
