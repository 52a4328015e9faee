// Opening the Queue and the API the event loop calls: append, the waits, close, metrics.
// Runs on the thread that runs `io`; count_drop_locked and publish_durable_locked are also
// called on the worker thread with mutex_ held (the latter posts notifications to `io`).

#include "queue/queue.hpp"

#include <algorithm>
#include <cstring>

#include "log/logger.hpp"
#include "queue/detail/queue_internal.hpp"
#include "queue/posix_file_system.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {
namespace {

using detail::kLog;
using detail::wall_ms;

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
  return append_impl(payload, true);
}

AppendResult Queue::offer(std::span<const std::byte> payload) {
  return append_impl(payload, false);
}

AppendResult Queue::append_impl(std::span<const std::byte> payload, bool count_refusal) {
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
    result.dropped = reason;
    if (!count_refusal) {
      return result;  // the caller's producer keeps the record and retries
    }
    count_drop_locked(reason, 1);
    // One line per record, always the same text: the logger's rate limit then ends a run
    // of them with "...; repeated N more times", N counting records.
    log::warning(kLog, "record dropped: ", to_string(reason));
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
  return carried_seq_ != 0 || durable_seq_ >= read_next_seq_;
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

void Queue::async_wait_durable(std::uint64_t seq, std::function<void(std::error_code)> handler) {
  std::uint64_t durable = 0;
  {
    std::lock_guard lock(mutex_);
    durable = durable_seq_;
  }
  if (closed_ || seq <= durable) {
    const std::error_code ec =
        seq <= durable ? std::error_code() : std::make_error_code(std::errc::operation_canceled);
    asio::post(io_, [h = std::move(handler), ec] { h(ec); });
    return;
  }
  durable_waiters_.emplace(seq, std::move(handler));
}

void Queue::async_wait_written(std::uint64_t seq, std::function<void(std::error_code)> handler) {
  std::uint64_t written = 0;
  {
    std::lock_guard lock(mutex_);
    written = std::max(written_seq_, durable_seq_);
    if (seq > written && !closed_) {
      written_wanted_ = true;  // under the lock: the worker's next write reports itself
    }
  }
  if (closed_ || seq <= written) {
    const std::error_code ec =
        seq <= written ? std::error_code() : std::make_error_code(std::errc::operation_canceled);
    asio::post(io_, [h = std::move(handler), ec] { h(ec); });
    return;
  }
  written_waiters_.emplace(seq, std::move(handler));
}

// Takes the waiters up to `seq` out of the map before any is called (a handler may wait
// again) and calls them with `ec`.
void Queue::complete_waiters(
    std::multimap<std::uint64_t, std::function<void(std::error_code)>>& waiters, std::uint64_t seq,
    std::error_code ec) {
  if (waiters.empty() || waiters.begin()->first > seq) {
    return;
  }
  std::vector<std::function<void(std::error_code)>> ready;
  const auto end = waiters.upper_bound(seq);
  for (auto it = waiters.begin(); it != end; ++it) {
    ready.push_back(std::move(it->second));
  }
  waiters.erase(waiters.begin(), end);
  for (auto& w : ready) {
    w(ec);
  }
}

void Queue::on_written(std::uint64_t written_seq) {
  complete_waiters(written_waiters_, written_seq, {});
  if (written_waiters_.empty()) {
    std::lock_guard lock(mutex_);
    written_wanted_ = false;
  }
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
  complete_waiters(durable_waiters_, durable_seq, {});
  on_written(durable_seq);  // durable implies written
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
  std::uint64_t durable = 0;
  {
    std::lock_guard lock(mutex_);
    durable = durable_seq_;
  }
  // What close() made durable is durable: those waiters succeed, the rest never will.
  std::vector<std::pair<std::function<void(std::error_code)>, std::error_code>> durable_done;
  for (auto* waiters : {&durable_waiters_, &written_waiters_}) {
    for (auto& [seq, waiter] : *waiters) {
      durable_done.emplace_back(
          std::move(waiter),
          seq <= durable ? std::error_code() : std::make_error_code(std::errc::operation_canceled));
    }
    waiters->clear();
  }
  for (auto& [h, ec] : durable_done) {
    asio::post(io_, [h = std::move(h), ec = ec] { h(ec); });
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

void Queue::publish_written_locked(std::uint64_t written_seq) {
  written_seq_ = std::max(written_seq_, written_seq);
  if (!written_wanted_) {
    return;
  }
  asio::post(io_, [guard = std::weak_ptr<int>(alive_), this, written_seq] {
    if (guard.lock()) {
      on_written(written_seq);
    }
  });
}

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

}  // namespace canhose::queue
