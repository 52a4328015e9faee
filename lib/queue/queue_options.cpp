#include "queue/queue_options.hpp"

#include "base/mapping_reader.hpp"

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

using namespace std::chrono_literals;
using base::at_least;
using base::between;
using base::ByteSize;
using base::Duration;
using base::MappingReader;

void read_options(MappingReader& r, QueueOptions& c) {
  r.choice("fsync", c.fsync,
           {{"always", FsyncMode::always},
            {"interval", FsyncMode::interval},
            {"never", FsyncMode::never}});
  r.value("fsync_interval", c.fsync_interval, between<Duration>(1ms, 1min));
  ByteSize max_bytes{c.max_bytes};
  r.value("max_bytes", max_bytes, between(ByteSize{1 << 20}, ByteSize{1ULL << 40}));
  c.max_bytes = max_bytes.bytes;
  r.value("max_age", c.max_age, at_least<Duration>(2s));
  r.choice("when_full", c.when_full,
           {{"drop_oldest", WhenFull::drop_oldest}, {"drop_newest", WhenFull::drop_newest}});
  ByteSize segment_bytes{c.segment_bytes};
  r.value("segment_bytes", segment_bytes, between(ByteSize{64 << 10}, ByteSize{1 << 30}));
  c.segment_bytes = segment_bytes.bytes;
  r.value("segment_max_age", c.segment_max_age, between<Duration>(1s, 24h));
  ByteSize memory{c.memory_buffer_bytes};
  r.value("memory_buffer", memory, between(ByteSize{2 << 20}, ByteSize{1 << 30}));
  c.memory_buffer_bytes = memory.bytes;
  r.value("cursor_write_interval", c.cursor_write_interval, between<Duration>(1ms, 1h));
  r.value("cursor_write_records", c.cursor_write_records, between<std::uint64_t>(1, 100'000'000));
  // Relations between the keys (segments vs max_bytes, ...): one message naming them.
  if (const std::string problem = validate(c); !problem.empty()) {
    r.error("max_bytes", problem);
  }
}

}  // namespace canhose::queue
