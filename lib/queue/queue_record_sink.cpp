#include "queue/queue_record_sink.hpp"

namespace canhose::queue {

record::AppendResult QueueRecordSink::append(const record::RecordContent& content) {
  const std::uint64_t seq = queue_.next_sequence();
  buffer_.clear();
  content.write(seq, buffer_);
  const AppendResult result = queue_.append(buffer_);
  if (!result.accepted()) {
    // The queue counted and logged the drop; the builder counts the refusal.
    return {std::make_error_code(std::errc::no_buffer_space), 0};
  }
  return {{}, result.seq};
}

}  // namespace canhose::queue
