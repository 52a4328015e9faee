#include "delivery/firehose_delivery.hpp"

#include <algorithm>
#include <span>

#include "aws/put_record_batch_body.hpp"
#include "delivery/delivery_metrics.hpp"
#include "delivery/delivery_outcome.hpp"
#include "log/logger.hpp"

namespace canhose::delivery {
namespace {

using Clock = std::chrono::steady_clock;
// Payload bytes fill_open_batch() asks the queue for at a time (one record may be more).
constexpr std::size_t kReadSliceBytes = 256 * 1024;

std::string_view view(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

FirehoseDelivery::FirehoseDelivery(asio::io_context& io, queue::Queue& queue,
                                   DeliveryOptions options, SendBatch send,
                                   std::uint64_t random_seed)
    : FirehoseDelivery(io, queue, std::move(options),
                       SendSharedBatch([send = std::move(send)](
                                           std::shared_ptr<const std::string> body,
                                           std::size_t count, std::function<void(Outcome)> done) {
                         send(*body, count, std::move(done));
                       }),
                       random_seed) {}

FirehoseDelivery::FirehoseDelivery(asio::io_context& io, queue::Queue& queue,
                                   DeliveryOptions options, SendSharedBatch send,
                                   std::uint64_t random_seed)
    : io_(io),
      queue_(queue),
      options_(std::move(options)),
      send_(std::move(send)),
      backoff_(options_.retry_base, options_.retry_max, random_seed),
      window_(options_.concurrency, options_.retry_base, options_.retry_max),
      dead_letters_(io, options_.dead_letter_dir, options_.dead_letter_max_bytes),
      timer_(io),
      summary_timer_(io) {}

FirehoseDelivery::~FirehoseDelivery() = default;

void FirehoseDelivery::start() {
  started_ = true;
  log::info(log_name_, "delivering to Firehose stream ", options_.stream, " (",
            options_.pack
                ? "packing lines into records of up to " + std::to_string(options_.pack_bytes) +
                      " bytes, sent in whole 5 KB billing steps"
                : "one record per line",
            ", each within ", base::format_duration(options_.flush_interval), ", concurrency ",
            options_.concurrency, ")");
  log_summary();
  pump();
}

void FirehoseDelivery::pump() {
  if (!started_) {
    return;
  }
  const auto now = Clock::now();
  while (in_flight_ < window_.window() && now >= next_send_allowed_) {
    if (!retries_.empty() && retries_.front().due <= now) {
      OutgoingBatch batch = std::move(retries_.front().batch);
      retries_.pop_front();
      send(std::move(batch));
      continue;
    }
    if (!paused_reason_.empty()) {
      break;  // only the probe (a due retry) goes out while paused
    }
    if (slots_taken() >= window_.window()) {
      // A batch waiting to be resent keeps its place in the window: nothing more is read
      // from the queue meanwhile. Without this, each failed request during an outage let
      // the next batch be read and sent (and fail), and the batches awaiting a resend
      // piled up in memory without bound; now they stay on disk.
      break;
    }
    const bool full = fill_open_batch();
    if (open_ && !open_->empty() &&
        (full || stopping_ || now - open_since_ >= options_.flush_interval)) {
      OutgoingBatch batch = std::move(*open_);
      open_.reset();
      if (!stopping_) {
        // Firehose bills the packed record in whole 5 KB steps: the lines past its last
        // whole step start the next batch (with their own read times, so they too are
        // sent within flush_interval) instead of being billed as a partly filled step.
        std::vector<OutgoingBatch::Line> tail = batch.take_partial_step();
        held_.insert(held_.begin(), std::make_move_iterator(tail.begin()),
                     std::make_move_iterator(tail.end()));
      }
      send(std::move(batch));
      continue;
    }
    break;
  }
  arm_timer();
  maybe_finish_stop();
}

bool FirehoseDelivery::fill_open_batch() {
  if (!open_) {
    open_.emplace(options_.stream, options_.pack ? options_.pack_bytes : 0, std::move(spare_body_));
  }
  const auto add = [this](std::uint64_t seq, std::string_view data, Clock::time_point since) {
    if (open_->empty()) {
      open_since_ = since;
    }
    return open_->add(seq, data, since);
  };
  while (!held_.empty()) {
    const OutgoingBatch::Line& line = held_.front();
    if (!add(line.seq, line.data, line.since)) {
      return true;
    }
    held_.pop_front();
  }
  for (;;) {
    // Read about what still fits, so at most a few records are held over.
    const std::size_t room_bytes =
        (aws::max_batch_body_bytes - std::min(open_->encoded_bytes(), aws::max_batch_body_bytes)) *
        3 / 4;
    // In slices: the records read are copies, held until they are encoded into the body.
    queue::ReadBatch read = queue_.read(aws::max_batch_records,
                                        std::clamp<std::size_t>(room_bytes, 1, kReadSliceBytes));
    if (read.records.empty()) {
      if (open_->empty()) {
        open_.reset();  // idle: its buffer and the spare one go back to the heap
        spare_body_.reset();
      }
      wait_readable();
      return false;
    }
    const auto now = Clock::now();
    for (std::size_t i = 0; i < read.records.size(); ++i) {
      if (!add(read.records[i].seq, view(read.records[i].data), now)) {
        for (std::size_t j = i; j < read.records.size(); ++j) {
          held_.push_back({read.records[j].seq, std::string(view(read.records[j].data)), now});
        }
        return true;
      }
    }
  }
}

void FirehoseDelivery::wait_readable() {
  if (waiting_readable_) {
    return;
  }
  waiting_readable_ = true;
  std::weak_ptr<int> alive = alive_;
  queue_.async_wait_readable([this, alive](std::error_code ec) {
    if (alive.expired()) {
      return;
    }
    waiting_readable_ = false;
    if (!ec) {
      pump();
    }
  });
}

void FirehoseDelivery::send(OutgoingBatch batch) {
  ++in_flight_;
  std::shared_ptr<const std::string> body = batch.finish();
  counters_.wire_bytes += body->size();
  counters_.firehose_records_sent += batch.firehose_records();
  if (window_.spacing().count() > 0) {
    next_send_allowed_ = Clock::now() + window_.spacing();
  }
  const std::size_t count = batch.firehose_records();
  std::weak_ptr<int> alive = alive_;
  send_(std::move(body), count, [this, alive, batch = std::move(batch)](Outcome outcome) mutable {
    if (alive.expired()) {
      return;
    }
    --in_flight_;
    on_outcome(std::move(batch), std::move(outcome));
    pump();
  });
}

void FirehoseDelivery::on_outcome(OutgoingBatch batch, Outcome outcome) {
  const BatchAction action = classify_outcome(outcome, batch.firehose_records());
  if (outcome.ok()) {
    ++counters_.requests_ok;
    window_.on_success();
    last_success_ = std::chrono::system_clock::now();
    if (!paused_reason_.empty()) {
      log::notice(log_name_, "stream ", options_.stream,
                  " accepts records again: delivery resumed");
      paused_reason_.clear();
    }
    if (action == BatchAction::acknowledge_all) {
      backoff_.reset();
      for (std::size_t i = 0; i < batch.firehose_records(); ++i) {
        acknowledge(batch, i, true);
      }
    } else {
      on_partial_failure(batch, outcome.value);
    }
    spare_body_ = batch.take_buffer();
    return;
  }

  ++counters_.requests_failed;
  const aws::FirehoseError& e = outcome.error;
  last_error_ = e.describe();
  last_error_at_ = std::chrono::system_clock::now();
  switch (action) {
    case BatchAction::retry_throttled:
      ++counters_.retries_throttled;
      window_.on_throttle();
      log::warning(log_name_, "throttled by Firehose; slowing down: ", e.describe());
      retry_later(std::move(batch), backoff_.next());
      return;
    case BatchAction::retry_transient:
      ++counters_.retries_transient;
      log::warning(log_name_, "PutRecordBatch failed, will retry: ", e.describe());
      retry_later(std::move(batch), backoff_.next());
      return;
    case BatchAction::split: {
      // The request was refused as invalid: find the record at fault by halving.
      auto [first, second] = batch.split();
      retry_later(std::move(first), std::chrono::milliseconds(0));
      retry_later(std::move(second), std::chrono::milliseconds(0));
      return;
    }
    case BatchAction::dead_letter:
      dead_letter(batch.records(), e.code, e.message);
      return;
    case BatchAction::pause:
      break;
    case BatchAction::acknowledge_all:
    case BatchAction::handle_record_failures:
      return;  // only for an accepted request, handled above
  }
  // The stream, the credentials or the account is wrong: nothing sent now can succeed.
  // Records keep queueing on disk; a probe every permanent_error_retry resumes delivery
  // as soon as the operator has fixed the cause.
  ++counters_.retries_permanent;
  if (paused_reason_.empty()) {
    log::error(log_name_, "delivery paused: ", e.describe(), ". ", pause_hint(e.kind),
               ". Records keep queueing on disk; retrying every ",
               base::format_duration(options_.permanent_error_retry));
  }
  paused_reason_ = e.describe();
  retry_later(std::move(batch), options_.permanent_error_retry);
}

void FirehoseDelivery::on_partial_failure(OutgoingBatch& batch,
                                          const aws::PutRecordBatchResult& result) {
  std::vector<std::size_t> resend;
  bool throttled = false;
  for (std::size_t i = 0; i < result.records.size() && i < batch.firehose_records(); ++i) {
    const aws::RecordResult& r = result.records[i];
    const RecordAction action = classify_record(r);
    if (action == RecordAction::acknowledge) {
      acknowledge(batch, i, true);
      continue;
    }
    ++counters_.record_failures;
    if (action == RecordAction::dead_letter) {
      dead_letter({batch.record(i)}, r.error_code, r.error_message);
    } else {
      resend.push_back(i);
      throttled = throttled || action == RecordAction::resend_throttled;
    }
  }
  if (resend.empty()) {
    return;
  }
  if (throttled) {
    window_.on_throttle();
    ++counters_.retries_throttled;
  } else {
    ++counters_.retries_transient;
  }
  log::warning(log_name_, "Firehose refused some records of a batch (", result.failed_put_count,
               " of ", result.records.size(), "); resending only those");
  retry_later(batch.subset(resend), backoff_.next());
}

void FirehoseDelivery::retry_later(OutgoingBatch batch, std::chrono::milliseconds delay) {
  const auto due = Clock::now() + delay;
  auto at =
      std::find_if(retries_.begin(), retries_.end(), [&](const Pending& p) { return p.due > due; });
  retries_.insert(at, Pending{std::move(batch), due});
}

void FirehoseDelivery::dead_letter(const std::vector<FirehoseRecord>& records,
                                   const std::string& code, const std::string& message) {
  for (const FirehoseRecord& record : records) {
    ++dead_letters_in_flight_;
    write_dead_letter(record, code, message);
  }
}

void FirehoseDelivery::write_dead_letter(const FirehoseRecord& record, const std::string& code,
                                         const std::string& message) {
  DeadLetter letter{options_.stream, record.seqs, code, message, record.data};
  std::weak_ptr<int> alive = alive_;
  dead_letters_.append(std::move(letter), [this, alive, record, code, message](std::error_code ec) {
    if (alive.expired()) {
      return;
    }
    if (!ec) {
      --dead_letters_in_flight_;
      counters_.dead_lettered += record.seqs.size();
      log::error(log_name_, "Firehose rejected ", record.seqs.size(), " record(s) as invalid (",
                 code, "); kept in ", dead_letters_.path().string());
      acknowledge(record, false);
      pump();
      return;
    }
    ++counters_.dead_letter_errors;
    log::error(log_name_, "cannot write the dead-letter file ", dead_letters_.path().string(), ": ",
               ec.message(), "; the record stays queued and is retried");
    // Not acknowledged: the record stays on disk (after a restart it is sent, rejected and
    // dead-lettered again). Its slot stays taken until the write works, so a dead-letter
    // file that cannot be written does not let rejected records pile up in memory.
    auto give_up = [this] {
      --dead_letters_in_flight_;
      pump();
    };
    if (stopping_) {
      give_up();
      return;
    }
    auto retry = std::make_shared<asio::steady_timer>(io_, options_.permanent_error_retry);
    retry->async_wait([this, alive, retry, record, code, message,
                       give_up](const boost::system::error_code& wait_ec) {
      if (alive.expired()) {
        return;
      }
      if (wait_ec || stopping_) {
        give_up();
        return;
      }
      write_dead_letter(record, code, message);
    });
  });
}

void FirehoseDelivery::acknowledge(const FirehoseRecord& record, bool delivered) {
  queue_.acknowledge(record.seqs);
  if (delivered) {
    counters_.records_delivered += record.seqs.size();
    counters_.payload_bytes_delivered += record.data.size();
  }
}

void FirehoseDelivery::acknowledge(const OutgoingBatch& batch, std::size_t i, bool delivered) {
  batch.for_each_seq(i, [this](std::uint64_t seq) { queue_.acknowledge(seq); });
  if (delivered) {
    counters_.records_delivered += batch.seq_count(i);
    counters_.payload_bytes_delivered += batch.data_bytes(i);
  }
}

void FirehoseDelivery::arm_timer() {
  auto next = Clock::time_point::max();
  if (!retries_.empty()) {
    next = std::min(next, retries_.front().due);
  }
  // The open batch's flush time, unless the window is full: then pump() could not send
  // it, and a timer at a time already past would only spin. A slot freeing up (a reply,
  // a due retry, a dead letter written) runs pump() anyway.
  if (open_ && !open_->empty() && paused_reason_.empty() && slots_taken() < window_.window()) {
    next = std::min(next, open_since_ + options_.flush_interval);
  }
  // Request spacing (after throttling): nothing goes out before next_send_allowed_, and
  // at that time pump() must run even with nothing else due, or a backlog still in the
  // queue would wait for an event that does not come.
  if (next_send_allowed_ > Clock::now()) {
    next =
        next == Clock::time_point::max() ? next_send_allowed_ : std::max(next, next_send_allowed_);
  }
  if (next == Clock::time_point::max()) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(next);
  std::weak_ptr<int> alive = alive_;
  timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (!ec && !alive.expired()) {
      pump();
    }
  });
}

void FirehoseDelivery::async_stop(std::chrono::steady_clock::time_point deadline,
                                  std::function<void()> done) {
  stopping_ = true;
  stop_deadline_ = deadline;
  stop_done_ = std::move(done);
  summary_timer_.cancel();
  log::info(log_name_, "stopping: sending what is queued until ",
            "the grace period ends; the rest stays on disk for the next start");
  pump();
}

void FirehoseDelivery::maybe_finish_stop() {
  if (!stopping_ || !stop_done_) {
    return;
  }
  // pump() sent the open batch if anything was readable: an empty one means the queue
  // is drained (or delivery is paused).
  // Records appended but not yet durable are not readable yet: wait for them too.
  const queue::QueueMetrics q = queue_.metrics();
  const bool all_read = q.durable_seq + 1 >= q.next_seq || !paused_reason_.empty();
  const bool nothing_to_send = (!open_ || open_->empty()) && held_.empty() && all_read;
  const bool retries_too_late =
      retries_.empty() || retries_.front().due > stop_deadline_ || !paused_reason_.empty();
  // Batches waiting for a resend due after the deadline fill the window: nothing else can
  // go out before it either; what is left stays on disk for the next start.
  const bool window_full = slots_taken() >= window_.window();
  if (in_flight_ == 0 && dead_letters_in_flight_ == 0 && (nothing_to_send || window_full) &&
      retries_too_late) {
    timer_.cancel();
    log::info(log_name_, "stopped: ", counters_.records_delivered,
              " records delivered since start");
    auto done = std::move(stop_done_);
    stop_done_ = nullptr;
    done();
  }
}

void FirehoseDelivery::reconfigure(const DeliveryOptions& old_options,
                                   const DeliveryOptions& next) {
  if (next.stream != old_options.stream) {
    log::notice(log_name_, "delivery.stream is now ", next.stream,
                " (batches already built keep the old one)");
  }
  options_.stream = next.stream;
  options_.pack = next.pack;
  options_.pack_bytes = next.pack_bytes;
  options_.flush_interval = next.flush_interval;
  options_.concurrency = next.concurrency;
  options_.permanent_error_retry = next.permanent_error_retry;
  options_.summary_interval = next.summary_interval;
  window_.set_max_window(next.concurrency);
  if (next.retry_base != options_.retry_base || next.retry_max != options_.retry_max) {
    options_.retry_base = next.retry_base;
    options_.retry_max = next.retry_max;
    backoff_ = base::Backoff(next.retry_base, next.retry_max);
  }
  if (next.dead_letter_dir != old_options.dead_letter_dir ||
      next.dead_letter_max_bytes != old_options.dead_letter_max_bytes) {
    log::warning(log_name_, "the dead-letter settings take effect after a restart");
  }
  if (!paused_reason_.empty()) {
    // The operator may have fixed the cause: probe now instead of waiting.
    for (Pending& p : retries_) {
      p.due = Clock::now();
    }
  }
  pump();
}

std::string FirehoseDelivery::status() const {
  if (!paused_reason_.empty()) {
    return "delivery paused: " + paused_reason_;
  }
  std::string s = "delivered " + std::to_string(counters_.records_delivered) + " records";
  if (window_.throttled()) {
    s += ", throttled";
  }
  if (!retries_.empty()) {
    s += ", " + std::to_string(retries_.size()) + " batches to retry";
  }
  return s;
}

void FirehoseDelivery::log_summary() {
  summary_timer_.expires_after(options_.summary_interval);
  std::weak_ptr<int> alive = alive_;
  summary_timer_.async_wait([this, alive](const boost::system::error_code& ec) {
    if (ec || alive.expired() || stopping_) {
      return;
    }
    const queue::QueueMetrics q = queue_.metrics();
    log::info(log_name_, "summary: ", counters_.records_delivered, " records (",
              counters_.payload_bytes_delivered, " bytes) delivered in ", counters_.requests_ok,
              " requests, ", counters_.requests_failed, " failed requests, ",
              counters_.record_failures, " record failures, ", counters_.dead_lettered,
              " dead letters; queue ", q.records_queued, " records, oldest ",
              base::format_duration(q.oldest_unacked_age));
    log_summary();
  });
}

void FirehoseDelivery::collect_metrics(std::vector<metrics::MetricFamily>& out) const {
  collect_delivery_metrics({.counters = counters_,
                            .in_flight = in_flight_,
                            .window = window_.window(),
                            .backoff_cap = backoff_.cap(),
                            .retries_pending = retries_.size(),
                            .paused_reason = paused_reason_,
                            .last_success = last_success_,
                            .last_error = last_error_,
                            .last_error_at = last_error_at_},
                           out);
}

}  // namespace canhose::delivery
