#pragma once
// One PutRecordBatch request in the making: Firehose records, each holding one queue
// record or, when packing, several newline-terminated ones, with the queue sequence
// numbers each carries, so a per-record result acknowledges exactly the right queue
// records. Its encoded size is tracked exactly (PutRecordBatchBody's arithmetic), so a
// batch never breaks the 500-record / 4 MiB / 1,000 KiB limits.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace canhose::delivery {

struct FirehoseRecord {
  std::string data;
  std::vector<std::uint64_t> seqs;  // queue records in `data`, in order
};

class OutgoingBatch {
 public:
  // pack_bytes == 0: one queue record per Firehose record.
  OutgoingBatch(std::string stream, std::uint64_t pack_bytes);

  // Adds one queue record; false (and nothing added) if the request would then break a
  // limit — the caller sends this batch and starts the next one with that record.
  bool add(std::uint64_t seq, std::string_view data);

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
  std::string stream_;
  std::uint64_t pack_bytes_;
  std::vector<FirehoseRecord> records_;
  std::size_t empty_body_bytes_;
  std::size_t records_bytes_ = 0;  // sum of encoded_record_size over records_
  std::size_t queue_records_ = 0;
  std::uint64_t payload_bytes_ = 0;
  bool last_open_ = false;  // the last Firehose record may take more packed lines
};

}  // namespace canhose::delivery
