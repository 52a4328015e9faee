// OutgoingBatch and Firehose's 5 KB billing steps: packed records close at whole steps,
// take_partial_step() hands back exactly the lines past the last whole step, with the
// times they were read (explicit time points: nothing here reads a clock).

#include <gtest/gtest.h>

#include <random>

#include "delivery/outgoing_batch.hpp"

namespace canhose::delivery {
namespace {

using Clock = OutgoingBatch::Clock;
using namespace std::chrono_literals;

const Clock::time_point t0 = Clock::time_point(1000h);

std::string line(std::size_t n, char c = 'x') {
  return std::string(n - 1, c) + "\n";
}

TEST(OutgoingBatchBilling, PackBytesIsRoundedDownToWholeSteps) {
  OutgoingBatch b("s", 12'000);  // 10,240: two steps
  std::uint64_t seq = 0;
  for (int i = 0; i < 103; ++i) {
    ASSERT_TRUE(b.add(++seq, line(100)));
  }
  ASSERT_EQ(b.firehose_records(), 2u);
  EXPECT_EQ(b.records()[0].data.size(), 10'200u);  // 102 lines; the 103rd would pass 10,240
  OutgoingBatch small("s", 1000);                  // under one step: as given
  ASSERT_TRUE(small.add(1, line(600)));
  ASSERT_TRUE(small.add(2, line(400)));
  EXPECT_EQ(small.firehose_records(), 1u);
}

TEST(OutgoingBatchBilling, TheLinesPastTheLastWholeStepAreTakenWithTheirReadTimes) {
  OutgoingBatch b("s", 1'024'000);
  for (std::uint64_t i = 1; i <= 60; ++i) {  // one 100-byte line a second
    ASSERT_TRUE(b.add(i, line(100, static_cast<char>('a' + i % 26)), t0 + i * 1s));
  }
  const std::vector<OutgoingBatch::Line> tail = b.take_partial_step();
  ASSERT_EQ(tail.size(), 9u);
  EXPECT_EQ(tail.front().seq, 52u);
  EXPECT_EQ(tail.front().data, line(100, static_cast<char>('a' + 52 % 26)));
  EXPECT_EQ(tail.front().since, t0 + 52s);
  EXPECT_EQ(tail.back().seq, 60u);
  EXPECT_EQ(tail.back().since, t0 + 60s);
  ASSERT_EQ(b.firehose_records(), 1u);
  EXPECT_EQ(b.records()[0].data.size(), 5100u);
  EXPECT_EQ(b.records()[0].seqs.size(), 51u);
  EXPECT_EQ(b.queue_records(), 51u);
  EXPECT_EQ(b.payload_bytes(), 5100u);
  EXPECT_EQ(b.encoded_bytes(), b.body().size());
}

TEST(OutgoingBatchBilling, ARecordEndingOnAStepGivesNothingBack) {
  OutgoingBatch b("s", 1'024'000);
  for (std::uint64_t i = 1; i <= 40; ++i) {
    ASSERT_TRUE(b.add(i, line(256), t0));  // 40 x 256 = 10,240: two steps exactly
  }
  EXPECT_TRUE(b.take_partial_step().empty());
  EXPECT_EQ(b.queue_records(), 40u);
}

TEST(OutgoingBatchBilling, ALoneRecordUnderOneStepStays) {
  OutgoingBatch b("s", 1'024'000);
  for (std::uint64_t i = 1; i <= 10; ++i) {
    ASSERT_TRUE(b.add(i, line(100), t0));
  }
  EXPECT_TRUE(b.take_partial_step().empty()) << "the batch would be empty";
  EXPECT_EQ(b.queue_records(), 10u);
}

TEST(OutgoingBatchBilling, ALastRecordUnderOneStepIsTakenWholeWhenOthersGo) {
  OutgoingBatch b("s", 5120);  // one step per record
  for (std::uint64_t i = 1; i <= 56; ++i) {
    ASSERT_TRUE(b.add(i, line(100), t0 + i * 1s));
  }
  ASSERT_EQ(b.firehose_records(), 2u);  // 51 lines, then 5
  const auto tail = b.take_partial_step();
  ASSERT_EQ(tail.size(), 5u);
  EXPECT_EQ(tail.front().seq, 52u);
  EXPECT_EQ(b.firehose_records(), 1u);
  EXPECT_EQ(b.queue_records(), 51u);
  EXPECT_EQ(b.encoded_bytes(), b.body().size());
}

TEST(OutgoingBatchBilling, UnpackedOrUnterminatedRecordsAreNeverCut) {
  OutgoingBatch unpacked("s", 0);
  OutgoingBatch unterminated("s", 1'024'000);
  for (std::uint64_t i = 1; i <= 60; ++i) {
    ASSERT_TRUE(unpacked.add(i, line(100)));
    ASSERT_TRUE(unterminated.add(i, std::string(100, 'u')));
  }
  EXPECT_TRUE(unpacked.take_partial_step().empty());
  EXPECT_TRUE(unterminated.take_partial_step().empty());
}

// Any mix of line sizes: the batch and the lines taken are the lines added, in order;
// the sizes stay exact; the record that was cut wastes less than the line after it.
TEST(OutgoingBatchBilling, TakingKeepsEveryLineOnceInOrderAndWastesLessThanALine) {
  std::mt19937 random(15);
  for (int round = 0; round < 300; ++round) {
    const std::uint64_t pack = std::uniform_int_distribution<std::uint64_t>(1024, 40'000)(random);
    OutgoingBatch b("s", pack);
    std::string all;
    std::uint64_t seq = 0;
    const int n = std::uniform_int_distribution<int>(1, 120)(random);  // one to dozens of records
    for (int i = 0; i < n; ++i) {
      const std::size_t size = std::uniform_int_distribution<std::size_t>(1, 7000)(random);
      ++seq;
      const std::string l = line(size, static_cast<char>('a' + seq % 26));
      if (!b.add(seq, l, t0 + seq * 1ms)) {
        break;
      }
      all += l;
    }
    const std::size_t records_before = b.firehose_records();
    const std::vector<OutgoingBatch::Line> tail = b.take_partial_step();
    std::string kept;
    std::uint64_t next_seq = 1;
    for (const FirehoseRecord& r : b.records()) {
      kept += r.data;
      for (std::uint64_t s : r.seqs) {
        ASSERT_EQ(s, next_seq++);
      }
    }
    for (const OutgoingBatch::Line& l : tail) {
      ASSERT_EQ(l.seq, next_seq++);
      EXPECT_EQ(l.since, t0 + l.seq * 1ms);
      kept += l.data;
    }
    ASSERT_EQ(kept, all) << "round " << round;
    ASSERT_EQ(b.encoded_bytes(), b.body().size());
    if (!tail.empty() && b.firehose_records() == records_before) {
      const std::size_t size = b.records().back().data.size();
      const std::size_t billed = (size + billing_step_bytes - 1) / billing_step_bytes * 5120;
      EXPECT_LT(billed - size, tail.front().data.size()) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace canhose::delivery
