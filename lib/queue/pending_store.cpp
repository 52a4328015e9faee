#include "queue/pending_store.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

namespace canhose::queue {
namespace {

constexpr std::size_t kInitialRing = 1024;
// A ring up to this size is kept whatever it holds.
constexpr std::size_t kKeptRing = 16 * 1024;
constexpr std::size_t kPopsPerCheck = 64;

}  // namespace

PendingStore::PendingStore(std::size_t max_spare_bytes)
    : ring_(kInitialRing),
      max_spare_chunks_(std::max<std::size_t>(1, max_spare_bytes / kChunkBytes)) {}

std::byte* PendingStore::room_for(std::size_t size) {
  if (chunks_.empty() || kChunkBytes - chunks_.back().used < size) {
    Chunk c;
    if (!spare_.empty()) {
      c.bytes = std::move(spare_.back());
      spare_.pop_back();
    } else {
      c.bytes = std::make_unique_for_overwrite<std::byte[]>(kChunkBytes);
    }
    chunks_.push_back(std::move(c));
  }
  Chunk& c = chunks_.back();
  std::byte* at = c.bytes.get() + c.used;
  c.used += size;
  return at;
}

void PendingStore::push_back(std::uint64_t seq, std::span<const std::byte> payload) {
  assert(payload.size() <= kMaxPackedBytes);
  std::byte* at = room_for(payload.size());
  if (!payload.empty()) {
    std::memcpy(at, payload.data(), payload.size());
  }
  chunks_.back().end_seq = seq + 1;
  push_record({seq, at, payload.size()});
}

void PendingStore::push_back_batch(std::uint64_t first_seq,
                                   std::span<const std::span<const std::byte>> payloads) {
  if (payloads.empty()) {
    return;
  }
  // Back to back (as the record sink writes them) and room for all of them in the chunk
  // being filled: one copy. Otherwise record by record, which starts a new chunk only
  // where a record does not fit (the waste bound above).
  std::size_t total = 0;
  bool contiguous = true;
  for (const auto& p : payloads) {
    assert(p.size() <= kMaxPackedBytes);
    contiguous &= p.data() == payloads.front().data() + total;
    total += p.size();
  }
  if (!contiguous || chunks_.empty() || kChunkBytes - chunks_.back().used < total) {
    std::uint64_t seq = first_seq;
    for (const auto& p : payloads) {
      push_back(seq++, p);
    }
    return;
  }
  std::byte* at = room_for(total);
  if (total > 0) {
    std::memcpy(at, payloads.front().data(), total);
  }
  std::uint64_t seq = first_seq;
  for (const auto& p : payloads) {
    push_record({seq++, at, p.size()});
    at += p.size();
  }
  chunks_.back().end_seq = seq;
}

void PendingStore::push_back_owned(std::uint64_t seq, std::unique_ptr<std::byte[]> buffer,
                                   std::size_t size) {
  // The buffer is owned first: should the ring fail to grow, nothing points at freed memory.
  const std::byte* data = buffer.get();
  owned_.push_back({seq, size, std::move(buffer)});
  owned_bytes_ += size;
  try {
    push_record({seq, data, size});
  } catch (...) {
    owned_bytes_ -= size;
    owned_.pop_back();
    throw;
  }
}

void PendingStore::resize_ring(std::size_t size) {
  std::vector<Record> ring(size);
  for (std::size_t i = 0; i < count_; ++i) {
    ring[i] = (*this)[i];
  }
  ring_ = std::move(ring);
  head_ = 0;
}

void PendingStore::pop_front(std::size_t n) {
  assert(n <= count_);
  if (n == 0) {
    return;
  }
  peak_count_ = std::max(peak_count_, count_);
  const std::size_t mask = ring_.size() - 1;
  for (std::size_t i = 0; i < n; ++i) {
    bytes_ -= ring_[(head_ + i) & mask].size;
  }
  const std::uint64_t next_seq = ring_[(head_ + n - 1) & mask].seq + 1;  // oldest one left
  head_ = (head_ + n) & mask;
  count_ -= n;
  while (!owned_.empty() && owned_.front().seq < next_seq) {
    owned_bytes_ -= owned_.front().size;
    owned_.pop_front();
  }
  // Chunks all of whose records are gone: the oldest ones, except the one being filled.
  while (chunks_.size() > 1 && chunks_.front().end_seq <= next_seq) {
    if (spare_.size() < max_spare_chunks_) {
      spare_.push_back(std::move(chunks_.front().bytes));
    }
    chunks_.pop_front();
  }
  if (chunks_.size() == 1 && chunks_.front().end_seq <= next_seq) {
    chunks_.front().used = 0;  // the chunk being filled holds nothing: refill from the start
  }
  // A ring grown by a burst is given back once the store has held far less for a while
  // (kPopsPerCheck pops: a minute or so of group fsyncs), also under steady traffic. Not
  // sooner: between two fsyncs the store fills and empties, and shrinking at each empty
  // moment would only make the loop grow the ring again.
  if (++pops_since_check_ >= kPopsPerCheck) {
    if (ring_.size() > kKeptRing && peak_count_ * 4 <= ring_.size()) {
      resize_ring(std::max(kInitialRing, std::bit_ceil(peak_count_ * 2)));
    }
    pops_since_check_ = 0;
    peak_count_ = count_;
  }
}

std::uint64_t PendingStore::allocated_bytes() const {
  return ring_.size() * sizeof(Record) + (chunks_.size() + spare_.size()) * kChunkBytes +
         owned_bytes_;
}

}  // namespace canhose::queue
