#pragma once
// IngestSink over the durable queue: records go through Queue::append_batch (one lock for
// the whole call); a record too large to copy under the lock through Queue::offer. From the
// first refused record (queue full under drop_newest, memory buffer full, closed) the rest
// of the call is refused too, so the accepted records are a prefix and a producer that
// resends the refused ones keeps the order. Refused records go back to the producer
// (ServiceUnavailableException, which it retries): the queue counts no drop for them.
// Under drop_oldest a full queue refuses nothing: it drops (and counts) its oldest records.

#include <string>

#include "ingest/ingest_sink.hpp"
#include "queue/queue.hpp"

namespace canhose::ingest {

class QueueIngestSink final : public IngestSink {
 public:
  // `queue` must outlive this sink.
  explicit QueueIngestSink(queue::Queue& queue);

  void append(std::span<const std::span<const std::byte>> records,
              std::span<std::uint64_t> seqs) override;
  void async_wait_durable(std::uint64_t seq, std::function<void(std::error_code)> handler) override;
  std::string_view record_id_prefix() const override { return record_id_prefix_; }

 private:
  queue::Queue& queue_;
  std::string record_id_prefix_;
};

}  // namespace canhose::ingest
