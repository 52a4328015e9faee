#pragma once
// The durable write-ahead queue between the sources and delivery.
//
// Threads and lifetimes: every public member is called on the thread that runs `io`
// (the event loop). One worker thread, owned by the Queue, does all writing, fsync,
// cursor persistence and segment deletion; it never runs user code. Notifications
// (durability handler, readable waiters) are posted to `io` and run there. The Queue must
// be destroyed on the loop thread; close() (also run by the destructor) joins the worker.
//
// Contracts:
// - append() never touches the disk: it copies the payload into the memory buffer and
//   returns the record's sequence number (its id: unique on this device for ever).
// - A record is durable once fsynced (fsync=never: once written). The durable handler is
//   told the highest sequence number below which every accepted record is durable.
// - Readers see durable records only, so an acknowledgement always names a record on disk.
// - acknowledge() may come in any order; the persisted cursor is the first sequence number
//   not yet acknowledged. After a restart reading resumes there: records acknowledged above
//   a gap are delivered again (at-least-once).

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "asio/asio.hpp"
#include "queue/append_timeline.hpp"
#include "queue/corruption_reporter.hpp"
#include "queue/file_system.hpp"
#include "queue/in_flight_set.hpp"
#include "queue/pending_store.hpp"
#include "queue/queue_metrics.hpp"
#include "queue/queue_options.hpp"
#include "queue/segment_reader.hpp"

namespace canhose::queue {

struct AppendResult {
  std::uint64_t seq = 0;  // 0 when the record was dropped
  std::optional<DropReason> dropped;
  bool accepted() const { return seq != 0; }
};

// One record of a ReadBatch. `data` points into the batch's storage: it is valid while the
// batch lives (moving the batch keeps it valid; copy the bytes to keep them longer).
struct QueueRecord {
  std::uint64_t seq = 0;
  std::span<const std::byte> data;
};

// The records of one read(), their bytes back to back in one buffer: one allocation per
// read instead of one per record. Move-only, since a copy's records would point into the
// original's storage.
struct ReadBatch {
  ReadBatch() = default;
  ReadBatch(ReadBatch&&) noexcept = default;
  ReadBatch& operator=(ReadBatch&&) noexcept = default;
  ReadBatch(const ReadBatch&) = delete;
  ReadBatch& operator=(const ReadBatch&) = delete;
  ~ReadBatch() = default;

  std::vector<QueueRecord> records;
  std::uint64_t bytes = 0;         // payload bytes in `records`
  std::error_code error;           // a read error ended the batch early (it is logged)
  std::vector<std::byte> storage;  // every record's bytes, in order
};

// What opening found wrong on disk (also logged, and in the metrics).
struct StartupReport {
  std::uint64_t corrupt_bytes = 0;
  std::uint64_t corrupt_records = 0;
  std::vector<std::string> problems;  // one line per finding
  bool cursor_missing = false;
  bool cursor_corrupt = false;
};

class Queue {
 public:
  struct OpenResult {
    std::unique_ptr<Queue> queue;
    std::string error;  // set when queue is null: a clear, operator-facing message
  };
  // Opens (creating if needed) the queue in options.dir. `fs` defaults to the real disk.
  static OpenResult open(asio::io_context& io, QueueOptions options,
                         std::shared_ptr<FileSystem> fs = nullptr);

  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;
  ~Queue();

  AppendResult append(std::span<const std::byte> payload);
  AppendResult append(std::string_view payload) {
    return append(std::as_bytes(std::span(payload.data(), payload.size())));
  }
  // append() for a record whose producer can take a refusal back (the ingest endpoint
  // answers it ServiceUnavailableException and the producer retries): a refused record is
  // not counted or logged as dropped. Loop thread only.
  AppendResult offer(std::span<const std::byte> payload);
  // Appends a prefix of `payloads` under one lock (one worker wake-up at most): records
  // 0..n-1 get the dense sequence numbers first_seq..first_seq+n-1, with exactly the
  // checks, bounds and memory accounting of n append() calls. It stops, without counting
  // or logging anything, at the first record append() would refuse (closed, too large,
  // queue or memory full) or would copy outside the lock (larger than
  // PendingStore::kMaxPackedBytes): the caller passes that record and the rest to append() one by
  // one, which applies the drop policy to each. Loop thread only.
  struct BatchResult {
    std::uint64_t first_seq = 0;  // meaningful when count > 0
    std::size_t count = 0;        // records appended: a prefix of `payloads`
  };
  BatchResult append_batch(std::span<const std::span<const std::byte>> payloads);
  // The sequence number the next accepted append() will get. Only the loop thread appends,
  // so it holds until the next append() (which may refuse the record and not use it).
  std::uint64_t next_sequence() const;
  // Called on the loop each time the durable sequence number advances.
  void set_durable_handler(std::function<void(std::uint64_t durable_seq)> handler);

  // Up to max_records records and max_bytes payload bytes (at least one record if any is
  // readable, whatever its size), in sequence order, continuing after the last one read.
  ReadBatch read(std::size_t max_records, std::size_t max_bytes);
  // Completes (on the loop) once read() would return a record; std::errc::operation_canceled at
  // close.
  void async_wait_readable(std::function<void(std::error_code)> handler);
  // Completes (on the loop) once every accepted record up to `seq` is durable (at once if
  // it is now), for a producer that must not answer its own client before that (the local
  // ingest endpoint). At close: success if close() made `seq` durable, otherwise
  // std::errc::operation_canceled. Waiters are kept in a map by `seq`: each costs one node.
  void async_wait_durable(std::uint64_t seq, std::function<void(std::error_code)> handler);
  // The same for "written": every accepted record up to `seq` is in its segment file, in
  // the kernel's page cache, so a crash or SIGKILL of canhosed no longer loses it (a power
  // cut before the next fsync still can: queue.fsync_interval is that window). Durable
  // implies written. The worker reports writes to the loop only while someone waits.
  void async_wait_written(std::uint64_t seq, std::function<void(std::error_code)> handler);
  // Payload bytes accepted and not yet durable: what queue.memory_buffer bounds.
  std::uint64_t memory_bytes() const;
  // Completes (on the loop) once memory_bytes() is at most `bytes`, at once if it is now;
  // std::errc::operation_canceled at close. For a producer that can wait (a replayed file):
  // it pauses instead of losing records to memory_full.
  void async_wait_memory_below(std::uint64_t bytes, std::function<void(std::error_code)> handler);
  // Marks a record returned by read() as delivered; unknown sequence numbers are ignored.
  // Each record read and not yet acknowledged costs 8 bytes here: delivery bounds the
  // records it has in flight (a few batches), which keeps this bounded too.
  void acknowledge(std::uint64_t seq);
  // The same for several records at once (a Firehose record's queue records): one lock,
  // and consecutive sequence numbers in ascending order cost no search each.
  void acknowledge(std::span<const std::uint64_t> seqs);

  // Stops accepting records, writes and fsyncs what is in memory (one attempt), persists
  // the cursor and joins the worker. Blocks: call it at shutdown. Idempotent.
  void close();

  QueueMetrics metrics() const;
  const StartupReport& startup_report() const { return startup_; }
  const QueueOptions& options() const { return options_; }

 private:
  AppendResult append_impl(std::span<const std::byte> payload, bool count_refusal);
  struct SegmentInfo {
    std::uint64_t first_seq = 0;
    std::filesystem::path path;
    std::int64_t created_ms = 0;
    std::uint32_t version = 0;         // format version of its frames
    std::uint64_t file_bytes = 0;      // bytes on disk, counted against max_bytes
    std::uint64_t readable_bytes = 0;  // readers may read up to here (durable frames)
    bool active = false;               // the worker appends to it
    // Which file of that name: a segment abandoned empty after a disk error is removed and
    // made again under the same name, and a reader of the old file must notice.
    std::uint64_t generation = 0;
  };
  class CountingReporter final : public CorruptionReporter {
   public:
    explicit CountingReporter(Queue& queue, bool startup) : queue_(queue), startup_(startup) {}
    void corruption(const std::filesystem::path& segment, std::uint64_t offset, std::uint64_t bytes,
                    std::uint64_t records, std::string_view reason) override;

   private:
    Queue& queue_;
    bool startup_;
  };

  Queue(asio::io_context& io, QueueOptions options, std::shared_ptr<FileSystem> fs);
  std::string recover();  // open-time scan; returns an error message or ""

  // Worker thread; the *_locked functions are called with mutex_ held and may release it
  // around I/O.
  void worker_main();
  bool write_pending_locked(std::unique_lock<std::mutex>& lock);
  bool sync_active_locked(std::unique_lock<std::mutex>& lock);
  void seal_active_locked();
  bool create_segment_locked(std::unique_lock<std::mutex>& lock, std::uint64_t first_seq);
  void disk_failure_locked(std::unique_lock<std::mutex>& lock, const char* what,
                           std::error_code ec);
  // `with_group_fsync`: records were just fsynced; the cursor may ride along early.
  bool persist_cursor_locked(std::unique_lock<std::mutex>& lock, bool force,
                             bool with_group_fsync = false);
  // Deletes the sealed segments whose every record is below the persisted cursor, the
  // newest one included once it is sealed (its records are then all durable, so
  // "everything durable is acknowledged" covers it). Returns how many went.
  std::size_t delete_delivered_locked(std::unique_lock<std::mutex>& lock);
  // The disk refused a segment write for lack of space (ENOSPC, EDQUOT): the real free
  // space is then a bound like max_bytes. Deletes delivered segments, else applies
  // when_full (drop_oldest: deletes the oldest segment, counted; drop_newest: refuses new
  // records until space is freed). True when space was freed: retry at once.
  bool make_room_locked(std::unique_lock<std::mutex>& lock);
  // Bytes at which the active segment is closed: segment_bytes, or less once the disk has
  // been found smaller than that (so that drop_oldest never has to drop all of it).
  std::uint64_t segment_limit() const;
  void evict_oldest_locked(std::unique_lock<std::mutex>& lock, DropReason reason);
  // Deletes a segment file that is no longer listed (call without the lock).
  void remove_segment_file(const std::filesystem::path& path);
  void enforce_bounds_locked(std::unique_lock<std::mutex>& lock, std::uint64_t incoming);
  void publish_durable_locked(std::uint64_t durable_seq);
  void publish_written_locked(std::uint64_t written_seq);
  void count_drop_locked(DropReason reason, std::uint64_t records);
  // What the disk refused, for the metrics: records (segment create/write/fsync) and the
  // cursor file are tracked apart, each until its own next success.
  struct DiskError {
    std::string text;  // "write segment: No space left on device"; empty: working
    std::int64_t since_ms = 0;
    void set(std::string_view what, std::error_code ec);
    void clear() {
      text.clear();
      since_ms = 0;
    }
  };
  // Why append() would refuse a record of `size` bytes now; nullopt if it fits. With
  // count > 1: whether `count` records of `size` bytes in all would all fit (every bound
  // grows with the bytes added, so if the whole batch fits, each prefix of it does).
  std::optional<DropReason> refusal_locked(std::size_t size, std::size_t count = 1) const;

  // Loop thread.
  void on_durable(std::uint64_t durable_seq);
  void on_written(std::uint64_t written_seq);
  static void complete_waiters(
      std::multimap<std::uint64_t, std::function<void(std::error_code)>>& waiters,
      std::uint64_t seq, std::error_code ec);
  bool readable_locked() const;
  // One past the highest sequence number segments_[i]'s frames may carry.
  std::uint64_t seq_end_locked(std::size_t i) const;
  bool open_reader();

  asio::io_context& io_;
  const QueueOptions options_;
  std::shared_ptr<FileSystem> fs_;
  std::unique_ptr<File> lock_file_;
  StartupReport startup_;
  CountingReporter startup_reporter_{*this, true};
  CountingReporter read_reporter_{*this, false};
  // Posted handlers hold a weak_ptr to this; they do nothing once the Queue is gone.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

  // --- shared between loop and worker, guarded by mutex_ ---
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<SegmentInfo> segments_;  // by first_seq; only the back one can be active
  PendingStore pending_;              // accepted, not yet durable, in seq order
  AppendTimeline timeline_;           // append times, for the oldest unacknowledged age
  std::uint64_t disk_bytes_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t durable_seq_ = 0;
  std::uint64_t written_seq_ = 0;  // records up to it are in their segment files
  bool written_wanted_ = false;    // async_wait_written() has waiters: report writes
  std::uint64_t ack_seq_ = 1;      // first unacknowledged (acks and evictions)
  std::uint64_t persisted_ack_ = 0;
  std::uint64_t persisted_next_ = 0;
  std::uint64_t acks_since_persist_ = 0;
  bool stop_ = false;
  // The disk refused records for lack of space and nothing could be freed yet: under
  // drop_newest new records are refused (counted) until records become durable again or
  // a segment is deleted.
  bool disk_full_ = false;
  // The segment delivery's reader has open and may be part way through (0: none); set on
  // the loop, read by the worker.
  std::uint64_t reading_segment_ = 0;
  std::uint64_t segment_generations_ = 0;  // SegmentInfo::generation handed out so far
  QueueMetrics counters_;
  DiskError record_disk_error_;  // cleared when records become durable again
  DiskError cursor_disk_error_;  // cleared by the next cursor write
  std::chrono::steady_clock::time_point cursor_retry_at_;  // after a failed cursor write
  std::chrono::milliseconds cursor_retry_delay_{0};

  // --- worker thread only ---
  std::unique_ptr<File> active_;
  std::uint64_t active_written_ = 0;  // bytes written to the active segment
  std::uint64_t active_synced_ = 0;   // of which fsynced (never mode: == written)
  std::chrono::steady_clock::time_point active_opened_;
  std::size_t written_count_ = 0;  // pending_ front records written but not durable
  // Set by the first full-disk error: a quarter of the segment bytes the disk held then.
  std::uint64_t full_disk_segment_bytes_ = 0;
  std::chrono::steady_clock::time_point retry_at_;
  std::chrono::milliseconds retry_delay_{0};
  std::chrono::steady_clock::time_point last_sync_;
  std::chrono::steady_clock::time_point last_cursor_write_;
  std::chrono::steady_clock::time_point next_expiry_check_;
  // One write's encoded frames. Grown, never zero-filled: every byte is written before use
  // (zero-filling up to 4 MiB per write was a tenth of the writer's CPU).
  std::unique_ptr<std::byte[]> write_buffer_;
  std::size_t write_capacity_ = 0;
  std::vector<PendingStore::Record> batch_;
  std::thread worker_;

  // --- loop thread only ---
  bool closed_ = false;
  std::function<void(std::uint64_t)> durable_handler_;
  std::vector<std::function<void(std::error_code)>> waiters_;
  // async_wait_durable(): by the sequence number each waits for.
  std::multimap<std::uint64_t, std::function<void(std::error_code)>> durable_waiters_;
  // async_wait_written(): likewise (loop thread).
  std::multimap<std::uint64_t, std::function<void(std::error_code)>> written_waiters_;
  // async_wait_memory_below(): each waiter's bound; checked whenever records become durable
  // (the only time the memory buffer shrinks before close).
  std::vector<std::pair<std::uint64_t, std::function<void(std::error_code)>>> room_waiters_;
  InFlightSet in_flight_;  // returned by read(), not acknowledged yet
  std::uint64_t read_next_seq_ = 1;
  std::uint64_t reader_segment_ = 0;     // first_seq of the segment reader_ reads
  std::uint64_t reader_generation_ = 0;  // and which file of that name it has open
  std::unique_ptr<File> reader_file_;
  std::unique_ptr<SegmentReader> reader_;
  // A record read but did not fit the previous batch (carried_seq_ 0: none).
  std::uint64_t carried_seq_ = 0;
  std::vector<std::byte> carried_bytes_;
};

}  // namespace canhose::queue
