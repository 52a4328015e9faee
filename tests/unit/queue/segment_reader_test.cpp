// SegmentReader against damage made byte by byte in an in-memory segment (LevelDB's
// log_test habit): torn tails are a clean end, whole-but-wrong frames are skipped with a
// report and reading resumes at the next valid frame.

#include <gtest/gtest.h>

#include <array>

#include "queue/frame_codec.hpp"
#include "queue/queue_format.hpp"
#include "queue/segment_header.hpp"
#include "queue/segment_reader.hpp"
#include "queue_test_support.hpp"

namespace canhose::queue {
namespace {

using testing::bytes_of;
using testing::CollectingReporter;
using testing::StringFile;

constexpr std::uint64_t kFirstSeq = 1000;

class SegmentReaderTest : public ::testing::Test {
 protected:
  SegmentReaderTest() {
    std::array<std::byte, format::kSegmentHeaderSize> h{};
    encode_segment_header({format::kVersion1, kFirstSeq, 0}, h);
    file_.append(h);
  }

  // Appends a record with the next sequence number (or an explicit one).
  std::size_t write(const std::string& payload, std::optional<std::uint64_t> seq = {}) {
    const std::uint64_t s = seq.value_or(kFirstSeq + written_);
    ++written_;
    std::vector<std::byte> frame;
    append_frame(frame, static_cast<std::uint32_t>(s - kFirstSeq), bytes_of(payload));
    const std::size_t at = file_.contents.size();
    file_.append(frame);
    return at;
  }

  // Everything readable, as "seq:payload" strings.
  std::vector<std::string> read_all() {
    SegmentReader reader(file_, "test.seg", kFirstSeq, format::kSegmentHeaderSize,
                         file_.contents.size(), &report_);
    if (seq_end_) {
      reader.set_seq_end(*seq_end_);
    }
    std::vector<std::string> out;
    FrameView f;
    while (reader.next(f) == SegmentReader::Status::record) {
      out.push_back(std::to_string(f.seq) + ":" + testing::string_of(f.payload));
    }
    tail_ = reader.tail_damage();
    valid_end_ = reader.valid_end();
    return out;
  }

  StringFile file_;
  CollectingReporter report_;
  std::optional<TailDamage> tail_;
  std::optional<std::uint64_t> seq_end_;  // where the next segment starts, if any
  std::uint64_t valid_end_ = 0;
  std::uint64_t written_ = 0;
};

using Records = std::vector<std::string>;

TEST_F(SegmentReaderTest, EmptySegmentEndsCleanly) {
  EXPECT_TRUE(read_all().empty());
  EXPECT_FALSE(tail_);
  EXPECT_EQ(0U, report_.bytes);
}

TEST_F(SegmentReaderTest, ReadsRecordsInOrderIncludingEmptyAndLarge) {
  write("foo");
  write("");
  write(std::string(format::kMaxRecordBytes, 'L'));
  write("bar");
  const auto r = read_all();
  ASSERT_EQ(4U, r.size());
  EXPECT_EQ("1000:foo", r[0]);
  EXPECT_EQ("1001:", r[1]);
  EXPECT_EQ(5 + format::kMaxRecordBytes, r[2].size());
  EXPECT_EQ("1003:bar", r[3]);
  EXPECT_FALSE(tail_);
}

TEST_F(SegmentReaderTest, TruncatedAtEveryOffsetOfTheLastFramesEndsAtTheLastWholeFrame) {
  const std::size_t second = (write("alpha"), write("bravo-bravo"));
  const std::size_t third = write("charlie");
  const std::string full = file_.contents;
  for (std::size_t cut = second; cut < full.size(); ++cut) {
    file_.contents = full.substr(0, cut);
    report_ = {};
    const auto r = read_all();
    const std::size_t expected = cut >= third ? 2 : 1;
    ASSERT_EQ(expected, r.size()) << "cut at " << cut;
    EXPECT_EQ(expected == 2 ? third : second, valid_end_) << "cut at " << cut;
    const bool torn = cut != second && cut != third;
    EXPECT_EQ(torn, tail_.has_value()) << "cut at " << cut;
    if (tail_) {
      EXPECT_EQ(cut - valid_end_, tail_->bytes);
      EXPECT_NE(std::string::npos, tail_->reason.find("truncated")) << tail_->reason;
    }
    EXPECT_EQ(0U, report_.bytes) << "a torn tail is not corruption";
  }
}

TEST_F(SegmentReaderTest, FlippedBitInTheLastFrameIsACorruptTail) {
  write("foo");
  const std::size_t last = write("bar");
  file_.contents[last + format::kFrameHeaderSize + 1] ^= 0x04;
  EXPECT_EQ(Records{"1000:foo"}, read_all());
  ASSERT_TRUE(tail_);
  EXPECT_EQ("checksum mismatch", tail_->reason);
  EXPECT_EQ(last, tail_->offset);
  EXPECT_EQ(format::kFrameHeaderSize + 3, tail_->bytes);
}

TEST_F(SegmentReaderTest, FlippedBitMidFileIsSkippedAndReported) {
  write("one");
  const std::size_t damaged = write("two");
  write("three");
  file_.contents[damaged + 2] ^= 0x40;  // inside the stored checksum
  EXPECT_EQ((Records{"1000:one", "1002:three"}), read_all());
  EXPECT_FALSE(tail_);
  EXPECT_EQ(format::kFrameHeaderSize + 3, report_.bytes);
  EXPECT_EQ(1U, report_.records);
  EXPECT_EQ("checksum mismatch;", report_.reasons);
}

TEST_F(SegmentReaderTest, CorruptLengthMidFileResyncsToTheNextFrame) {
  write("one");
  const std::size_t damaged = write("two");
  write("three");
  write("four");
  file_.contents[damaged + 10] = '\x7f';  // length's top byte: far beyond the file
  EXPECT_EQ((Records{"1000:one", "1002:three", "1003:four"}), read_all());
  EXPECT_EQ(1U, report_.records);
  EXPECT_EQ(format::kFrameHeaderSize + 3, report_.bytes);
}

TEST_F(SegmentReaderTest, ZeroedBlockMidFileLosesOnlyTheRecordsInIt) {
  for (int i = 0; i < 10; ++i) {
    write(testing::payload_for(i, 40));
  }
  // Zero 120 bytes from the middle of record 3 into record 6.
  const std::size_t frame = format::kFrameHeaderSize + 40;
  const std::size_t from = format::kSegmentHeaderSize + 3 * frame + 5;
  std::fill_n(file_.contents.begin() + static_cast<std::ptrdiff_t>(from), 120, '\0');
  const auto r = read_all();
  // Records 3, 4 and 5 touch the zeroed bytes; 0-2 and 6-9 survive.
  ASSERT_EQ(7U, r.size());
  EXPECT_EQ("1002:" + testing::payload_for(2, 40), r[2]);
  EXPECT_EQ("1006:" + testing::payload_for(6, 40), r[3]);
  EXPECT_EQ(3U, report_.records);
  EXPECT_EQ(3 * frame, report_.bytes);
  EXPECT_FALSE(tail_);
}

TEST_F(SegmentReaderTest, ZeroedTailIsACorruptTailNotRecords) {
  write("kept");
  const std::size_t end = file_.contents.size();
  file_.contents.append(4096, '\0');  // preallocated or never-written blocks
  EXPECT_EQ(Records{"1000:kept"}, read_all());
  ASSERT_TRUE(tail_);
  EXPECT_EQ(end, tail_->offset);
  EXPECT_EQ(4096U, tail_->bytes);
  EXPECT_EQ("zeroed bytes", tail_->reason);
}

TEST_F(SegmentReaderTest, GarbageBetweenFramesIsSkipped) {
  write("before");
  file_.contents.append("garbage that is not a frame at all");
  write("after");
  EXPECT_EQ((Records{"1000:before", "1001:after"}), read_all());
  EXPECT_EQ(34U, report_.bytes);
  EXPECT_EQ(0U, report_.records);
}

TEST_F(SegmentReaderTest, DuplicateCopiesOfARecordAreReadOnce) {
  write("a");
  write("b");
  write("b", kFirstSeq + 1);  // rewritten after an fsync error
  write("c", kFirstSeq + 2);
  EXPECT_EQ((Records{"1000:a", "1001:b", "1002:c"}), read_all());
  EXPECT_EQ(0U, report_.bytes);
}

TEST_F(SegmentReaderTest, ReadsOnlyUpToTheLimitAndContinuesWhenItGrows) {
  write("first");
  const std::size_t second = write("second");
  SegmentReader reader(file_, "t", kFirstSeq, format::kSegmentHeaderSize, second, &report_);
  FrameView f;
  ASSERT_EQ(SegmentReader::Status::record, reader.next(f));
  EXPECT_EQ(SegmentReader::Status::end, reader.next(f));
  EXPECT_FALSE(reader.tail_damage());
  reader.set_limit(file_.contents.size());
  ASSERT_EQ(SegmentReader::Status::record, reader.next(f));
  EXPECT_EQ("second", testing::string_of(f.payload));
}

TEST_F(SegmentReaderTest, WithoutASuccessorTheFormatBoundsTheSequenceNumbers) {
  SegmentReader reader(file_, "t", kFirstSeq, format::kSegmentHeaderSize, 0, &report_);
  EXPECT_EQ(kFirstSeq + format::kMaxSeqDelta + 1, reader.seq_end());
  EXPECT_EQ(~std::uint64_t{0}, format::max_seq_end(~std::uint64_t{0} - 5));
}

TEST_F(SegmentReaderTest, FrameNumberedAtOrAboveTheNextSegmentIsSkippedAndReported) {
  // Issue 14 (found by fuzzing): a frame with a valid checksum numbered where a later
  // segment's records are was delivered out of order. It is damage: skipped, reported.
  write("one");
  write("two");
  const std::size_t stray = write("stray", kFirstSeq + 996);
  write("three", kFirstSeq + 2);
  seq_end_ = kFirstSeq + 10;
  EXPECT_EQ((Records{"1000:one", "1001:two", "1002:three"}), read_all());
  EXPECT_FALSE(tail_);
  EXPECT_EQ(format::kFrameHeaderSize + 5, report_.bytes);
  EXPECT_EQ(1U, report_.records);
  EXPECT_NE(std::string::npos,
            report_.reasons.find("sequence number 1996 outside the segment's range 1000..1009"))
      << report_.reasons;
  EXPECT_EQ(stray + format::kFrameHeaderSize + 5 + format::kFrameHeaderSize + 5, valid_end_);
}

TEST_F(SegmentReaderTest, FrameNumberedAtTheNextSegmentsFirstSequenceIsOutside) {
  write("one");
  write("two");
  seq_end_ = kFirstSeq + 1;
  EXPECT_EQ(Records{"1000:one"}, read_all());
  EXPECT_EQ(format::kFrameHeaderSize + 3, report_.bytes);
}

TEST_F(SegmentReaderTest, ABoundSetWhileReadingAppliesToTheFramesNotYetRead) {
  // The newest segment gains a successor while delivery reads it: the bound tightens.
  write("one");
  write("two");
  write("late", kFirstSeq + 5);
  SegmentReader reader(file_, "t", kFirstSeq, format::kSegmentHeaderSize, file_.contents.size(),
                       &report_);
  FrameView f;
  ASSERT_EQ(SegmentReader::Status::record, reader.next(f));
  EXPECT_EQ(kFirstSeq, f.seq);
  reader.set_seq_end(kFirstSeq + 3);
  ASSERT_EQ(SegmentReader::Status::record, reader.next(f));
  EXPECT_EQ(kFirstSeq + 1, f.seq);
  EXPECT_EQ(SegmentReader::Status::end, reader.next(f));
  EXPECT_EQ(format::kFrameHeaderSize + 4, report_.bytes);
  EXPECT_EQ(kFirstSeq + 1, reader.last_seq());
}

TEST_F(SegmentReaderTest, FrameOutsideTheRangeAfterDamageIsReportedToo) {
  write("one");
  const std::size_t damaged = write("two");
  write("three");  // 1002: where the next segment starts
  write("four");
  file_.contents[damaged + 2] ^= 0x40;
  seq_end_ = kFirstSeq + 2;
  EXPECT_EQ(Records{"1000:one"}, read_all());
  EXPECT_FALSE(tail_);
  EXPECT_EQ(3 * format::kFrameHeaderSize + 3 + 5 + 4, report_.bytes);
  EXPECT_EQ("checksum mismatch;", report_.reasons.substr(0, 18));
}

}  // namespace
}  // namespace canhose::queue
