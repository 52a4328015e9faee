#pragma once
// FirehoseDelivery moves durable records from the queue to a Firehose stream:
//
//   queue.read() -> OutgoingBatch (≤500 records, ≤4 MiB encoded, packed lines) -> send
//        ^                                                                        |
//        +---------- acknowledge() each record Firehose accepted <----------------+
//
// - A batch is sent when full, or when its oldest record has waited flush_interval, or at
//   once while stopping. Except while stopping, its last packed Firehose record ends at
//   its last whole 5 KB billing step: the lines past it start the next batch, keeping
//   their read times, so every record still goes out within flush_interval (see
//   OutgoingBatch::take_partial_step and docs/delivery.md "Billing").
// - Up to SendWindow::window() requests are in flight (≤ concurrency; halved while
//   throttled, then requests are spaced; grown back on success: AIMD).
// - HTTP 200 with per-record failures: only the failed records are resent; a record
//   the service rejects as invalid goes to the dead-letter file, never silently away.
// - Throttling and transient errors: the same batch is resent after a full-jitter
//   backoff; a durable record is never given up because of a transient error.
// - Permanent errors (stream missing, access denied, KMS): one clear error is logged,
//   sending pauses (records keep queueing on disk) and is retried every
//   permanent_error_retry, so fixing IAM or creating the stream resumes delivery.
// - A whole request rejected as invalid is split in halves until the record at fault is
//   alone; that one is dead-lettered.
// Memory: at most window() batches in flight plus one being filled (each ≤ 4 MiB). A
// batch is its request body, encoded as records are read (OutgoingBatch); the sender
// shares it, and a delivered batch's buffer is reused by the next one.
// All members run on the event loop.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "asio/asio.hpp"
#include "aws/firehose_api.hpp"
#include "base/backoff.hpp"
#include "delivery/dead_letter_file.hpp"
#include "delivery/delivery_options.hpp"
#include "delivery/outgoing_batch.hpp"
#include "delivery/send_window.hpp"
#include "lifecycle/component.hpp"
#include "metrics/metric_family.hpp"
#include "queue/queue.hpp"

namespace canhose::delivery {

struct DeliveryCounters {
  std::uint64_t records_delivered = 0;  // queue records acknowledged after Firehose accepted them
  std::uint64_t payload_bytes_delivered = 0;
  std::uint64_t firehose_records_sent = 0;
  std::uint64_t requests_ok = 0;
  std::uint64_t requests_failed = 0;
  std::uint64_t wire_bytes = 0;          // request bodies sent
  std::uint64_t retries_throttled = 0;   // resends after throttling
  std::uint64_t retries_transient = 0;   // after 5xx, transport errors, malformed responses
  std::uint64_t retries_permanent = 0;   // probes while the stream/credentials are broken
  std::uint64_t record_failures = 0;     // per-record failures in 200 responses
  std::uint64_t dead_lettered = 0;       // queue records written to the dead-letter file
  std::uint64_t dead_letter_errors = 0;  // dead-letter writes that failed (record kept)
};

class FirehoseDelivery final : public lifecycle::Component {
 public:
  using Outcome = aws::FirehoseOutcome<aws::PutRecordBatchResult>;
  // Sends one PutRecordBatch body; completes on the event loop. In the daemon this is
  // FirehoseClient::put_record_batch. The body is shared, not copied: let go of it by the
  // time `done` is called, or the next batch cannot reuse its buffer.
  using SendSharedBatch =
      std::function<void(std::shared_ptr<const std::string> body, std::size_t record_count,
                         std::function<void(Outcome)> done)>;
  // The same with a copy of the body of its own (tests; costs a copy of each request).
  using SendBatch = std::function<void(std::string body, std::size_t record_count,
                                       std::function<void(Outcome)> done)>;

  FirehoseDelivery(asio::io_context& io, queue::Queue& queue, DeliveryOptions options,
                   SendSharedBatch send, std::uint64_t random_seed = std::random_device{}());
  FirehoseDelivery(asio::io_context& io, queue::Queue& queue, DeliveryOptions options,
                   SendBatch send, std::uint64_t random_seed = std::random_device{}());
  ~FirehoseDelivery() override;

  std::string_view name() const override { return log_name_; }
  // Names this worker in logs and the component list: "delivery" unless set, e.g.
  // "delivery[dashcam-events]" where one daemon delivers several streams.
  void set_log_name(std::string name) { log_name_ = std::move(name); }
  void start() override;
  void async_stop(std::chrono::steady_clock::time_point deadline,
                  std::function<void()> done) override;
  // A reloaded configuration (SIGHUP): stream, packing, flush, concurrency and retry
  // settings apply now; a changed dead-letter setting is logged as needing a restart.
  void reconfigure(const DeliveryOptions& old_options, const DeliveryOptions& next);
  std::string status() const override;

  const DeliveryCounters& counters() const { return counters_; }
  void collect_metrics(std::vector<metrics::MetricFamily>& out) const;
  std::uint32_t in_flight() const { return in_flight_; }
  // Set while sending is paused by a permanent error; its description otherwise empty.
  const std::string& paused_reason() const { return paused_reason_; }
  std::optional<std::chrono::system_clock::time_point> last_success() const {
    return last_success_;
  }
  const std::string& last_error() const { return last_error_; }
  // When last_error() happened; empty before the first failed request.
  std::optional<std::chrono::system_clock::time_point> last_error_time() const {
    return last_error_at_;
  }

 private:
  std::string log_name_ = "delivery";
  struct Pending {
    OutgoingBatch batch;
    std::chrono::steady_clock::time_point due;
  };

  void pump();
  bool fill_open_batch();  // reads from the queue; true if the open batch must be sent now
  void send(OutgoingBatch batch);
  void on_outcome(OutgoingBatch batch, Outcome outcome);
  void on_partial_failure(OutgoingBatch& batch, const aws::PutRecordBatchResult& result);
  void retry_later(OutgoingBatch batch, std::chrono::milliseconds delay);
  void dead_letter(const std::vector<FirehoseRecord>& records, const std::string& code,
                   const std::string& message);
  // Writes one rejected record to the dead-letter file, retrying (it keeps its slot in
  // dead_letters_in_flight_) while the file cannot be written.
  void write_dead_letter(const FirehoseRecord& record, const std::string& code,
                         const std::string& message);
  // Window slots taken: requests in flight, batches waiting to be resent, and one for
  // rejected records whose dead-letter write is pending or being retried. While they fill
  // the window nothing more is read from the queue, which bounds delivery's memory.
  std::size_t slots_taken() const {
    return in_flight_ + retries_.size() + (dead_letters_in_flight_ > 0 ? 1 : 0);
  }
  // Tells the queue the record is done with; `delivered`: Firehose has it (counted).
  void acknowledge(const FirehoseRecord& record, bool delivered);
  void acknowledge(const OutgoingBatch& batch, std::size_t i, bool delivered);
  void arm_timer();
  void wait_readable();
  void maybe_finish_stop();
  void log_summary();

  asio::io_context& io_;
  queue::Queue& queue_;
  DeliveryOptions options_;
  SendSharedBatch send_;
  base::Backoff backoff_;
  SendWindow window_;
  DeadLetterFile dead_letters_;
  asio::steady_timer timer_;
  asio::steady_timer summary_timer_;

  std::optional<OutgoingBatch> open_;  // being filled from the queue
  OutgoingBatch::Buffer spare_body_;   // a delivered batch's buffer, for the next batch
  std::chrono::steady_clock::time_point open_since_;
  // Read, not in the open batch: did not fit it, or were past the last whole billing step
  // of a batch sent (at most about one step).
  std::deque<OutgoingBatch::Line> held_;
  std::deque<Pending> retries_;  // batches to resend, by due time
  std::uint32_t in_flight_ = 0;
  std::uint32_t dead_letters_in_flight_ = 0;
  bool waiting_readable_ = false;
  std::chrono::steady_clock::time_point next_send_allowed_{};  // request spacing
  std::string paused_reason_;
  std::chrono::steady_clock::time_point paused_until_{};

  bool started_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_deadline_;
  std::function<void()> stop_done_;

  DeliveryCounters counters_;
  std::optional<std::chrono::system_clock::time_point> last_success_;
  std::string last_error_;  // FirehoseError::describe(): AWS code and message, no secrets
  std::optional<std::chrono::system_clock::time_point> last_error_at_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace canhose::delivery
