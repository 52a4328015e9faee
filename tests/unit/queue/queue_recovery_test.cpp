// Opening a queue whose files were damaged: every kind of damaged tail in the newest
// segment is cut off and reported, damage in older segments costs only the damaged
// records, a missing or corrupt cursor means redelivery (never loss), and a segment or
// cursor from an unknown format version stops the queue from opening without touching it.

#include <gtest/gtest.h>

#include <array>

#include "queue/crc32c.hpp"
#include "queue/little_endian.hpp"
#include "queue/queue_format.hpp"
#include "queue_fixture.hpp"

namespace canhose::queue {
namespace {

using testing::payload_for;
using testing::slurp;
using testing::spit;

class QueueRecoveryTest : public testing::QueueFixture {
 protected:
  // Writes `n` records of `size` bytes and closes the queue (all durable).
  void write_and_close(int n, std::size_t size = 50) {
    open();
    append_n(n, size);
    EXPECT_TRUE(wait_durable(static_cast<std::uint64_t>(n)));
    close();
  }
  std::vector<std::uint64_t> seqs_after_reopen() {
    open();
    std::vector<std::uint64_t> out;
    for (const auto& r : drain(false)) {
      out.push_back(r.seq);
      EXPECT_EQ(payload_for(r.seq - 1, 50), testing::string_of(r.data)) << "seq " << r.seq;
    }
    return out;
  }
  static std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
    std::vector<std::uint64_t> v;
    for (auto s = from; s <= to; ++s) {
      v.push_back(s);
    }
    return v;
  }
  std::filesystem::path newest() { return testing::segment_files(options_.dir).back(); }
};

constexpr std::size_t kFrame = format::kFrameHeaderSize + 50;

TEST_F(QueueRecoveryTest, TruncatedAtEveryByteOfTheLastFramesKeepsEveryWholeRecord) {
  write_and_close(6);
  const auto seg = newest();
  const std::string full = slurp(seg);
  const std::string cursor = slurp(options_.dir / "cursor");
  ASSERT_EQ(format::kSegmentHeaderSize + 6 * kFrame, full.size());
  for (std::size_t cut = full.size() - 2 * kFrame; cut < full.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    // Start every round from the same damaged state: only the two segment files matter.
    close();
    std::filesystem::remove_all(options_.dir);
    std::filesystem::create_directories(options_.dir);
    spit(seg, full.substr(0, cut));
    const std::size_t whole = (cut - format::kSegmentHeaderSize) / kFrame;
    const auto got = seqs_after_reopen();
    EXPECT_EQ(range(1, whole), got);
    const auto& report = queue_->startup_report();
    const std::size_t torn = (cut - format::kSegmentHeaderSize) % kFrame;
    EXPECT_EQ(torn, report.corrupt_bytes);
    EXPECT_EQ(torn > 0 ? 1U : 0U, report.corrupt_records);
    EXPECT_EQ(format::kSegmentHeaderSize + whole * kFrame, std::filesystem::file_size(seg))
        << "the torn tail is truncated";
    // New records continue the sequence without reusing a number that was on disk.
    EXPECT_EQ(whole + 1, queue_->append(std::string_view("x")).seq);
  }
  (void)cursor;
}

TEST_F(QueueRecoveryTest, FlippedBitInTheLastRecordTruncatesOnlyThatRecord) {
  write_and_close(5);
  const auto seg = newest();
  std::string data = slurp(seg);
  data[data.size() - 7] ^= 0x01;
  spit(seg, data);
  EXPECT_EQ(range(1, 4), seqs_after_reopen());
  EXPECT_EQ(kFrame, queue_->startup_report().corrupt_bytes);
  EXPECT_EQ(1U, queue_->metrics().startup_corrupt_records);
  ASSERT_FALSE(queue_->startup_report().problems.empty());
  EXPECT_NE(std::string::npos, queue_->startup_report().problems[0].find("checksum mismatch"));
}

TEST_F(QueueRecoveryTest, FlippedBitsAnywhereInTheNewestSegmentLoseOnlyTheDamagedRecord) {
  write_and_close(4);
  const auto seg = newest();
  const std::string good = slurp(seg);
  for (std::size_t byte = format::kSegmentHeaderSize; byte < good.size(); byte += 7) {
    SCOPED_TRACE("byte " + std::to_string(byte));
    close();
    std::filesystem::remove_all(options_.dir);
    std::filesystem::create_directories(options_.dir);
    std::string bad = good;
    bad[byte] ^= 0x20;
    spit(seg, bad);
    const std::uint64_t damaged = (byte - format::kSegmentHeaderSize) / kFrame + 1;
    auto expected = range(1, 4);
    expected.erase(expected.begin() + static_cast<std::ptrdiff_t>(damaged - 1));
    if (damaged == 4) {
      expected = range(1, 3);
    }
    EXPECT_EQ(expected, seqs_after_reopen());
    EXPECT_EQ(kFrame, queue_->startup_report().corrupt_bytes);
  }
}

TEST_F(QueueRecoveryTest, ZeroedBlockAtTheEndIsTruncated) {
  write_and_close(5);
  const auto seg = newest();
  std::string data = slurp(seg);
  data.append(4096, '\0');  // file extended but the data never reached the disk
  spit(seg, data);
  EXPECT_EQ(range(1, 5), seqs_after_reopen());
  EXPECT_EQ(4096U, queue_->startup_report().corrupt_bytes);
  EXPECT_EQ(data.size() - 4096, std::filesystem::file_size(seg));
}

TEST_F(QueueRecoveryTest, ZeroedBlockInsideTheNewestSegmentResyncs) {
  write_and_close(10);
  const auto seg = newest();
  std::string data = slurp(seg);
  const std::size_t from = format::kSegmentHeaderSize + 2 * kFrame;
  std::fill_n(data.begin() + static_cast<std::ptrdiff_t>(from), 2 * kFrame, '\0');
  spit(seg, data);
  auto expected = range(1, 2);
  for (std::uint64_t s = 5; s <= 10; ++s) {
    expected.push_back(s);
  }
  EXPECT_EQ(expected, seqs_after_reopen());
  EXPECT_EQ(2U, queue_->startup_report().corrupt_records);
  EXPECT_EQ(2 * kFrame, queue_->startup_report().corrupt_bytes);
}

TEST_F(QueueRecoveryTest, CandidateFramesAtEveryByteAfterDamageCostOnlyTheDamagedRecord) {
  // Issue 14 (found by fuzzing): after a damaged frame in the newest segment, a plausible
  // header of a ~1 MB frame at every byte. Recovery must find the records after them
  // (hashing every candidate frame again took minutes: tests/bench/queue_resync_bench.cpp).
  std::filesystem::create_directories(options_.dir);
  const auto c = testing::crafted_segment(0x0F, 1'500'000);
  const auto seg = testing::segment_path(options_.dir, 1);
  spit(seg, c.bytes);
  std::vector<std::uint64_t> expected{c.next - 2};
  for (std::uint64_t i = 0; i < 5; ++i) {
    expected.push_back(c.next + i);
  }
  EXPECT_EQ(expected, seqs_after_reopen());
  EXPECT_EQ(c.resume_at - c.damage_at, queue_->startup_report().corrupt_bytes);
  EXPECT_EQ(1U, queue_->startup_report().corrupt_records);
  EXPECT_EQ(c.bytes.size(), std::filesystem::file_size(seg)) << "valid frames follow: no tail";
  EXPECT_EQ(c.next + 5, queue_->append(std::string_view("x")).seq);
}

TEST_F(QueueRecoveryTest, CorruptionInAnOlderSegmentLosesOnlyTheDamagedRecords) {
  options_.segment_bytes = 64 * 1024;
  write_and_close(3000);  // ~180 KB: several segments
  const auto files = testing::segment_files(options_.dir);
  ASSERT_GE(files.size(), 3U);
  std::string data = slurp(files[0]);
  data[format::kSegmentHeaderSize + 10 * kFrame + 20] ^= 0x08;  // inside record 11
  spit(files[0], data);
  const auto got = seqs_after_reopen();
  EXPECT_EQ(0U, queue_->startup_report().corrupt_bytes) << "older segments are not scanned at open";
  auto expected = range(1, 3000);
  expected.erase(expected.begin() + 10);
  EXPECT_EQ(expected, got);
  const auto m = queue_->metrics();
  EXPECT_EQ(1U, m.read_corrupt_records);
  EXPECT_EQ(kFrame, m.read_corrupt_bytes);
}

TEST_F(QueueRecoveryTest, FrameNumberedOutsideItsSegmentIsSkippedAndCountedNotDelivered) {
  // Issue 14 (found by fuzzing): segment 4 also holds a valid frame numbered 1000. It was
  // delivered as 1 2 3 4 5 1000; then 10..12 were skipped as already read, new records
  // were held back until a restart and the cursor went past next_seq.
  std::filesystem::create_directories(options_.dir);
  spit(testing::segment_path(options_.dir, 1), testing::segment_with(1, {1, 2, 3}));
  spit(testing::segment_path(options_.dir, 4), testing::segment_with(4, {4, 5, 1000}));
  spit(testing::segment_path(options_.dir, 10), testing::segment_with(10, {10, 11, 12}));
  open();
  std::vector<std::uint64_t> got;
  for (const auto& r : drain(true)) {
    got.push_back(r.seq);
    EXPECT_EQ(payload_for(r.seq - 1, 50), testing::string_of(r.data)) << "seq " << r.seq;
  }
  EXPECT_EQ((std::vector<std::uint64_t>{1, 2, 3, 4, 5, 10, 11, 12}), got);
  const auto m = queue_->metrics();
  EXPECT_EQ(kFrame, m.read_corrupt_bytes);
  EXPECT_EQ(1U, m.read_corrupt_records);
  // New records are numbered above everything on disk and delivered at once.
  EXPECT_EQ(13U, queue_->append(std::string_view("new")).seq);
  ASSERT_TRUE(wait_durable(13));
  const auto fresh = drain(true);
  ASSERT_EQ(1U, fresh.size());
  EXPECT_EQ(13U, fresh[0].seq);
  close();
  // The cursor stays valid: nothing comes again, no number is given twice.
  open();
  EXPECT_FALSE(queue_->startup_report().cursor_corrupt);
  EXPECT_FALSE(queue_->startup_report().cursor_missing);
  EXPECT_EQ(14U, queue_->metrics().ack_seq);
  EXPECT_TRUE(drain(false).empty());
  EXPECT_EQ(14U, queue_->append(std::string_view("newer")).seq);
}

TEST_F(QueueRecoveryTest, SegmentWhoseHeaderNamesAnotherFirstSequenceIsRefused) {
  // A checksummed header that disagrees with the file name (a segment renamed or copied
  // by hand): which of the two numbers its frames count from cannot be known.
  write_and_close(5);
  const auto seg = newest();
  const std::string data = slurp(seg);
  const auto renamed = testing::segment_path(options_.dir, 7);
  std::filesystem::rename(seg, renamed);
  auto r = Queue::open(io_, options_);
  EXPECT_FALSE(r.queue);
  EXPECT_NE(std::string::npos, r.error.find(renamed.string())) << r.error;
  EXPECT_NE(std::string::npos, r.error.find("starts at sequence number 1")) << r.error;
  EXPECT_NE(std::string::npos, r.error.find("move it away. Nothing was deleted.")) << r.error;
  EXPECT_EQ(data, slurp(renamed)) << "the segment is not modified";
}

TEST_F(QueueRecoveryTest, MissingCursorRedeliversEverythingOnDisk) {
  open();
  append_n(20, 50);
  ASSERT_TRUE(wait_durable(20));
  auto all = drain(false);
  for (std::size_t i = 0; i < 10; ++i) {
    queue_->acknowledge(all[i].seq);
  }
  close();
  std::filesystem::remove(options_.dir / "cursor");
  const auto got = seqs_after_reopen();
  EXPECT_EQ(range(1, 20), got) << "acknowledged records come again; none is lost";
  EXPECT_TRUE(queue_->startup_report().cursor_missing);
}

TEST_F(QueueRecoveryTest, CorruptCursorRedeliversEverythingOnDisk) {
  open();
  append_n(20, 50);
  ASSERT_TRUE(wait_durable(20));
  for (const auto& r : drain(false)) {
    if (r.seq <= 10) {
      queue_->acknowledge(r.seq);
    }
  }
  close();
  std::string cursor = slurp(options_.dir / "cursor");
  ASSERT_EQ(format::kCursorFileSize, cursor.size());
  cursor[10] ^= 0x55;
  spit(options_.dir / "cursor", cursor);
  EXPECT_EQ(range(1, 20), seqs_after_reopen());
  EXPECT_TRUE(queue_->startup_report().cursor_corrupt);
}

TEST_F(QueueRecoveryTest, TruncatedCursorAndLeftoverTmpAreHandled) {
  write_and_close(5);
  spit(options_.dir / "cursor", "short");
  spit(options_.dir / "cursor.tmp", "half-written");
  EXPECT_EQ(range(1, 5), seqs_after_reopen());
  EXPECT_FALSE(std::filesystem::exists(options_.dir / "cursor.tmp"));
}

TEST_F(QueueRecoveryTest, SegmentFromANewerVersionIsRefusedAndLeftUntouched) {
  write_and_close(5);
  const auto seg = newest();
  std::string data = slurp(seg);
  // Rewrite the header as version 2, with a valid checksum: a real future segment.
  std::array<std::byte, 32> h{};
  std::memcpy(h.data(), data.data(), 32);
  le::put_u32(h.data() + 8, format::kNewestVersion + 1);
  le::put_u32(h.data() + 28, crc32c::mask(crc32c::value(std::span(h).first(28))));
  std::memcpy(data.data(), h.data(), 32);
  data.append("future frames we cannot parse");
  spit(seg, data);
  auto r = Queue::open(io_, options_);
  EXPECT_FALSE(r.queue);
  EXPECT_NE(std::string::npos, r.error.find("format version 2")) << r.error;
  EXPECT_NE(std::string::npos, r.error.find("Nothing was deleted")) << r.error;
  EXPECT_EQ(data, slurp(seg)) << "the segment is not modified";
}

TEST_F(QueueRecoveryTest, CursorFromANewerVersionIsRefused) {
  write_and_close(5);
  std::string cursor = slurp(options_.dir / "cursor");
  std::array<std::byte, format::kCursorFileSize> c{};
  std::memcpy(c.data(), cursor.data(), c.size());
  le::put_u32(c.data() + 4, 2);
  le::put_u32(c.data() + 24, crc32c::mask(crc32c::value(std::span(c).first(24))));
  std::memcpy(cursor.data(), c.data(), c.size());
  spit(options_.dir / "cursor", cursor);
  auto r = Queue::open(io_, options_);
  EXPECT_FALSE(r.queue);
  EXPECT_NE(std::string::npos, r.error.find("unknown format version")) << r.error;
}

TEST_F(QueueRecoveryTest, DamagedSegmentHeaderKeepsTheFrames) {
  write_and_close(5);
  const auto seg = newest();
  std::string data = slurp(seg);
  data[22] ^= 0x01;  // created_ms: the header checksum no longer matches
  spit(seg, data);
  EXPECT_EQ(range(1, 5), seqs_after_reopen());
  EXPECT_FALSE(queue_->startup_report().problems.empty());
}

TEST_F(QueueRecoveryTest, SegmentTornWhileBeingCreatedIsRemoved) {
  write_and_close(5);
  spit(options_.dir / "00000000000000000006.seg", std::string(10, 'C'));
  EXPECT_EQ(range(1, 5), seqs_after_reopen());
  EXPECT_FALSE(std::filesystem::exists(options_.dir / "00000000000000000006.seg"));
  EXPECT_EQ(6U, queue_->append(std::string_view("x")).seq);
}

TEST_F(QueueRecoveryTest, ForeignFileWithASegmentNameIsRefused) {
  write_and_close(1);
  spit(options_.dir / "00000000000000000009.seg", std::string(64, 'Z'));
  auto r = Queue::open(io_, options_);
  EXPECT_FALSE(r.queue);
  EXPECT_NE(std::string::npos, r.error.find("bad magic")) << r.error;
  EXPECT_TRUE(std::filesystem::exists(options_.dir / "00000000000000000009.seg"));
}

}  // namespace
}  // namespace canhose::queue
