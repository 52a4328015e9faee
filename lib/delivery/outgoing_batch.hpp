#pragma once
// One PutRecordBatch request in the making: Firehose records, each holding one queue
// record or, when packing, several newline-terminated ones, with the queue sequence
// numbers each carries, so a per-record result acknowledges exactly the right queue
// records. Its encoded size is tracked exactly (PutRecordBatchBody's arithmetic), so a
// batch never breaks the 500-record / 4 MiB / 1,000 KiB limits.
//
// Memory: a record is base64-encoded straight into the request body when it is added
// (the packed record still open keeps its last 0-2 bytes aside until it is closed), and
// the body is then the only copy of the data: finish() shares it with the HTTP client,
// subset() and split() copy the encoded records a resend needs, record() decodes one for
// a dead letter. Sequence numbers are kept as runs of consecutive numbers. The body's
// buffer can pass from a delivered batch to the next one (take_buffer()), so a drain
// reuses one allocation instead of making one per request.
//
// Billing: Firehose bills every record in 5 KB steps (billing_step_bytes), so a packed
// record is worth sending when it ends at the last whole line that keeps it within a
// whole number of steps. A packed record closes at pack_bytes rounded down to whole
// steps, and take_partial_step() hands back the lines of the open record that lie beyond
// its last whole step, to start the next batch with.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
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
  using Buffer = std::shared_ptr<std::string>;
  using Clock = std::chrono::steady_clock;
  // A queue record with the time it was read: taken back out of a batch, or waiting for one.
  struct Line {
    std::uint64_t seq = 0;
    std::string data;
    Clock::time_point since;
  };

  // pack_bytes == 0: one queue record per Firehose record. Otherwise packed records close
  // at pack_bytes, rounded down to whole billing steps when it is at least one step.
  // `buffer`: where to build the body (its text is replaced, its capacity kept); null: one
  // is made at the first add().
  OutgoingBatch(std::string stream, std::uint64_t pack_bytes, Buffer buffer = nullptr);
  // A copy has a body of its own (never shares one that is being built).
  OutgoingBatch(const OutgoingBatch& other);
  OutgoingBatch& operator=(const OutgoingBatch& other);
  OutgoingBatch(OutgoingBatch&&) noexcept = default;
  OutgoingBatch& operator=(OutgoingBatch&&) noexcept = default;

  // Adds one queue record, read at `since`; false (and nothing added) if the request
  // would then break a limit — the caller sends this batch and starts the next one with
  // that record. Always false once finish() was called.
  bool add(std::uint64_t seq, std::string_view data, Clock::time_point since = {});

  // Takes out of the last Firehose record, while it is packed and open, the lines past
  // its last whole billing step (all of them when it holds less than one step), and
  // returns them in order with their read times. Takes nothing when the record ends on a
  // step, or when taking would leave the batch empty. The last record is closed.
  std::vector<Line> take_partial_step();

  bool empty() const { return entries_.empty(); }
  std::size_t firehose_records() const { return entries_.size(); }
  std::size_t queue_records() const { return queue_records_; }
  std::uint64_t payload_bytes() const { return payload_bytes_; }
  // The exact size of body().
  std::size_t encoded_bytes() const;

  // Firehose record i: its size before base64, and its queue records' sequence numbers.
  std::size_t data_bytes(std::size_t i) const { return entries_.at(i).data_bytes; }
  std::size_t seq_count(std::size_t i) const;
  template <class F>
  void for_each_seq(std::size_t i, F&& f) const {
    for (std::size_t r = entries_.at(i).first_run; r < runs_end(i); ++r) {
      for (std::uint64_t k = 0; k < runs_[r].count; ++k) {
        f(runs_[r].first + k);
      }
    }
  }
  // Firehose record i, decoded from the body (a dead letter needs its data).
  FirehoseRecord record(std::size_t i) const;
  // Every record, decoded: a copy of all the data (tests).
  std::vector<FirehoseRecord> records() const;

  // A copy of the PutRecordBatch JSON body.
  std::string body() const;
  // The body itself, completed: the batch takes no more records. The same string on
  // every call (a resend sends it again); shared with the caller, not copied.
  std::shared_ptr<const std::string> finish();
  // The body's buffer for the next batch, if no one else holds it any more (else null).
  // The batch is left empty.
  Buffer take_buffer();

  // A new batch holding the Firehose records at `indices` (to resend failed ones).
  OutgoingBatch subset(const std::vector<std::size_t>& indices) const;
  // Splits into two halves (to find which record a whole-request rejection is about).
  std::pair<OutgoingBatch, OutgoingBatch> split() const;

  const std::string& stream() const { return stream_; }

 private:
  struct Entry {
    std::size_t begin = 0;  // where its {"Data":"...} starts in the body (after any ',')
    std::size_t end = 0;    // one past its '}'; the open record: the end of the body so far
    std::size_t data_bytes = 0;
    std::size_t first_run = 0;  // its sequence numbers are runs_[first_run, runs_end(i))
  };
  struct Run {
    std::uint64_t first = 0;
    std::uint64_t count = 0;
  };

  std::size_t runs_end(std::size_t i) const {
    return i + 1 < entries_.size() ? entries_[i + 1].first_run : runs_.size();
  }
  // Record i's JSON ({"Data":"<base64>"}), closed even if it is the open one.
  void append_record_json(std::size_t i, std::string& out) const;
  // Encodes `data` into the open record: whole 3-byte groups now, the rest into tail_.
  void encode(std::string_view data);
  void close_open_record();
  void add_seq(std::uint64_t seq, bool new_record);
  // The body's head ({"DeliveryStreamName":...,"Records":[) in body_, made if needed.
  void start_body(std::size_t reserve);
  // Keeps the open record's last whole step up to date after a line made it grow from
  // `old_size` to `new_size` bytes and `lines` lines.
  void track_steps(std::size_t old_size, std::size_t new_size, std::size_t lines,
                   Clock::time_point since);

  std::string stream_;
  std::uint64_t pack_bytes_;
  Buffer body_;  // head, closed records, then the open record's encoded whole groups
  std::vector<Entry> entries_;
  std::vector<Run> runs_;
  std::array<char, 2> tail_{};  // the open record's last bytes, not encoded yet
  std::size_t tail_size_ = 0;
  std::size_t empty_body_bytes_;
  std::size_t records_bytes_ = 0;  // sum of encoded_record_size over the records
  std::size_t queue_records_ = 0;
  std::uint64_t payload_bytes_ = 0;
  bool last_open_ = false;  // the last Firehose record may take more packed lines
  bool finished_ = false;
  // The open record's last whole line within its last whole step: its end and how many
  // lines are before it; then each later line's end and read time (about a step's worth).
  struct After {
    std::uint32_t end = 0;
    Clock::time_point since;
  };
  std::size_t open_lines_ = 0;
  std::size_t cut_bytes_ = 0;
  std::size_t cut_lines_ = 0;
  std::vector<After> after_cut_;
};

}  // namespace canhose::delivery
