#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "queue/queue.hpp"
#include "record/record_sink.hpp"

namespace canhose::queue {

// Lets the record builder write into the queue: the record's id is the sequence number
// the queue gives it, so the content is written knowing that number (record_sink.hpp).
// Loop thread only, like Queue::append.
class QueueRecordSink final : public record::RecordSink {
 public:
  explicit QueueRecordSink(Queue& queue) : queue_(queue) {}
  record::AppendResult append(const record::RecordContent& content) override;
  // Writes every record's text with the sequence it will get if all are accepted and
  // appends them with Queue::append_batch (one lock). From the first record the queue
  // stops at, the rest go through append() one by one (each refused, dropped and counted
  // as by append(); the later ones written again with their real sequence).
  void append_batch(const record::RecordBatchContent& batch,
                    std::span<record::AppendResult> results) override;

 private:
  Queue& queue_;
  std::string buffer_;  // reused: no allocation per record once warm
  // append_batch()'s reused buffers: the texts back to back, where each ends, the spans.
  std::string batch_text_;
  std::vector<std::size_t> batch_ends_;
  std::vector<std::span<const std::byte>> batch_spans_;
};

}  // namespace canhose::queue
