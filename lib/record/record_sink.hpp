#pragma once
// Where records go: in the daemon, the write-ahead queue. The queue assigns record ids
// (its sequence numbers), and the id is part of the record's bytes, so the sink hands
// the sequence to the record's content while appending:
//
//   queue.append(content):  seq = next_sequence;  out.clear();
//                           content.write(seq, out);   // exactly once, synchronously
//                           store `out` as record `seq`; ++next_sequence
//
// Contract for implementations:
// - write() is called at most once per append(), before append() returns, with the
//   sequence the record will have; `out` is empty (capacity may be reused).
// - On success the result carries that sequence. On failure (queue full under a
//   reject policy, closed, I/O error) the result carries the error; nothing was
//   stored, and the sequence is not consumed.
// - append() never blocks the event loop (the queue fsyncs on its worker).
// - append_batch(batch, results) has the result of batch.size() append() calls in order
//   (results[i] for record i: dense sequences, a refused record consumes none); the
//   queue's sink takes the records under one lock. It may call write() for a record more
//   than once (the text of a record the queue stopped at is written again with its final
//   sequence): write() must depend only on its arguments and the content.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

namespace canhose::record {

class RecordContent {
 public:
  // Appends the record's bytes (one line ending in '\n') for record id `sequence`.
  virtual void write(std::uint64_t sequence, std::string& out) const = 0;

 protected:
  ~RecordContent() = default;
};

// Several records appended together (e.g. the selected frames of one CAN read).
class RecordBatchContent {
 public:
  virtual std::size_t size() const = 0;
  // Appends record `index`'s bytes for record id `sequence`, as RecordContent::write.
  virtual void write(std::size_t index, std::uint64_t sequence, std::string& out) const = 0;

 protected:
  ~RecordBatchContent() = default;
};

struct AppendResult {
  std::error_code error;
  std::uint64_t sequence = 0;  // valid when !error
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual AppendResult append(const RecordContent& content) = 0;
  // results.size() must be batch.size(). The default appends the records one by one.
  virtual void append_batch(const RecordBatchContent& batch, std::span<AppendResult> results) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      results[i] = append(OneOfBatch(batch, i));
    }
  }

 protected:
  // Record `index` of a batch as a RecordContent.
  class OneOfBatch final : public RecordContent {
   public:
    OneOfBatch(const RecordBatchContent& batch, std::size_t index) : batch_(batch), index_(index) {}
    void write(std::uint64_t sequence, std::string& out) const override {
      batch_.write(index_, sequence, out);
    }

   private:
    const RecordBatchContent& batch_;
    std::size_t index_;
  };
};

}  // namespace canhose::record
