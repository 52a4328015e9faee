#pragma once
// Settings of the write-ahead queue, with the defaults the daemon uses. The YAML keys
// proposed for them are given in docs/queue.md ("queue.<name>").

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::queue {

enum class FsyncMode {
  always,    // fsync after every write batch (group commit: one fsync covers every record
             // appended while the previous one ran)
  interval,  // fsync at most every fsync_interval (or sooner if the unsynced memory is half full)
  never,     // never fsync; records count as durable once written (a power cut may lose them)
};

enum class WhenFull {
  drop_oldest,  // delete the oldest segment (acknowledged or not) to make room
  drop_newest,  // refuse new records until delivery frees space
};

struct QueueOptions {
  // State directory; created with mode 0750 if missing.
  std::filesystem::path dir = "/var/lib/canhose/queue";
  FsyncMode fsync = FsyncMode::interval;
  std::chrono::milliseconds fsync_interval{200};
  // Cap on segment bytes on disk plus records waiting in memory.
  std::uint64_t max_bytes = 256ULL * 1024 * 1024;
  // Records older than this are dropped (whole segments at a time); nullopt: no limit.
  std::optional<std::chrono::milliseconds> max_age;
  WhenFull when_full = WhenFull::drop_oldest;
  // A segment is closed and a new one started at this size...
  std::uint64_t segment_bytes = 16ULL * 1024 * 1024;
  // ...or when it is this old, so that ages (max_age, oldest unacknowledged) are exact to it.
  std::chrono::milliseconds segment_max_age{std::chrono::minutes(5)};
  // Records accepted but not yet durable are held in memory up to this many payload bytes
  // (also what carries the queue through ENOSPC/EIO); beyond it new records are dropped.
  std::uint64_t memory_buffer_bytes = 8ULL * 1024 * 1024;
  // The ack cursor is persisted at most this often (and at close)...
  std::chrono::milliseconds cursor_write_interval{1000};
  // ...or after this many acknowledgements, whichever comes first.
  std::uint64_t cursor_write_records = 10'000;
  // Retry pace after a disk error (doubles up to the maximum).
  std::chrono::milliseconds retry_initial{100};
  std::chrono::milliseconds retry_max{std::chrono::seconds(5)};
};

// Empty if the options are usable, otherwise what is wrong (for a start-up error).
std::string validate(const QueueOptions& options);
const char* to_string(FsyncMode mode);
const char* to_string(WhenFull policy);

// Reads the `queue:` section of canhose.yaml into `options` (defaults: what it holds); each
// mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, QueueOptions& options);

}  // namespace canhose::queue
