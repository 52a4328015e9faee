// Queue::append_batch on real files: dense sequence numbers shared with append(), the
// same bounds and memory accounting per record, and the stop at the first record that
// append() would refuse (or copy outside the lock), leaving the drop to append().

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "queue/posix_file_system.hpp"
#include "queue_fixture.hpp"
#include "support/fault_injecting_file_system.hpp"

namespace canhose::queue {
namespace {

using testing::payload_for;

class QueueBatchTest : public testing::QueueFixture {
 protected:
  // Payloads for records first..first+n-1 (content from payload_for) and their spans.
  struct Batch {
    std::vector<std::string> texts;
    std::vector<std::span<const std::byte>> spans;
  };
  static Batch make_batch(std::uint64_t first, std::size_t n, std::size_t size) {
    Batch b;
    b.texts.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      b.texts.push_back(payload_for(first + i, size));
    }
    for (const auto& t : b.texts) {
      b.spans.push_back(std::as_bytes(std::span(t.data(), t.size())));
    }
    return b;
  }
};

TEST_F(QueueBatchTest, BatchesAndSingleAppendsShareOneDenseOrderedSequence) {
  open();
  std::vector<std::string> expected;
  std::uint64_t n = 0;
  for (int round = 0; round < 20; ++round) {
    const std::string single = payload_for(n++, 80);
    const auto r = queue_->append(std::string_view(single));
    ASSERT_TRUE(r.accepted());
    EXPECT_EQ(expected.size() + 1, r.seq);
    expected.push_back(single);

    const std::size_t count = static_cast<std::size_t>(1 + round % 32);
    Batch b = make_batch(n, count, 40 + static_cast<std::size_t>(round) * 10);
    n += count;
    EXPECT_EQ(expected.size() + 1, queue_->next_sequence());
    const auto br = queue_->append_batch(b.spans);
    ASSERT_EQ(count, br.count);
    EXPECT_EQ(expected.size() + 1, br.first_seq);
    expected.insert(expected.end(), b.texts.begin(), b.texts.end());
    EXPECT_EQ(expected.size() + 1, queue_->next_sequence());
  }
  ASSERT_TRUE(wait_durable(expected.size()));
  const auto all = drain(true);
  ASSERT_EQ(expected.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(i + 1, all[i].seq);
    EXPECT_EQ(expected[i],
              std::string(reinterpret_cast<const char*>(all[i].data.data()), all[i].data.size()));
  }
}

TEST_F(QueueBatchTest, EmptyBatchAppendsNothing) {
  open();
  const auto r = queue_->append_batch({});
  EXPECT_EQ(0U, r.count);
  EXPECT_EQ(1U, queue_->next_sequence());
  EXPECT_TRUE(queue_->append(std::string_view("after")).accepted());
  ASSERT_TRUE(wait_durable(1));
  EXPECT_EQ(1U, drain(false).size());
}

TEST_F(QueueBatchTest, BatchStopsAtTheFirstRecordTheMemoryBufferCannotHoldAndCountsNoDrop) {
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;  // the smallest allowed: 2,097,152
  auto fs = std::make_shared<FaultInjectingFileSystem>(std::make_shared<PosixFileSystem>());
  open(fs);
  fs->fail_creates(std::errc::io_error);  // nothing leaves memory
  const std::string largest(1'024'000, 'x');
  ASSERT_TRUE(queue_->append(std::string_view(largest)).accepted());
  ASSERT_TRUE(queue_->append(std::string_view(largest)).accepted());
  // 49,152 bytes left: 491 records of 100 bytes fit, exactly as with append().
  Batch b = make_batch(0, 600, 100);
  const auto r = queue_->append_batch(b.spans);
  EXPECT_EQ(491U, r.count);
  EXPECT_EQ(3U, r.first_seq);
  auto m = queue_->metrics();
  EXPECT_EQ(2'048'000U + 49'100U, m.memory_bytes);
  EXPECT_EQ(0U, m.dropped(DropReason::memory_full));
  EXPECT_EQ(494U, queue_->next_sequence());
  // The caller hands the rest to append(), which drops and counts each one.
  for (std::size_t i = r.count; i < b.spans.size(); ++i) {
    EXPECT_EQ(DropReason::memory_full, queue_->append(b.spans[i]).dropped);
  }
  m = queue_->metrics();
  EXPECT_EQ(600U - 491U, m.dropped(DropReason::memory_full));
  EXPECT_EQ(2'048'000U + 49'100U, m.memory_bytes);
  // A batch whose first record does not fit appends nothing; a smaller one still fits.
  Batch more = make_batch(1000, 4, 100);
  EXPECT_EQ(0U, queue_->append_batch(more.spans).count);
  Batch tiny = make_batch(2000, 1, 52);
  EXPECT_EQ(1U, queue_->append_batch(tiny.spans).count);
  EXPECT_EQ(options_.memory_buffer_bytes, queue_->metrics().memory_bytes);
  fs->clear();
  ASSERT_TRUE(wait_durable(494));
  const auto all = drain(true);
  ASSERT_EQ(494U, all.size());
  EXPECT_EQ(494U, all.back().seq);
  EXPECT_EQ(52U, all.back().data.size());
  EXPECT_EQ(0U, queue_->metrics().memory_bytes);
}

TEST_F(QueueBatchTest, BatchLeavesLargeRecordsToAppend) {
  open();
  const std::string small1 = payload_for(1, 50);
  const std::string large = payload_for(2, 5000);
  const std::string small2 = payload_for(3, 50);
  const std::vector<std::span<const std::byte>> spans = {
      std::as_bytes(std::span(small1.data(), small1.size())),
      std::as_bytes(std::span(large.data(), large.size())),
      std::as_bytes(std::span(small2.data(), small2.size()))};
  const auto r = queue_->append_batch(spans);
  EXPECT_EQ(1U, r.count);
  EXPECT_EQ(2U, queue_->append(spans[1]).seq);
  EXPECT_EQ(3U, queue_->append_batch(std::span(spans).subspan(2)).first_seq);
  ASSERT_TRUE(wait_durable(3));
  const auto all = drain(true);
  ASSERT_EQ(3U, all.size());
  EXPECT_EQ(5000U, all[1].data.size());
}

TEST_F(QueueBatchTest, BatchAfterCloseAppendsNothing) {
  open();
  queue_->close();
  Batch b = make_batch(0, 4, 30);
  EXPECT_EQ(0U, queue_->append_batch(b.spans).count);
  EXPECT_EQ(0U, queue_->metrics().dropped(DropReason::closed));
}

TEST_F(QueueBatchTest, DropNewestBoundAppliesToEachRecordOfABatch) {
  options_.when_full = WhenFull::drop_newest;
  options_.max_bytes = 4ULL * 1024 * 1024;
  options_.memory_buffer_bytes = 2ULL * 1024 * 1024;
  options_.fsync = FsyncMode::never;  // retention does not depend on fsync; keeps it quick
  open();
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;
  std::uint64_t batched = 0;
  for (int i = 0; i < 1000 && refused == 0; ++i) {
    Batch b = make_batch(accepted + refused, 32, 200);  // small: the batch path
    const auto r = queue_->append_batch(b.spans);
    EXPECT_EQ(accepted + 1, r.first_seq);
    accepted += r.count;
    batched += r.count;
    for (std::size_t k = r.count; k < b.spans.size(); ++k) {
      const auto single = queue_->append(b.spans[k]);
      if (single.accepted()) {
        ++accepted;
      } else {
        ++refused;
      }
    }
    ASSERT_TRUE(wait_durable(accepted));
  }
  EXPECT_GT(refused, 0U);
  EXPECT_GT(batched, accepted / 2);  // most records went through the batch path
  const auto m = queue_->metrics();
  EXPECT_EQ(refused, m.dropped(DropReason::queue_full_newest));
  EXPECT_LE(m.bytes_queued, options_.max_bytes);
  const auto all = drain(true);
  ASSERT_EQ(accepted, all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(i + 1, all[i].seq);
  }
}

}  // namespace
}  // namespace canhose::queue
