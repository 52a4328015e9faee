#pragma once
// IngestSink over the durable queue: records go through Queue::append_batch (one lock for
// the whole call) and, from the first record it stops at, Queue::append one by one, which
// applies the drop policy and counts each refusal. A refused record is refused to the
// producer too (ServiceUnavailableException): under drop_newest the queue keeps what it
// has; under drop_oldest it accepts new records and drops (and counts) the oldest.

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
