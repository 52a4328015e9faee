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

#include <cstdint>
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

struct AppendResult {
  std::error_code error;
  std::uint64_t sequence = 0;  // valid when !error
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual AppendResult append(const RecordContent& content) = 0;
};

}  // namespace canhose::record
