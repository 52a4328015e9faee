#include "queue/queue_options.hpp"

#include "queue/queue_format.hpp"

namespace canhose::queue {

std::string validate(const QueueOptions& o) {
  if (o.dir.empty()) {
    return "queue.dir must not be empty";
  }
  if (o.fsync == FsyncMode::interval && (o.fsync_interval < std::chrono::milliseconds(1) ||
                                         o.fsync_interval > std::chrono::minutes(1))) {
    return "queue.fsync_interval must be between 1ms and 1m";
  }
  if (o.memory_buffer_bytes < 2 * format::kMaxFrameBytes) {
    return "queue.memory_buffer must be at least 2MiB (two records of the largest size)";
  }
  if (o.memory_buffer_bytes > o.max_bytes / 2) {
    return "queue.memory_buffer must be at most half of queue.max_bytes";
  }
  if (o.segment_bytes < 64 * 1024 || o.segment_bytes > 1024ULL * 1024 * 1024) {
    return "queue.segment_bytes must be between 64KiB and 1GiB";
  }
  if (o.max_bytes < 4 * o.segment_bytes) {
    return "queue.max_bytes must be at least four segments (4 x queue.segment_bytes)";
  }
  if (o.segment_max_age < std::chrono::seconds(1)) {
    return "queue.segment_max_age must be at least 1s";
  }
  if (o.max_age && *o.max_age < 2 * o.segment_max_age) {
    return "queue.max_age must be at least twice queue.segment_max_age";
  }
  if (o.cursor_write_interval < std::chrono::milliseconds(1) || o.cursor_write_records == 0) {
    return "queue.cursor_write_interval and cursor_write_records must be positive";
  }
  if (o.retry_initial < std::chrono::milliseconds(1) || o.retry_max < o.retry_initial) {
    return "queue retry pacing must be positive and retry_max >= retry_initial";
  }
  return {};
}

const char* to_string(FsyncMode mode) {
  switch (mode) {
    case FsyncMode::always:
      return "always";
    case FsyncMode::interval:
      return "interval";
    case FsyncMode::never:
      return "never";
  }
  return "?";
}

const char* to_string(WhenFull policy) {
  switch (policy) {
    case WhenFull::drop_oldest:
      return "drop_oldest";
    case WhenFull::drop_newest:
      return "drop_newest";
  }
  return "?";
}

}  // namespace canhose::queue
