#include "ingest/queue_ingest_sink.hpp"

#include "ingest/firehose_ingest_api.hpp"
#include "queue/pending_store.hpp"

namespace canhose::ingest {

QueueIngestSink::QueueIngestSink(queue::Queue& queue)
    : queue_(queue), record_id_prefix_(new_record_id_prefix()) {}

void QueueIngestSink::append(std::span<const std::span<const std::byte>> records,
                             std::span<std::uint64_t> seqs) {
  std::size_t i = 0;
  while (i < records.size()) {
    const queue::Queue::BatchResult batch = queue_.append_batch(records.subspan(i));
    for (std::size_t k = 0; k < batch.count; ++k) {
      seqs[i + k] = batch.first_seq + k;
    }
    i += batch.count;
    if (i == records.size()) {
      return;
    }
    // append_batch() stopped at records[i]: a small record there is refused (queue or
    // memory full), and so is the rest of the call, so that a producer that resends the
    // refused records keeps their order. A large one was not copied under the queue's
    // lock: offer() takes it, or refuses it, and the call stops there too. The producer
    // retries what is refused (ServiceUnavailableException): nothing counts as dropped.
    if (records[i].size() <= queue::PendingStore::kMaxPackedBytes) {
      break;
    }
    seqs[i] = queue_.offer(records[i]).seq;
    if (seqs[i] == 0) {
      break;
    }
    ++i;
  }
  for (; i < records.size(); ++i) {
    seqs[i] = 0;
  }
}

void QueueIngestSink::async_wait_durable(std::uint64_t seq,
                                         std::function<void(std::error_code)> handler) {
  // The contract a producer gets (README, "Send your own records"): fsync always, after
  // the fsync; interval, once written (a SIGKILL cannot lose it; a power cut within
  // queue.fsync_interval can), so a call is not held for up to that interval; never,
  // once written too (durable means written in that mode).
  if (queue_.options().fsync == queue::FsyncMode::interval) {
    queue_.async_wait_written(seq, std::move(handler));
  } else {
    queue_.async_wait_durable(seq, std::move(handler));
  }
}

}  // namespace canhose::ingest
