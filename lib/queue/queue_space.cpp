// Disk space, bounds and the cursor: a full disk, drop_oldest and max_age evictions, the
// cursor's persistence and the deletion of delivered segments. Worker thread; the *_locked
// functions are called with mutex_ held and may release it around I/O.

#include <algorithm>

#include "log/logger.hpp"
#include "queue/cursor_file.hpp"
#include "queue/detail/queue_internal.hpp"
#include "queue/queue.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {
namespace {

using detail::Clock;
using detail::is_no_space;
using detail::kLog;
using detail::wall_ms;

// Segments are never closed below this size for lack of disk space (the smallest
// queue.segment_bytes allowed).
constexpr std::uint64_t kSmallestSegmentBytes = 64 * 1024;

}  // namespace

void Queue::disk_failure_locked(std::unique_lock<std::mutex>& lock, const char* what,
                                std::error_code ec) {
  if (std::string_view(what) == "write") {
    ++counters_.write_errors;
  }
  record_disk_error_.set(std::string(what) + " segment", ec);
  log::error(kLog, what, " failed on ", segments_.back().path.filename().string(), ": ",
             ec.message(), "; segment abandoned, records kept in memory, retrying in ",
             retry_delay_.count(), "ms");
  // The file is not trusted past its last successful fsync: cut it back there (best
  // effort) and rewrite everything not yet durable into a new segment.
  SegmentInfo& seg = segments_.back();
  const std::uint64_t keep = active_synced_;
  std::unique_ptr<File> file = std::move(active_);
  const auto path = seg.path;
  const bool empty = keep <= format::kSegmentHeaderSize;
  lock.unlock();
  if (empty) {
    file.reset();
    remove_segment_file(path);
  } else {
    (void)file->truncate(keep);
    file.reset();
  }
  lock.lock();
  disk_bytes_ -= segments_.back().file_bytes;
  if (empty) {
    segments_.pop_back();
  } else {
    segments_.back().file_bytes = keep;
    segments_.back().readable_bytes = keep;
    segments_.back().active = false;
    disk_bytes_ += keep;
  }
  written_count_ = 0;
  active_written_ = active_synced_;  // no active segment: nothing written and unsynced
  retry_at_ = Clock::now() + retry_delay_;
  retry_delay_ = std::min(retry_delay_ * 2, options_.retry_max);
  if (is_no_space(ec) && make_room_locked(lock)) {
    retry_at_ = {};
  }
}

void Queue::remove_segment_file(const std::filesystem::path& path) {
  // Delivery's reader (on the loop thread) may still have the file open, and an unlinked
  // file's space comes back only when its last descriptor closes: on a full disk the
  // worker's next write would fail again, and drop_oldest would delete a segment more.
  // Emptying it first frees the space now. Only for segments the reader has read to the
  // end (delivered ones) or never will (an emptied failed segment): see
  // evict_oldest_locked. A crash between the two calls leaves an empty segment file,
  // which the next start removes.
  std::unique_ptr<File> file;
  if (!fs_->open(path, OpenMode::read_write, file)) {
    (void)file->truncate(0);
    file.reset();
  }
  (void)fs_->remove(path);
}

std::uint64_t Queue::segment_limit() const {
  return full_disk_segment_bytes_ == 0 ? options_.segment_bytes
                                       : std::min(options_.segment_bytes, full_disk_segment_bytes_);
}

bool Queue::make_room_locked(std::unique_lock<std::mutex>& lock) {
  // What the disk held when it refused is the real bound: segments are closed at a
  // quarter of it from now on, so that drop_oldest frees a quarter at a time, not all.
  const std::uint64_t quarter = std::max(kSmallestSegmentBytes, disk_bytes_ / 4);
  if (full_disk_segment_bytes_ == 0 || quarter < full_disk_segment_bytes_) {
    full_disk_segment_bytes_ = quarter;
    if (quarter < options_.segment_bytes) {
      log::warning(kLog, "the disk is full with ", disk_bytes_,
                   " bytes of queue segments: closing segments at ", quarter, " bytes from now on");
    }
  }
  // Delivered records first: deleting them loses nothing. Their deletion needs a new
  // cursor on the disk first (persist_cursor_locked finds room for it).
  const std::size_t before = segments_.size();
  if (ack_seq_ != persisted_ack_) {
    (void)persist_cursor_locked(lock, true);
  }
  delete_delivered_locked(lock);
  if (segments_.size() < before) {
    return true;
  }
  if (options_.when_full == WhenFull::drop_oldest && !segments_.empty() &&
      !segments_.front().active) {
    log::warning(kLog,
                 "the disk is full: deleting the oldest queue segment to make room "
                 "(queue.when_full: drop_oldest)");
    if (segments_.size() >= 2) {
      evict_oldest_locked(lock, DropReason::queue_full_oldest);
      return true;
    }
    // The only segment left, sealed, so all its records are durable: they are dropped by
    // moving the ack cursor past them. That cursor must be on the disk before the file
    // goes (persist_cursor_locked deletes it then): otherwise the segment's name and
    // frames are the only record of the sequence numbers it used.
    const SegmentInfo& only = segments_.front();
    const std::uint64_t end = durable_seq_ + 1;
    const std::uint64_t from = std::max(ack_seq_, only.first_seq);
    if (end > from) {
      count_drop_locked(DropReason::queue_full_oldest, end - from);
      log::warning(kLog, "dropped ", end - from, " unacknowledged records (",
                   to_string(DropReason::queue_full_oldest), ") by deleting segment ",
                   only.path.filename().string());
    }
    ack_seq_ = std::max(ack_seq_, end);
    (void)persist_cursor_locked(lock, true);
    return segments_.size() < before;
  }
  if (!disk_full_) {
    disk_full_ = true;
    if (options_.when_full == WhenFull::drop_newest) {
      log::warning(kLog,
                   "the disk is full: refusing new records until delivery frees space "
                   "(queue.when_full: drop_newest)");
    } else {
      log::warning(kLog,
                   "the disk is full and holds no queue segment to delete: records wait in "
                   "memory (queue.memory_buffer) until space returns");
    }
  }
  return false;
}

void Queue::DiskError::set(std::string_view what, std::error_code ec) {
  if (text.empty()) {
    since_ms = wall_ms();
  }
  // No file name: a metric label that changed with every segment would make a new series.
  text = std::string(what) + ": " + ec.message();
}

void Queue::enforce_bounds_locked(std::unique_lock<std::mutex>& lock, std::uint64_t incoming) {
  if (options_.when_full != WhenFull::drop_oldest) {
    return;
  }
  while (disk_bytes_ + incoming > options_.max_bytes && segments_.size() >= 2 &&
         !segments_.front().active) {
    evict_oldest_locked(lock, DropReason::queue_full_oldest);
  }
}

void Queue::evict_oldest_locked(std::unique_lock<std::mutex>& lock, DropReason reason) {
  const SegmentInfo oldest = segments_.front();
  const std::uint64_t end = segments_[1].first_seq;  // first seq after this segment
  const std::uint64_t from = std::max(ack_seq_, oldest.first_seq);
  const std::uint64_t lost = end > from ? end - from : 0;
  if (lost > 0) {
    count_drop_locked(reason, lost);
    log::warning(kLog, "dropped ", lost, " unacknowledged records (", to_string(reason),
                 ") by deleting segment ", oldest.path.filename().string());
  }
  ack_seq_ = std::max(ack_seq_, end);
  disk_bytes_ -= oldest.file_bytes;
  segments_.pop_front();
  disk_full_ = false;  // space was freed: let new records try it
  // Delivery may be reading it: emptying it under the reader would make the reader scan
  // the rest of it for a frame. Its space then comes back when the reader moves on.
  const bool being_read = oldest.first_seq == reading_segment_;
  lock.unlock();
  if (being_read) {
    (void)fs_->remove(oldest.path);
  } else {
    remove_segment_file(oldest.path);
  }
  lock.lock();
}

bool Queue::persist_cursor_locked(std::unique_lock<std::mutex>& lock, bool force,
                                  bool with_group_fsync) {
  // Normally only a moved ack cursor is worth a write; at close also a new next_seq, so
  // that numbers handed out this run are not handed out again even if never written.
  if (ack_seq_ == persisted_ack_ && !(force && next_seq_ != persisted_next_)) {
    // Acknowledgements that did not move the cursor (of records a full queue had already
    // dropped) need no write. Forgetting them matters: the worker's wake-up test counts
    // them, and left counted they kept it from ever waiting, holding the mutex.
    acks_since_persist_ = 0;
    return false;
  }
  const auto now = Clock::now();
  // Along with a group fsync the cursor goes out as soon as fsync_interval allows: while
  // records flow, a crash then sends again only what was acknowledged since the last
  // fsync (and the requests in flight), not up to cursor_write_interval of records.
  const bool due_with_fsync =
      with_group_fsync && now >= last_cursor_write_ + options_.fsync_interval;
  if (!force && (now < cursor_retry_at_ ||
                 (!due_with_fsync && now < last_cursor_write_ + options_.cursor_write_interval &&
                  acks_since_persist_ < options_.cursor_write_records))) {
    return false;
  }
  const Cursor cursor{ack_seq_, next_seq_};
  // Whether this cursor lets a segment go (as delete_delivered_locked will decide).
  const bool frees_space = !segments_.empty() && !segments_.front().active &&
                           (segments_.size() >= 2 ? segments_[1].first_seq <= cursor.ack_seq
                                                  : cursor.ack_seq > durable_seq_);
  last_cursor_write_ = now;
  lock.unlock();
  CursorFile file(*fs_, options_.dir);
  std::error_code ec = file.store(cursor);
  if (is_no_space(ec) && frees_space) {
    // A full disk may have no room for cursor.tmp, and without a new cursor no delivered
    // segment may go: the queue would wait for ever. The old cursor's room is enough.
    // A crash before the new one is written only means delivering again from the oldest
    // segment (duplicates, nothing lost); a segment is still on the disk, so the
    // sequence numbers used are still known at the next start.
    log::warning(kLog, "no room on the disk for a new queue cursor (", ec.message(),
                 "): removing the old one to make room");
    if (!fs_->remove(options_.dir / format::kCursorName)) {
      (void)fs_->sync_directory(options_.dir);
      ec = file.store(cursor);
    }
  }
  lock.lock();
  if (ec) {
    ++counters_.write_errors;
    cursor_disk_error_.set("write the cursor", ec);
    // Retried with backoff, not at every pass of the worker (which the pending
    // acknowledgements would otherwise cause: an fsync and a log line each time).
    cursor_retry_delay_ =
        std::min(std::max(cursor_retry_delay_ * 2, options_.retry_initial), options_.retry_max);
    cursor_retry_at_ = now + cursor_retry_delay_;
    log::error(kLog, "cannot write the queue cursor: ", ec.message(), "; retrying");
    return false;
  }
  ++counters_.cursor_writes;
  cursor_disk_error_.clear();
  cursor_retry_delay_ = std::chrono::milliseconds(0);
  cursor_retry_at_ = {};
  persisted_ack_ = cursor.ack_seq;
  persisted_next_ = cursor.next_seq;
  acks_since_persist_ = 0;
  delete_delivered_locked(lock);
  return true;
}

std::size_t Queue::delete_delivered_locked(std::unique_lock<std::mutex>& lock) {
  // A sealed segment's records end where the next segment starts. The newest segment, once
  // sealed (by a disk error, or found at open), holds durable records only, so it is
  // delivered when everything durable is: it must not wait for a successor, which a full
  // disk would never let the worker create.
  std::vector<std::filesystem::path> doomed;
  while (!segments_.empty() && !segments_.front().active) {
    const bool delivered = segments_.size() >= 2 ? segments_[1].first_seq <= persisted_ack_
                                                 : persisted_ack_ > durable_seq_;
    if (!delivered) {
      break;
    }
    doomed.push_back(segments_.front().path);
    disk_bytes_ -= segments_.front().file_bytes;
    segments_.pop_front();
  }
  if (!doomed.empty()) {
    disk_full_ = false;  // space was freed: let new records try it
    lock.unlock();
    for (const auto& p : doomed) {
      remove_segment_file(p);
    }
    lock.lock();
  }
  return doomed.size();
}

}  // namespace canhose::queue
