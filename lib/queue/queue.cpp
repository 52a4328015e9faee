#include "queue/queue.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "log/logger.hpp"
#include "queue/cursor_file.hpp"
#include "queue/frame_codec.hpp"
#include "queue/posix_file_system.hpp"
#include "queue/queue_format.hpp"
#include "queue/segment_header.hpp"

namespace canhose::queue {
namespace {

constexpr std::string_view kLog = "queue";

using Clock = std::chrono::steady_clock;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string segment_name(std::uint64_t first_seq) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%020llu", static_cast<unsigned long long>(first_seq));
  return std::string(buf.data()) + std::string(format::kSegmentSuffix);
}

std::optional<std::uint64_t> parse_segment_name(const std::string& name) {
  const std::size_t digits = format::kSegmentNameDigits;
  if (name.size() != digits + format::kSegmentSuffix.size() ||
      name.compare(digits, std::string::npos, format::kSegmentSuffix) != 0) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(name.data(), name.data() + digits, value);
  if (ec != std::errc{} || ptr != name.data() + digits || value == 0) {
    return std::nullopt;
  }
  return value;
}

// The disk (or the user's quota) has no room: a bound like max_bytes, not a failing disk.
bool is_no_space(std::error_code ec) {
  return ec == std::errc::no_space_on_device ||
         ec == std::error_condition(EDQUOT, std::generic_category());
}

// Segments are never closed below this size for lack of disk space (the smallest
// queue.segment_bytes allowed).
constexpr std::uint64_t kSmallestSegmentBytes = 64 * 1024;

}  // namespace

const char* to_string(DropReason reason) {
  switch (reason) {
    case DropReason::queue_full_newest:
      return "queue_full_newest";
    case DropReason::queue_full_oldest:
      return "queue_full_oldest";
    case DropReason::expired:
      return "expired";
    case DropReason::memory_full:
      return "memory_full";
    case DropReason::too_large:
      return "too_large";
    case DropReason::closed:
      return "closed";
  }
  return "?";
}

void Queue::CountingReporter::corruption(const std::filesystem::path& segment, std::uint64_t offset,
                                         std::uint64_t bytes, std::uint64_t records,
                                         std::string_view reason) {
  log::warning(kLog, "segment ", segment.filename().string(), ": ", reason, " at offset ", offset,
               "; skipped ", bytes, " bytes, ", records, " records lost");
  if (startup_) {
    queue_.startup_.corrupt_bytes += bytes;
    queue_.startup_.corrupt_records += records;
    queue_.startup_.problems.push_back(segment.filename().string() + ": " + std::string(reason) +
                                       " at offset " + std::to_string(offset) + ", " +
                                       std::to_string(bytes) + " bytes skipped");
  } else {
    std::lock_guard lock(queue_.mutex_);
    queue_.counters_.read_corrupt_bytes += bytes;
    queue_.counters_.read_corrupt_records += records;
  }
}

// ---------------------------------------------------------------- opening

Queue::Queue(asio::io_context& io, QueueOptions options, std::shared_ptr<FileSystem> fs)
    : io_(io),
      options_(std::move(options)),
      fs_(std::move(fs)),
      // Emptied chunks kept for reuse: up to a quarter of the memory buffer (2 MiB by
      // default), so a steady stream of records allocates and frees nothing.
      pending_(options_.memory_buffer_bytes / 4) {}

Queue::OpenResult Queue::open(asio::io_context& io, QueueOptions options,
                              std::shared_ptr<FileSystem> fs) {
  OpenResult result;
  if (std::string problem = validate(options); !problem.empty()) {
    result.error = problem;
    return result;
  }
  if (!fs) {
    fs = std::make_shared<PosixFileSystem>();
  }
  std::unique_ptr<Queue> q(new Queue(io, std::move(options), std::move(fs)));
  if (std::string error = q->recover(); !error.empty()) {
    result.error = error;
    return result;
  }
  q->worker_ = std::thread([raw = q.get()] { raw->worker_main(); });
  result.queue = std::move(q);
  return result;
}

std::string Queue::recover() {
  const auto& dir = options_.dir;
  if (auto ec = fs_->create_directories(dir, 0750)) {
    return "cannot create queue directory " + dir.string() + ": " + ec.message();
  }
  if (auto ec = fs_->lock(dir / format::kLockName, lock_file_)) {
    if (ec == std::errc::resource_unavailable_try_again || ec == std::errc::operation_would_block) {
      return "queue directory " + dir.string() + " is in use by another canhose process";
    }
    return "queue directory " + dir.string() + " is not writable: " + ec.message();
  }
  (void)fs_->remove(dir / format::kCursorTmpName);  // a cursor write that never finished

  std::vector<std::string> names;
  if (auto ec = fs_->list(dir, names)) {
    return "cannot list queue directory " + dir.string() + ": " + ec.message();
  }
  std::vector<std::uint64_t> firsts;
  for (const auto& name : names) {
    if (auto first = parse_segment_name(name)) {
      firsts.push_back(*first);
    }
  }
  std::sort(firsts.begin(), firsts.end());

  // Headers of every segment: cheap (32 bytes each) and they decide whether we may open.
  for (std::size_t i = 0; i < firsts.size(); ++i) {
    SegmentInfo info;
    info.first_seq = firsts[i];
    info.path = dir / segment_name(firsts[i]);
    std::unique_ptr<File> file;
    if (auto ec = fs_->open(info.path, OpenMode::read, file)) {
      return "cannot open queue segment " + info.path.string() + ": " + ec.message();
    }
    if (auto ec = file->size(info.file_bytes)) {
      return "cannot stat queue segment " + info.path.string() + ": " + ec.message();
    }
    std::array<std::byte, format::kSegmentHeaderSize> raw{};
    const IoResult r = file->read_at(0, raw);
    if (r.error) {
      return "cannot read queue segment " + info.path.string() + ": " + r.error.message();
    }
    const DecodedSegmentHeader h = decode_segment_header(std::span(raw).first(r.bytes));
    switch (h.status) {
      case SegmentHeaderStatus::ok:
        if (h.header.first_seq != info.first_seq) {
          // Frames count from the header's first_seq, the order of segments and the
          // sequence range of each come from the names: one of the two is wrong.
          return "queue segment " + info.path.string() + " is named for sequence number " +
                 std::to_string(info.first_seq) +
                 " but its header says it starts at sequence number " +
                 std::to_string(h.header.first_seq) +
                 " (renamed or copied by hand?); move it away. Nothing was deleted.";
        }
        break;
      case SegmentHeaderStatus::too_short: {
        // Torn while being created: it cannot hold a record.
        startup_.corrupt_bytes += info.file_bytes;
        startup_.problems.push_back(info.path.filename().string() +
                                    ": shorter than a segment header, removed");
        log::warning(kLog, "segment ", info.path.filename().string(), " has only ", info.file_bytes,
                     " bytes (torn while created); removing it");
        (void)fs_->remove(info.path);
        continue;
      }
      case SegmentHeaderStatus::unknown_version:
        return "queue segment " + info.path.string() + " was written by format version " +
               std::to_string(h.header.version) + ", newer than this canhose reads (up to " +
               std::to_string(format::kNewestVersion) +
               "); upgrade canhose or move the queue directory away. Nothing was deleted.";
      case SegmentHeaderStatus::bad_magic:
        return "file " + info.path.string() +
               " is named like a queue segment but is not one (bad magic number); move it away. "
               "Nothing was deleted.";
      case SegmentHeaderStatus::bad_checksum:
        if (h.header.version == format::kVersion1 && h.header.first_seq == info.first_seq) {
          startup_.problems.push_back(info.path.filename().string() +
                                      ": header checksum mismatch, frames still read");
          log::warning(kLog, "segment ", info.path.filename().string(),
                       " has a damaged header; its frames carry their own checksums and are kept");
          break;
        }
        return "queue segment " + info.path.string() +
               " has a damaged header whose version cannot be trusted; move it away. Nothing "
               "was deleted.";
    }
    info.created_ms = h.header.created_ms;
    info.version = h.header.version;
    info.readable_bytes = info.file_bytes;
    next_seq_ = std::max(next_seq_, info.first_seq);
    disk_bytes_ += info.file_bytes;
    info.generation = ++segment_generations_;
    segments_.push_back(std::move(info));
  }

  if (!segments_.empty()) {
    // Verify the newest segment in full: its tail is where a crash leaves damage.
    SegmentInfo& info = segments_.back();
    disk_bytes_ -= info.file_bytes;
    std::unique_ptr<File> file;
    if (auto ec = fs_->open(info.path, OpenMode::read, file)) {
      return "cannot open queue segment " + info.path.string() + ": " + ec.message();
    }
    // No successor: the format's bound. next_seq_ is then set above every frame found.
    auto reader_ptr = make_segment_reader(info.version, *file, info.path, info.first_seq,
                                          format::max_seq_end(info.first_seq), info.file_bytes,
                                          &startup_reporter_);
    if (!reader_ptr) {
      return "queue segment " + info.path.string() + " has a format version this build cannot read";
    }
    SegmentReader& reader = *reader_ptr;
    FrameView frame;
    SegmentReader::Status st;
    while ((st = reader.next(frame)) == SegmentReader::Status::record) {
    }
    if (st == SegmentReader::Status::io_error) {
      return "cannot read queue segment " + info.path.string() + ": " + reader.io_error().message();
    }
    if (const auto& tail = reader.tail_damage()) {
      std::unique_ptr<File> rw;
      std::error_code ec = fs_->open(info.path, OpenMode::read_write, rw);
      if (!ec) {
        ec = rw->truncate(reader.valid_end());
      }
      if (!ec) {
        ec = rw->sync();
      }
      if (ec) {
        return "cannot truncate the damaged tail of queue segment " + info.path.string() + ": " +
               ec.message();
      }
      startup_.corrupt_bytes += tail->bytes;
      startup_.corrupt_records += 1;
      startup_.problems.push_back(info.path.filename().string() + ": " + tail->reason +
                                  " at offset " + std::to_string(tail->offset) + ", " +
                                  std::to_string(tail->bytes) + " bytes truncated");
      log::warning(kLog, "segment ", info.path.filename().string(), ": ", tail->reason,
                   " at offset ", tail->offset, "; truncated ", tail->bytes, " bytes (1 record)");
      info.file_bytes = reader.valid_end();
      info.readable_bytes = reader.valid_end();
    }
    next_seq_ = std::max(next_seq_, reader.last_seq() + 1);
    disk_bytes_ += info.file_bytes;
  }

  CursorFile cursor_file(*fs_, dir);
  const CursorFile::LoadResult cursor = cursor_file.load();
  const std::uint64_t oldest = segments_.empty() ? next_seq_ : segments_.front().first_seq;
  switch (cursor.status) {
    case CursorFile::LoadStatus::ok:
      next_seq_ = std::max(next_seq_, cursor.cursor.next_seq);
      ack_seq_ = std::min(cursor.cursor.ack_seq, next_seq_);
      break;
    case CursorFile::LoadStatus::missing:
      startup_.cursor_missing = true;
      ack_seq_ = oldest;
      if (!segments_.empty()) {
        startup_.problems.push_back("cursor file missing: delivering from the oldest segment");
        log::warning(kLog, "no cursor file in ", dir.string(),
                     "; every record on disk will be delivered again");
      }
      break;
    case CursorFile::LoadStatus::corrupt:
      startup_.cursor_corrupt = true;
      ack_seq_ = oldest;
      startup_.problems.push_back(cursor.message + ": delivering from the oldest segment");
      log::warning(kLog, cursor.message, "; every record on disk will be delivered again");
      break;
    case CursorFile::LoadStatus::unknown_version:
      return "queue cursor in " + dir.string() + ": " + cursor.message +
             "; upgrade canhose or move the queue directory away. Nothing was deleted.";
    case CursorFile::LoadStatus::io_error:
      return "queue cursor: " + cursor.message;
  }
  ack_seq_ = std::max<std::uint64_t>(ack_seq_, 1);
  persisted_ack_ = cursor.status == CursorFile::LoadStatus::ok ? ack_seq_ : 0;
  persisted_next_ = cursor.status == CursorFile::LoadStatus::ok ? cursor.cursor.next_seq : 0;
  durable_seq_ = next_seq_ - 1;
  read_next_seq_ = ack_seq_;

  // Segments wholly below the cursor were acknowledged before a crash; the newest stays.
  while (segments_.size() >= 2 && segments_[1].first_seq <= ack_seq_) {
    (void)fs_->remove(segments_.front().path);
    disk_bytes_ -= segments_.front().file_bytes;
    segments_.pop_front();
  }
  counters_.startup_corrupt_bytes = startup_.corrupt_bytes;
  counters_.startup_corrupt_records = startup_.corrupt_records;
  log::info(kLog, "opened ", dir.string(), ": ", segments_.size(), " segments, ", disk_bytes_,
            " bytes, records ", ack_seq_, "..", next_seq_ - 1, " pending delivery, fsync ",
            to_string(options_.fsync));
  const auto now = Clock::now();
  last_sync_ = now;
  last_cursor_write_ = now;
  next_expiry_check_ = now;
  retry_delay_ = options_.retry_initial;
  return {};
}

Queue::~Queue() {
  close();
}

// ---------------------------------------------------------------- loop thread API

std::uint64_t Queue::next_sequence() const {
  // No lock: next_seq_ is written only by append() on this (the loop) thread once the
  // queue is open, so this thread always reads its own latest write.
  return next_seq_;
}

AppendResult Queue::append(std::span<const std::byte> payload) {
  AppendResult result;
  // Large records are copied before taking the lock: the worker should never wait for a
  // long memcpy. Small ones (the common case) are copied under it, into a reused chunk.
  std::unique_ptr<std::byte[]> own;
  const bool small = payload.size() <= PendingStore::kMaxPackedBytes;
  if (!small && payload.size() <= format::kMaxRecordBytes) {
    own = std::make_unique_for_overwrite<std::byte[]>(payload.size());
    std::memcpy(own.get(), payload.data(), payload.size());
  }
  std::lock_guard lock(mutex_);
  auto drop = [&](DropReason reason) {
    count_drop_locked(reason, 1);
    // One line per record, always the same text: the logger's rate limit then ends a run
    // of them with "...; repeated N more times", N counting records.
    log::warning(kLog, "record dropped: ", to_string(reason));
    result.dropped = reason;
    return result;
  };
  if (const auto reason = refusal_locked(payload.size())) {
    return drop(*reason);
  }
  // The worker waits for "something unwritten": it needs waking only when this record is
  // the first one (the worker re-checks under the lock before it waits, so a record added
  // while it is busy is written in the same round).
  const bool first_unwritten = pending_.size() == written_count_;
  result.seq = next_seq_++;
  if (small) {
    pending_.push_back(result.seq, payload);
  } else {
    pending_.push_back_owned(result.seq, std::move(own), payload.size());
  }
  if (first_unwritten) {
    wake_.notify_one();
  }
  return result;
}

Queue::BatchResult Queue::append_batch(std::span<const std::span<const std::byte>> payloads) {
  BatchResult result;
  std::lock_guard lock(mutex_);
  const bool first_unwritten = pending_.size() == written_count_;
  result.first_seq = next_seq_;
  // Usually the whole batch fits: checked once. Otherwise record by record, to find
  // where it stops.
  std::size_t total = 0;
  bool all_small = true;
  for (const std::span<const std::byte> payload : payloads) {
    total += payload.size();
    all_small &= payload.size() <= PendingStore::kMaxPackedBytes;
  }
  const bool all_fit = all_small && !payloads.empty() && !refusal_locked(total, payloads.size());
  if (all_fit) {
    pending_.push_back_batch(next_seq_, payloads);
    next_seq_ += payloads.size();
    result.count = payloads.size();
  } else {
    for (const std::span<const std::byte> payload : payloads) {
      if (payload.size() > PendingStore::kMaxPackedBytes || refusal_locked(payload.size())) {
        break;
      }
      pending_.push_back(next_seq_++, payload);
      ++result.count;
    }
  }
  if (result.count > 0 && first_unwritten) {
    wake_.notify_one();
  }
  return result;
}

std::optional<DropReason> Queue::refusal_locked(std::size_t size, std::size_t count) const {
  if (closed_) {
    return DropReason::closed;
  }
  if (count == 1 && size > format::kMaxRecordBytes) {
    return DropReason::too_large;
  }
  const std::uint64_t pending_bytes = pending_.bytes();
  const std::uint64_t cost = size + count * format::kFrameHeaderSize;
  // What the records in memory will take on disk once written, segment headers included.
  const std::uint64_t in_memory = pending_bytes + pending_.size() * format::kFrameHeaderSize + cost;
  const std::uint64_t headers =
      (in_memory / options_.segment_bytes + 1) * format::kSegmentHeaderSize;
  if (options_.when_full == WhenFull::drop_newest &&
      (disk_full_ || disk_bytes_ + in_memory + headers > options_.max_bytes)) {
    return DropReason::queue_full_newest;
  }
  if (pending_bytes + size > options_.memory_buffer_bytes) {
    return DropReason::memory_full;
  }
  return std::nullopt;
}

void Queue::set_durable_handler(std::function<void(std::uint64_t)> handler) {
  durable_handler_ = std::move(handler);
}

bool Queue::readable_locked() const {
  return carried_.has_value() || durable_seq_ >= read_next_seq_;
}

void Queue::async_wait_readable(std::function<void(std::error_code)> handler) {
  bool ready = false;
  {
    std::lock_guard lock(mutex_);
    ready = readable_locked();
  }
  if (closed_ || ready) {
    const std::error_code ec =
        closed_ ? std::make_error_code(std::errc::operation_canceled) : std::error_code();
    asio::post(io_, [h = std::move(handler), ec] { h(ec); });
    return;
  }
  waiters_.push_back(std::move(handler));
}

std::uint64_t Queue::memory_bytes() const {
  std::lock_guard lock(mutex_);
  return pending_.bytes();
}

void Queue::async_wait_memory_below(std::uint64_t bytes,
                                    std::function<void(std::error_code)> handler) {
  if (closed_ || memory_bytes() <= bytes) {
    const std::error_code ec =
        closed_ ? std::make_error_code(std::errc::operation_canceled) : std::error_code();
    asio::post(io_, [h = std::move(handler), ec] { h(ec); });
    return;
  }
  room_waiters_.emplace_back(bytes, std::move(handler));
}

void Queue::on_durable(std::uint64_t durable_seq) {
  if (durable_handler_) {
    durable_handler_(durable_seq);
  }
  bool ready = false;
  std::uint64_t in_memory = 0;
  {
    std::lock_guard lock(mutex_);
    ready = readable_locked();
    in_memory = pending_.bytes();
  }
  if (ready && !waiters_.empty()) {
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (auto& w : waiters) {
      w({});
    }
  }
  // Taken out before any is called: a handler may wait again.
  std::vector<std::function<void(std::error_code)>> room;
  std::erase_if(room_waiters_, [&](auto& w) {
    if (in_memory > w.first) {
      return false;
    }
    room.push_back(std::move(w.second));
    return true;
  });
  for (auto& w : room) {
    w({});
  }
}

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
  auto take = [&](QueueRecord&& r) {
    batch.bytes += r.data.size();
    read_next_seq_ = r.seq + 1;
    in_flight_.push_back({r.seq, false});
    batch.records.push_back(std::move(r));
  };
  if (carried_) {
    take(std::move(*carried_));
    carried_.reset();
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
      QueueRecord r;
      r.seq = frame.seq;
      r.data.assign(frame.payload.begin(), frame.payload.end());
      if (!batch.records.empty() && batch.bytes + r.data.size() > max_bytes) {
        read_next_seq_ = r.seq + 1;
        carried_ = std::move(r);
        break;
      }
      take(std::move(r));
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
  return batch;
}

void Queue::acknowledge(std::uint64_t seq) {
  acknowledge(std::span<const std::uint64_t>(&seq, 1));
}

void Queue::acknowledge(std::span<const std::uint64_t> seqs) {
  std::uint64_t acked = 0;
  auto it = in_flight_.begin();
  for (const std::uint64_t seq : seqs) {
    if (it == in_flight_.end() || it->seq != seq) {
      it = std::lower_bound(in_flight_.begin(), in_flight_.end(), seq,
                            [](const InFlight& f, std::uint64_t s) { return f.seq < s; });
      if (it == in_flight_.end() || it->seq != seq) {
        continue;
      }
    }
    if (!it->acked) {
      it->acked = true;
      ++acked;
    }
    ++it;  // where the next of consecutive sequence numbers is
  }
  if (acked == 0) {
    return;
  }
  while (!in_flight_.empty() && in_flight_.front().acked) {
    in_flight_.pop_front();
  }
  std::uint64_t first_unacked = in_flight_.empty() ? read_next_seq_ : in_flight_.front().seq;
  if (carried_) {
    first_unacked = std::min(first_unacked, carried_->seq);
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

void Queue::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) {
    worker_.join();
  }
  std::uint64_t lost = 0;
  {
    std::lock_guard lock(mutex_);
    lost = pending_.size();
    if (lost > 0) {
      count_drop_locked(DropReason::closed, lost);
      pending_.clear();
    }
  }
  if (lost > 0) {
    log::error(kLog, lost, " records could not be written before shutdown and are lost");
  }
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& waiter : room_waiters_) {
    waiters.push_back(std::move(waiter.second));
  }
  room_waiters_.clear();
  for (auto& w : waiters) {
    asio::post(io_, [h = std::move(w)] { h(std::make_error_code(std::errc::operation_canceled)); });
  }
  reader_.reset();
  reader_file_.reset();
  lock_file_.reset();
}

QueueMetrics Queue::metrics() const {
  std::lock_guard lock(mutex_);
  QueueMetrics m = counters_;
  m.next_seq = next_seq_;
  m.durable_seq = durable_seq_;
  m.ack_seq = ack_seq_;
  m.records_queued = next_seq_ - std::min(ack_seq_, next_seq_);
  m.memory_bytes = pending_.bytes();
  // The records' error first: it is the one that can lose data.
  const DiskError& disk = record_disk_error_.text.empty() ? cursor_disk_error_ : record_disk_error_;
  m.disk_error = disk.text;
  m.disk_error_since_ms = disk.since_ms;
  m.bytes_queued = disk_bytes_ + pending_.bytes();
  m.segments = segments_.size();
  if (ack_seq_ < next_seq_ && timeline_.appended_after(ack_seq_)) {
    // Exact to about a second (the worker marks the timeline at least once a second).
    m.oldest_unacked_age = std::chrono::milliseconds(
        std::max<std::int64_t>(0, wall_ms() - *timeline_.appended_after(ack_seq_)));
  } else if (ack_seq_ < next_seq_ && !segments_.empty()) {
    // Records from before a restart: dated by their segment's creation.
    auto it =
        std::upper_bound(segments_.begin(), segments_.end(), ack_seq_,
                         [](std::uint64_t seq, const SegmentInfo& s) { return seq < s.first_seq; });
    if (it != segments_.begin()) {
      --it;
    }
    m.oldest_unacked_age =
        std::chrono::milliseconds(std::max<std::int64_t>(0, wall_ms() - it->created_ms));
  }
  return m;
}

void Queue::count_drop_locked(DropReason reason, std::uint64_t records) {
  counters_.drops[static_cast<std::size_t>(reason)] += records;
}

// ---------------------------------------------------------------- worker thread

void Queue::publish_durable_locked(std::uint64_t durable_seq) {
  if (durable_seq <= durable_seq_) {
    return;
  }
  durable_seq_ = durable_seq;
  record_disk_error_.clear();  // records reached the disk: it works for them again
  disk_full_ = false;
  asio::post(io_, [guard = std::weak_ptr<int>(alive_), this, durable_seq] {
    if (guard.lock()) {
      on_durable(durable_seq);
    }
  });
}

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
  write_buffer_.resize(batch_bytes);
  std::byte* out = write_buffer_.data();
  for (const PendingStore::Record& p : batch_) {
    out = encode_frame(out, static_cast<std::uint32_t>(p.seq - first_seq), p.bytes());
  }
  const IoResult r = active_->append(write_buffer_);
  lock.lock();
  if (r.error) {
    active_written_ += r.bytes;
    disk_failure_locked(lock, "write", r.error);
    return true;
  }
  active_written_ += r.bytes;
  written_count_ += count;
  segments_.back().file_bytes = active_written_;
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
