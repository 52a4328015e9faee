// Opening's look at the disk: recover() checks the segments and the cursor in the queue
// directory (on the loop thread, in open(), before the worker starts). CountingReporter
// counts the damage found then, and later by read() on the loop thread.

#include <algorithm>
#include <array>
#include <charconv>

#include "log/logger.hpp"
#include "queue/cursor_file.hpp"
#include "queue/detail/queue_internal.hpp"
#include "queue/queue.hpp"
#include "queue/queue_format.hpp"
#include "queue/segment_header.hpp"

namespace canhose::queue {
namespace {

using detail::Clock;
using detail::kLog;
using detail::segment_name;

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

}  // namespace

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

}  // namespace canhose::queue
