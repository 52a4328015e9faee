#include "ingest/queue_ingest_sink.hpp"

#include "ingest/firehose_ingest_api.hpp"

namespace canhose::ingest {

QueueIngestSink::QueueIngestSink(queue::Queue& queue)
    : queue_(queue), record_id_prefix_(new_record_id_prefix()) {}

void QueueIngestSink::append(std::span<const std::span<const std::byte>> records,
                             std::span<std::uint64_t> seqs) {
  const queue::Queue::BatchResult batch = queue_.append_batch(records);
  for (std::size_t i = 0; i < batch.count; ++i) {
    seqs[i] = batch.first_seq + i;
  }
  for (std::size_t i = batch.count; i < records.size(); ++i) {
    seqs[i] = queue_.append(records[i]).seq;  // 0 when refused
  }
}

void QueueIngestSink::async_wait_durable(std::uint64_t seq,
                                         std::function<void(std::error_code)> handler) {
  queue_.async_wait_durable(seq, std::move(handler));
}

}  // namespace canhose::ingest
