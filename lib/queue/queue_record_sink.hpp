#pragma once

#include <string>

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

 private:
  Queue& queue_;
  std::string buffer_;  // reused: no allocation per record once warm
};

}  // namespace canhose::queue
