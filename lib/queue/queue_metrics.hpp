#pragma once
// A snapshot of the queue's state and counters (Queue::metrics()). Counters only grow
// during the life of one Queue object.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace canhose::queue {

enum class DropReason : std::size_t {
  queue_full_newest,  // when_full=drop_newest: refused because max_bytes was reached
  queue_full_oldest,  // when_full=drop_oldest: unacknowledged records in a deleted segment
  expired,            // older than max_age
  memory_full,        // memory buffer full (disk slow or failing)
  too_large,          // record above 1,024,000 bytes
  closed,             // appended after close()
};
inline constexpr std::size_t kDropReasonCount = 6;
const char* to_string(DropReason reason);

struct QueueMetrics {
  std::uint64_t records_queued = 0;  // accepted, not acknowledged (counted by sequence range)
  std::uint64_t bytes_queued = 0;    // segment bytes on disk + payload bytes in memory
  std::uint64_t memory_bytes = 0;    // payload bytes held in memory (not yet durable)
  std::chrono::milliseconds oldest_unacked_age{0};  // ~1 s precision (AppendTimeline)
  std::uint64_t next_seq = 0;
  std::uint64_t durable_seq = 0;  // every accepted record up to this one is durable
  std::uint64_t ack_seq = 0;      // first unacknowledged sequence number (in memory)
  std::uint64_t segments = 0;
  std::uint64_t fsyncs = 0;
  std::uint64_t write_errors = 0;
  std::uint64_t fsync_errors = 0;
  std::uint64_t cursor_writes = 0;
  std::array<std::uint64_t, kDropReasonCount> drops{};
  std::uint64_t startup_corrupt_bytes = 0;
  std::uint64_t startup_corrupt_records = 0;
  std::uint64_t read_corrupt_bytes = 0;  // damage found while reading older segments
  std::uint64_t read_corrupt_records = 0;
  // While the disk refuses the queue's writes (full, read-only, failing): what failed
  // and since when (Unix ms). Empty / 0 once records become durable again (and the
  // cursor file, if it was the one failing, is written again).
  std::string disk_error;
  std::int64_t disk_error_since_ms = 0;

  std::uint64_t dropped(DropReason r) const { return drops[static_cast<std::size_t>(r)]; }
};

}  // namespace canhose::queue
