#pragma once
// The records a Queue has accepted and not yet made durable, oldest first.
//
// Small records (up to kMaxPackedBytes) are packed back to back in chunks of kChunkBytes:
// appending one is a copy, with no allocation once a chunk is at hand, and a chunk is
// reused as a whole once every record in it has been popped. A chunk is left for a new
// one only when the next record does not fit, so at most kMaxPackedBytes of a chunk are
// ever unused: the chunks hold at most 1/15 more than their records, plus the chunk being
// filled. Larger records keep a buffer of their own, which the caller can fill before
// taking the queue's lock (push_back_owned).
//
// Threads: the Queue calls every member with its mutex held. A record's bytes stay at the
// same address until the record is popped, and pushing never moves them, so the worker
// may read the records it picked under the lock after releasing it while the loop keeps
// appending.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

namespace canhose::queue {

class PendingStore {
 public:
  static constexpr std::size_t kChunkBytes = 64 * 1024;
  static constexpr std::size_t kMaxPackedBytes = 4 * 1024;

  struct Record {
    std::uint64_t seq = 0;
    const std::byte* data = nullptr;
    std::size_t size = 0;
    std::span<const std::byte> bytes() const { return {data, size}; }
  };

  // Up to `max_spare_bytes` of emptied chunks are kept for reuse (at least one chunk).
  explicit PendingStore(std::size_t max_spare_bytes);
  PendingStore(const PendingStore&) = delete;
  PendingStore& operator=(const PendingStore&) = delete;

  // Copies a record of at most kMaxPackedBytes into a chunk. Sequence numbers increase
  // from one record to the next.
  void push_back(std::uint64_t seq, std::span<const std::byte> payload);
  // The same for records first_seq, first_seq + 1, ...: one copy when their bytes lie
  // back to back and fit in what is left of the chunk being filled.
  void push_back_batch(std::uint64_t first_seq,
                       std::span<const std::span<const std::byte>> payloads);
  // Takes a record already in a buffer of its own (any size).
  void push_back_owned(std::uint64_t seq, std::unique_ptr<std::byte[]> buffer, std::size_t size);
  // Forgets the n oldest records (n <= size()); a chunk is kept for reuse (or freed) once
  // its last record goes.
  void pop_front(std::size_t n = 1);
  void clear() { pop_front(count_); }

  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  const Record& front() const { return (*this)[0]; }
  const Record& operator[](std::size_t i) const { return ring_[(head_ + i) & (ring_.size() - 1)]; }
  // Payload bytes of the records held (what the memory bound counts).
  std::uint64_t bytes() const { return bytes_; }
  // Bytes allocated for them: the record index, chunks in use or spare, own buffers.
  std::uint64_t allocated_bytes() const;
  // Chunks holding records or being filled (the bound above is on these).
  std::size_t chunks_in_use() const { return chunks_.size(); }

 private:
  struct Chunk {
    std::unique_ptr<std::byte[]> bytes;
    std::size_t used = 0;
    std::uint64_t end_seq = 0;  // one past the last record put in it
  };
  struct Owned {
    std::uint64_t seq = 0;
    std::size_t size = 0;
    std::unique_ptr<std::byte[]> buffer;
  };
  // `size` bytes in the chunk being filled (a new one when they do not fit there).
  std::byte* room_for(std::size_t size);
  void push_record(const Record& r) {
    if (count_ == ring_.size()) {
      resize_ring(ring_.size() * 2);
    }
    ring_[(head_ + count_) & (ring_.size() - 1)] = r;
    ++count_;
    bytes_ += r.size;
  }
  void resize_ring(std::size_t size);  // a power of two >= count_

  // The records, oldest first, in a ring whose size is a power of two.
  std::vector<Record> ring_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::uint64_t bytes_ = 0;
  std::size_t peak_count_ = 0;  // most records held since the last shrink check
  std::size_t pops_since_check_ = 0;
  std::deque<Chunk> chunks_;  // in record order; only the back one is being filled
  std::deque<Owned> owned_;   // own buffers, in record order
  std::uint64_t owned_bytes_ = 0;
  std::vector<std::unique_ptr<std::byte[]>> spare_;
  std::size_t max_spare_chunks_;
};

}  // namespace canhose::queue
