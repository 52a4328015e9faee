#include "queue/pending_store.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace canhose::queue {
namespace {

constexpr std::size_t kInitialRing = 1024;
// A ring grown by a burst is given back once the store is empty again.
constexpr std::size_t kKeptRing = 16 * 1024;

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
  // Back to back (as the record sink writes them) and small enough for one chunk: one copy.
  const std::byte* begin = payloads.front().data();
  const std::byte* end = begin;
  bool contiguous = true;
  for (const auto& p : payloads) {
    assert(p.size() <= kMaxPackedBytes);
    contiguous &= p.data() == end;
    end = p.data() + p.size();
  }
  const auto total = static_cast<std::size_t>(end - begin);
  if (!contiguous || total > kChunkBytes) {
    std::uint64_t seq = first_seq;
    for (const auto& p : payloads) {
      push_back(seq++, p);
    }
    return;
  }
  std::byte* at = room_for(total);
  if (total > 0) {
    std::memcpy(at, begin, total);
  }
  std::uint64_t seq = first_seq;
  for (const auto& p : payloads) {
    push_record({seq++, at + (p.data() - begin), p.size()});
  }
  chunks_.back().end_seq = seq;
}

void PendingStore::push_back_owned(std::uint64_t seq, std::unique_ptr<std::byte[]> buffer,
                                   std::size_t size) {
  push_record({seq, buffer.get(), size});
  owned_.push_back({seq, size, std::move(buffer)});
  owned_bytes_ += size;
}

void PendingStore::grow() {
  std::vector<Record> bigger(ring_.size() * 2);
  for (std::size_t i = 0; i < count_; ++i) {
    bigger[i] = (*this)[i];
  }
  ring_ = std::move(bigger);
  head_ = 0;
}

void PendingStore::pop_front(std::size_t n) {
  assert(n <= count_);
  if (n == 0) {
    return;
  }
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
  if (count_ == 0) {
    head_ = 0;
    if (ring_.size() > kKeptRing) {
      ring_ = std::vector<Record>(kInitialRing);
    }
  }
}

std::uint64_t PendingStore::allocated_bytes() const {
  return ring_.size() * sizeof(Record) + (chunks_.size() + spare_.size()) * kChunkBytes +
         owned_bytes_;
}

}  // namespace canhose::queue
