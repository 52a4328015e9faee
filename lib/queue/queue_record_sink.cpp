#include "queue/queue_record_sink.hpp"

#include <cassert>

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

void QueueRecordSink::append_batch(const record::RecordBatchContent& batch,
                                   std::span<record::AppendResult> results) {
  const std::size_t n = batch.size();
  const std::uint64_t first = queue_.next_sequence();
  batch_text_.clear();
  batch_ends_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    batch.write(i, first + i, batch_text_);
    batch_ends_.push_back(batch_text_.size());
  }
  batch_spans_.clear();
  const auto* text = reinterpret_cast<const std::byte*>(batch_text_.data());
  std::size_t begin = 0;
  for (const std::size_t end : batch_ends_) {
    batch_spans_.emplace_back(text + begin, end - begin);
    begin = end;
  }
  const Queue::BatchResult r = queue_.append_batch(batch_spans_);
  // Only this thread appends, so the batch starts at the sequence its texts were written
  // with (a second appender would break record ids: caught here in debug builds).
  assert(r.count == 0 || r.first_seq == first);
  for (std::size_t i = 0; i < r.count; ++i) {
    results[i] = {{}, r.first_seq + i};
  }
  for (std::size_t i = r.count; i < n; ++i) {
    results[i] = append(OneOfBatch(batch, i));
  }
}

}  // namespace canhose::queue
