#pragma once
// One PutRecordBatch request in the making: Firehose records, each holding one queue
// record or, when packing, several newline-terminated ones, with the queue sequence
// numbers each carries, so a per-record result acknowledges exactly the right queue
// records. Its encoded size is tracked exactly (PutRecordBatchBody's arithmetic), so a
// batch never breaks the 500-record / 4 MiB / 1,000 KiB limits.
//
// Billing: Firehose bills every record in 5 KB steps (billing_step_bytes), so a packed
// record is worth sending when it ends at the last whole line that keeps it within a
// whole number of steps. A packed record closes at pack_bytes rounded down to whole
// steps, and take_partial_step() hands back the lines of the open record that lie beyond
// its last whole step, to start the next batch with.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace canhose::delivery {

// Firehose bills each record it ingests rounded up to the next multiple of 5 KB.
inline constexpr std::uint64_t billing_step_bytes = 5120;

struct FirehoseRecord {
  std::string data;
  std::vector<std::uint64_t> seqs;  // queue records in `data`, in order
};

class OutgoingBatch {
 public:
  using Clock = std::chrono::steady_clock;
  // A queue record with the time it was read: taken back out of a batch, or waiting for one.
  struct Line {
    std::uint64_t seq = 0;
    std::string data;
    Clock::time_point since;
  };

  // pack_bytes == 0: one queue record per Firehose record. Otherwise packed records close
  // at pack_bytes, rounded down to whole billing steps when it is at least one step.
  OutgoingBatch(std::string stream, std::uint64_t pack_bytes);

  // Adds one queue record, read at `since`; false (and nothing added) if the request
  // would then break a limit — the caller sends this batch and starts the next one with
  // that record.
  bool add(std::uint64_t seq, std::string_view data, Clock::time_point since = {});

  // Takes out of the last Firehose record, while it is packed and open, the lines past
  // its last whole billing step (all of them when it holds less than one step), and
  // returns them in order with their read times. Takes nothing when the record ends on a
  // step, or when taking would leave the batch empty. The batch takes no more records.
  std::vector<Line> take_partial_step();

  bool empty() const { return records_.empty(); }
  std::size_t firehose_records() const { return records_.size(); }
  std::size_t queue_records() const { return queue_records_; }
  std::uint64_t payload_bytes() const { return payload_bytes_; }
  // The exact size of body().
  std::size_t encoded_bytes() const;
  const std::vector<FirehoseRecord>& records() const { return records_; }

  // The PutRecordBatch JSON body.
  std::string body() const;
  // A new batch holding the Firehose records at `indices` (to resend failed ones).
  OutgoingBatch subset(const std::vector<std::size_t>& indices) const;
  // Splits into two halves (to find which record a whole-request rejection is about).
  std::pair<OutgoingBatch, OutgoingBatch> split() const;

  const std::string& stream() const { return stream_; }

 private:
  // Keeps the open record's last whole step up to date after a line made it grow from
  // `old_size` to `new_size` bytes and `lines` lines.
  void track_steps(std::size_t old_size, std::size_t new_size, std::size_t lines,
                   Clock::time_point since);

  std::string stream_;
  std::uint64_t pack_bytes_;
  std::vector<FirehoseRecord> records_;
  std::size_t empty_body_bytes_;
  std::size_t records_bytes_ = 0;  // sum of encoded_record_size over records_
  std::size_t queue_records_ = 0;
  std::uint64_t payload_bytes_ = 0;
  bool last_open_ = false;  // the last Firehose record may take more packed lines
  // The open record's last whole line within its last whole step: its end and how many
  // lines are before it; then each later line's end and read time (about a step's worth).
  struct After {
    std::uint32_t end = 0;
    Clock::time_point since;
  };
  std::size_t cut_bytes_ = 0;
  std::size_t cut_lines_ = 0;
  std::vector<After> after_cut_;
};

}  // namespace canhose::delivery
