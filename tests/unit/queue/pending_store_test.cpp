// PendingStore: the queue's in-memory records. Their bytes come back exactly and in
// order whatever mix of sizes, batches and own buffers went in; a record's bytes never
// move while it is held (the worker reads them without the lock); emptied chunks are
// reused, so a steady stream allocates nothing, and what is allocated stays within the
// documented bound of what is held.

#include "queue/pending_store.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace canhose::queue {
namespace {

std::string text_for(std::uint64_t seq, std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    s[i] = static_cast<char>('a' + (seq * 31 + i * 7) % 26);
  }
  return s;
}

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

std::string text_of(const PendingStore::Record& r) {
  return std::string(reinterpret_cast<const char*>(r.data), r.size);
}

constexpr std::size_t kSpare = 2 * 1024 * 1024;

// What the header promises: chunks hold at most 1/15 more than their packed records, plus
// the chunk being filled; on top come the spare chunks, own buffers and the ring.
std::uint64_t allowed(const PendingStore& store, std::uint64_t ring_bytes) {
  return store.bytes() + store.bytes() / 15 + 2 * PendingStore::kChunkBytes + kSpare + ring_bytes;
}

TEST(PendingStore, MixedSizesBatchesAndOwnBuffersComeBackExactlyInOrder) {
  PendingStore store(kSpare);
  std::mt19937 rng(7);
  std::deque<std::string> expected;
  std::uint64_t next = 1;
  std::uint64_t front = 1;
  std::uint64_t held_bytes = 0;
  for (int round = 0; round < 4000; ++round) {
    const int kind = static_cast<int>(rng() % 10);
    if (kind < 5) {  // one record, 0..4096 bytes
      const std::size_t size = rng() % (PendingStore::kMaxPackedBytes + 1);
      expected.push_back(text_for(next, size));
      store.push_back(next++, bytes_of(expected.back()));
      held_bytes += size;
    } else if (kind < 8) {  // a batch, back to back in one buffer or scattered
      const std::size_t n = 1 + rng() % 40;
      const bool contiguous = kind < 7;
      std::string joined;
      std::vector<std::string> parts;
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t size = rng() % 200;
        parts.push_back(text_for(next + i, size));
        joined += parts.back();
      }
      std::vector<std::span<const std::byte>> spans;
      std::size_t at = 0;
      for (const auto& part : parts) {
        spans.push_back(contiguous ? bytes_of(joined).subspan(at, part.size()) : bytes_of(part));
        at += part.size();
      }
      store.push_back_batch(next, spans);
      for (auto& part : parts) {
        held_bytes += part.size();
        expected.push_back(std::move(part));
      }
      next += n;
    } else {  // an own buffer, up to 64 KiB
      const std::size_t size = rng() % (64 * 1024);
      expected.push_back(text_for(next, size));
      auto buffer = std::make_unique<std::byte[]>(size);
      std::memcpy(buffer.get(), expected.back().data(), size);
      store.push_back_owned(next++, std::move(buffer), size);
      held_bytes += size;
    }
    ASSERT_EQ(held_bytes, store.bytes());
    if (rng() % 3 == 0 && !store.empty()) {
      const std::size_t n = 1 + rng() % store.size();
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(front, store[i].seq);
        ASSERT_EQ(expected.front(), text_of(store[i])) << "record " << front;
        held_bytes -= expected.front().size();
        expected.pop_front();
        ++front;
      }
      store.pop_front(n);
      ASSERT_EQ(held_bytes, store.bytes());
    }
  }
  ASSERT_EQ(expected.size(), store.size());
  for (std::size_t i = 0; i < store.size(); ++i) {
    ASSERT_EQ(expected[i], text_of(store[i]));
  }
  store.clear();
  EXPECT_TRUE(store.empty());
  EXPECT_EQ(0U, store.bytes());
}

TEST(PendingStore, ARecordsBytesStayPutWhileMoreArePushedAndOthersPopped) {
  PendingStore store(kSpare);
  std::uint64_t seq = 1;
  for (; seq <= 2000; ++seq) {  // 200 KB: four chunks
    store.push_back(seq, bytes_of(text_for(seq, 100)));
  }
  const std::byte* held = store[1499].data;  // record 1500, in the third chunk
  // Older chunks empty and go back to the spare list, pushing reuses them, the ring grows
  // (it started at 1,024 entries): record 1500 must not move.
  store.pop_front(1499);
  for (; seq <= 60'000; ++seq) {
    store.push_back(seq, bytes_of(text_for(seq, 100)));
  }
  ASSERT_EQ(1500U, store.front().seq);
  ASSERT_EQ(held, store.front().data);
  for (; seq <= 70'000; ++seq) {
    store.push_back(seq, bytes_of(text_for(seq, 100)));
  }
  ASSERT_EQ(held, store.front().data);
  EXPECT_EQ(text_for(1500, 100), text_of(store.front()));
  EXPECT_EQ(text_for(69'999, 100), text_of(store[store.size() - 2]));
}

TEST(PendingStore, LargeBatchesStayWithinTheBound) {
  // Batches of 35-60 KiB, back to back as the record sink writes them: a batch that does
  // not fit in what is left of a chunk must not leave the rest of that chunk unused.
  PendingStore store(kSpare);
  std::uint64_t next = 1;
  for (int batch = 0; batch < 200; ++batch) {
    const std::size_t n = 500 + static_cast<std::size_t>(batch % 7) * 50;
    std::string joined;
    for (std::size_t i = 0; i < n; ++i) {
      joined += text_for(next + i, 70 + i % 30);
    }
    std::vector<std::span<const std::byte>> spans;
    std::size_t at = 0;
    for (std::size_t i = 0; i < n; ++i) {
      spans.push_back(bytes_of(joined).subspan(at, 70 + i % 30));
      at += 70 + i % 30;
    }
    store.push_back_batch(next, spans);
    next += n;
    // Nothing popped, no own buffers: all of it is packed in the chunks in use.
    ASSERT_LE(store.chunks_in_use() * PendingStore::kChunkBytes,
              store.bytes() + store.bytes() / 15 + PendingStore::kChunkBytes)
        << "batch " << batch << ", " << store.bytes() << " bytes held";
  }
  for (std::size_t i = 0; i < store.size(); i += 997) {
    ASSERT_EQ(text_for(store[i].seq, store[i].size), text_of(store[i]));
  }
}

TEST(PendingStore, ABurstsRingIsGivenBackWhileTrafficContinues) {
  PendingStore store(kSpare);
  const std::uint64_t idle = store.allocated_bytes();
  const std::string t = text_for(0, 20);
  std::uint64_t seq = 1;
  for (; seq <= 300'000; ++seq) {  // an outage's backlog of small records
    store.push_back(seq, bytes_of(t));
  }
  const std::uint64_t burst = store.allocated_bytes();
  // Traffic goes on while the backlog drains, then for a while after (the ring shrinks
  // after 64 pops with far fewer records held); the store never becomes empty.
  for (int round = 0; round < 200 || store.size() > 200; ++round) {
    store.pop_front(std::min<std::size_t>(store.size() - 100, 5000));
    for (int i = 0; i < 100; ++i) {
      store.push_back(seq++, bytes_of(t));
    }
  }
  EXPECT_GT(burst, idle + 300'000 * sizeof(PendingStore::Record));
  // Left: a ring of at most 16,384 entries (kept whatever it holds), the spare chunks,
  // and at most two chunks in use (what is held may straddle a chunk boundary). The
  // burst's ring of 524,288 entries (12 MiB) is gone.
  EXPECT_LE(store.allocated_bytes(),
            16'384 * sizeof(PendingStore::Record) + kSpare + 2 * PendingStore::kChunkBytes);
  EXPECT_FALSE(store.empty());
}

TEST(PendingStore, ASteadyStreamReusesItsChunksAndStaysWithinTheBound) {
  PendingStore store(kSpare);
  std::uint64_t next = 1;
  std::uint64_t steady = 0;
  for (int round = 0; round < 2000; ++round) {
    // The shape of raw capture: batches of 60-byte records, made durable in groups.
    std::string joined;
    std::vector<std::size_t> ends;
    for (int i = 0; i < 32; ++i) {
      joined += text_for(next + static_cast<std::uint64_t>(i), 60);
      ends.push_back(joined.size());
    }
    std::vector<std::span<const std::byte>> spans;
    std::size_t begin = 0;
    for (const std::size_t end : ends) {
      spans.push_back(bytes_of(joined).subspan(begin, end - begin));
      begin = end;
    }
    store.push_back_batch(next, spans);
    next += 32;
    if (store.size() >= 32 * 50) {
      store.pop_front(store.size());
    }
    // At most 1,600 records held: a ring of 2,048.
    ASSERT_LE(store.allocated_bytes(), allowed(store, 2048 * sizeof(PendingStore::Record)));
    if (round == 500) {
      steady = store.allocated_bytes();
    }
    if (round > 500) {
      ASSERT_EQ(steady, store.allocated_bytes()) << "round " << round;
    }
  }
}

TEST(PendingStore, ABurstsChunksAreFreedOnceDrained) {
  PendingStore store(kSpare);
  const std::uint64_t idle = store.allocated_bytes();
  const std::string t = text_for(0, 100);
  for (std::uint64_t seq = 1; seq <= 40'000; ++seq) {  // 4 MB in 40,000 records
    store.push_back(seq, bytes_of(t));
  }
  ASSERT_LE(store.allocated_bytes(), allowed(store, 65'536 * sizeof(PendingStore::Record)));
  ASSERT_GT(store.allocated_bytes(), idle + 4'000'000);
  store.clear();
  // What remains: the ring (given back later, see the next test), the spare chunks (up to
  // kSpare) and the emptied chunk; the other ~60 chunks are freed.
  EXPECT_LE(store.allocated_bytes(),
            65'536 * sizeof(PendingStore::Record) + kSpare + PendingStore::kChunkBytes);
}

TEST(PendingStore, BatchLargerThanAChunkAndEmptyRecords) {
  PendingStore store(kSpare);
  std::string joined;
  std::vector<std::size_t> sizes;
  for (int i = 0; i < 100; ++i) {  // 100 x 0..4096 bytes: about 200 KiB, several chunks
    sizes.push_back(i % 10 == 0 ? 0 : static_cast<std::size_t>(i) * 40);
    joined += text_for(static_cast<std::uint64_t>(i) + 1, sizes.back());
  }
  std::vector<std::span<const std::byte>> spans;
  std::size_t at = 0;
  for (const std::size_t size : sizes) {
    spans.push_back(bytes_of(joined).subspan(at, size));
    at += size;
  }
  ASSERT_GT(joined.size(), PendingStore::kChunkBytes);
  store.push_back_batch(1, spans);
  ASSERT_EQ(100U, store.size());
  for (std::size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(i + 1, store[i].seq);
    EXPECT_EQ(text_for(i + 1, sizes[i]), text_of(store[i]));
  }
  store.pop_front(100);
  EXPECT_EQ(0U, store.bytes());
}

}  // namespace
}  // namespace canhose::queue
