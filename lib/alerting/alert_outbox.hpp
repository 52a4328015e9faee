#pragma once
// The on-disk alert outbox: alerts wait here until SNS has them, across outages, restarts,
// SIGKILL and power cuts. It is a queue::Queue of its own (<state_dir>/alerts/outbox) with
//   - fsync always: push() returns once the entry is accepted, and it is on disk within one
//     group fsync (milliseconds); readers only ever see entries already on disk;
//   - a size cap (max_bytes) with when_full drop_oldest: a vehicle offline for weeks keeps
//     its newest alerts; drops are counted (dropped()) and logged once per burst;
//   - the acknowledgement cursor persisted after every acknowledgement, so a sent alert is
//     sent again after a crash only if the crash came within moments of its sending (and
//     SNS FIFO topics drop that copy by its deduplication id).
//
// Entries are read strictly in order: head() is the oldest entry not yet acknowledged and
// stays the head until acknowledge_head(), so a publisher retries one alert until SNS takes
// it. Each entry is one JSON object:
//   {"id":"<64 hex>","vehicle":"truck-17","alert":{"rule":..,"severity":..,"time_ns":..,
//    "first_event_ns":..,"count":..,"window_ns":..,"message":..[,"lat":..,"lon":..]}}
// where id = hex SHA-256 of "<vehicle>|<rule>|<time_ns>": the same alert always has the
// same id (the FIFO MessageDeduplicationId). An entry that cannot be decoded (damage the
// queue's CRC did not catch, a future format) is logged and skipped, never fatal.
//
// Threads and lifetime: every member runs on the thread that runs `io`. The outbox must
// outlive whoever waits on it (SnsAlertPublisher); close() (also run by the destructor)
// blocks until what is in memory is on disk and the cursor is saved.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "alerts/alert.hpp"
#include "asio/asio.hpp"
#include "queue/queue.hpp"

namespace canhose::alerting {

// The smallest size the queue accepts (its memory buffer must hold two 1 MiB records and
// be at most half of max_bytes), and the default: a few thousand alerts.
inline constexpr std::uint64_t kOutboxMinBytes = 4ULL * 1024 * 1024;
inline constexpr std::uint64_t kOutboxDefaultBytes = kOutboxMinBytes;
// A stored alert message longer than this is cut (SNS could not send more anyway).
inline constexpr std::size_t kOutboxMaxMessageBytes = 256 * 1024;

struct OutboxEntry {
  std::uint64_t seq = 0;  // the queue's sequence number
  std::string id;         // hex SHA-256 of vehicle|rule|time_ns
  std::string vehicle;
  alerts::Alert alert;
  std::int64_t queued_ns = 0;  // wall-clock Unix time it was pushed (alert.time_ns is data time)
};

// The stable id of an alert raised on `vehicle`.
std::string outbox_entry_id(std::string_view vehicle, const alerts::Alert& alert);
// The stored form of an entry, and back (nullopt, with `error` set, for a damaged one).
std::string encode_outbox_entry(const alerts::Alert& alert, std::string_view vehicle,
                                std::int64_t queued_ns);
std::optional<OutboxEntry> decode_outbox_entry(std::string_view data, std::string* error);

class AlertOutbox {
 public:
  struct OpenResult {
    std::unique_ptr<AlertOutbox> outbox;
    std::string error;  // set when outbox is null: what is wrong, for the operator
  };
  // Opens (creating if needed) the outbox in `dir`; max_bytes below kOutboxMinBytes is
  // raised to it.
  static OpenResult open(asio::io_context& io, const std::filesystem::path& dir,
                         std::uint64_t max_bytes = kOutboxDefaultBytes);

  AlertOutbox(const AlertOutbox&) = delete;
  AlertOutbox& operator=(const AlertOutbox&) = delete;
  ~AlertOutbox();

  // Stores the alert; false if it was refused (after close(), or the disk failing with
  // the memory buffer full), which is logged.
  bool push(const alerts::Alert& alert, std::string_view vehicle);
  // The oldest entry not yet acknowledged that is on disk, or null when there is none
  // now. Damaged entries on the way are logged, acknowledged and skipped. The pointer is
  // valid until acknowledge_head() or close().
  const OutboxEntry* head();
  // Removes the head (SNS accepted it). No effect without a head.
  void acknowledge_head();
  // Completes on the loop once head() would return an entry (at once if it would now);
  // std::errc::operation_canceled at close.
  void async_wait_ready(std::function<void(std::error_code)> handler);

  // Completes on the loop once every entry pushed so far is on disk (fsynced): for a
  // caller that must not go on before its alert would survive a power cut. At close:
  // success if close() stored them, std::errc::operation_canceled otherwise.
  void async_wait_stored(std::function<void(std::error_code)> handler);

  // Entries pushed and not yet acknowledged or dropped (the head included).
  std::uint64_t depth() const;
  // Entries lost: dropped to make room (drop_oldest), refused by push(), and damaged
  // entries skipped, since open.
  std::uint64_t dropped() const;
  std::uint64_t pushed() const { return pushed_; }
  const std::filesystem::path& dir() const { return queue_->options().dir; }
  std::uint64_t max_bytes() const { return queue_->options().max_bytes; }

  // Stops taking entries, makes what is in memory durable, saves the cursor. Idempotent.
  void close();

 private:
  AlertOutbox(asio::io_context& io, std::unique_ptr<queue::Queue> queue);
  // Logs the start of a burst of drops once; the end at the next acknowledgement.
  void check_drops();
  std::uint64_t queue_drops() const;

  asio::io_context& io_;
  std::unique_ptr<queue::Queue> queue_;
  std::optional<OutboxEntry> head_;
  std::uint64_t pushed_ = 0;
  std::uint64_t refused_ = 0;
  std::uint64_t damaged_ = 0;
  std::uint64_t drops_logged_ = 0;  // queue drops when the current burst was first logged
  bool drop_burst_ = false;
  bool closed_ = false;
};

}  // namespace canhose::alerting
