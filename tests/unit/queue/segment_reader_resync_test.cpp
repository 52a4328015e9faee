// SegmentReader's resync after damage against the crafted segments of issue 14 (found by
// fuzzing): after a damaged frame, a plausible frame header at every byte offset, each a
// candidate frame up to ~1 MB long. The records after the crafted region must be found
// and the damage reported, reading the segment file (a real one) about once: hashing each
// candidate's frame again took minutes for a 2 MiB segment. The time itself is measured by
// tests/bench/queue_resync_bench.cpp, not here.

#include <gtest/gtest.h>

#include "queue/posix_file_system.hpp"
#include "queue/queue_format.hpp"
#include "queue/segment_reader.hpp"
#include "queue_test_support.hpp"
#include "support/temp_dir.hpp"

namespace canhose::queue {
namespace {

using testing::CollectingReporter;
using testing::CraftedSegment;

// A real file whose reads fail (EIO) once they pass a budget of bytes: reading past it
// means the reader went back over bytes it had read.
class BudgetedFile final : public File {
 public:
  BudgetedFile(std::unique_ptr<File> real, std::uint64_t budget)
      : real_(std::move(real)), budget_(budget) {}
  IoResult append(std::span<const std::byte> data) override { return real_->append(data); }
  IoResult read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (read_ + out.size() > budget_) {
      return {0, std::make_error_code(std::errc::io_error)};
    }
    const IoResult r = real_->read_at(offset, out);
    read_ += r.bytes;
    return r;
  }
  std::error_code sync() override { return real_->sync(); }
  std::error_code truncate(std::uint64_t size) override { return real_->truncate(size); }
  std::error_code size(std::uint64_t& out) override { return real_->size(out); }
  std::uint64_t bytes_read() const { return read_; }

 private:
  std::unique_ptr<File> real_;
  std::uint64_t budget_;
  std::uint64_t read_ = 0;
};

class SegmentReaderResyncTest : public ::testing::Test {
 protected:
  // Writes `c` to a file and reads it all through a SegmentReader, within a read budget
  // of twice the file plus two maximal frames.
  std::vector<std::uint64_t> read_crafted(const CraftedSegment& c) {
    const auto path = testing::segment_path(dir_.path(), 1);
    testing::spit(path, c.bytes);
    PosixFileSystem fs;
    std::unique_ptr<File> real;
    EXPECT_FALSE(fs.open(path, OpenMode::read, real));
    BudgetedFile file(std::move(real), 2 * c.bytes.size() + 2 * format::kMaxFrameBytes);
    SegmentReader reader(file, path, 1, format::kSegmentHeaderSize, c.bytes.size(), &report_);
    std::vector<std::uint64_t> seqs;
    FrameView f;
    SegmentReader::Status st;
    while ((st = reader.next(f)) == SegmentReader::Status::record) {
      seqs.push_back(f.seq);
      EXPECT_EQ(testing::payload_for(f.seq - 1, 50), testing::string_of(f.payload));
    }
    EXPECT_EQ(SegmentReader::Status::end, st)
        << reader.io_error().message() << " after " << file.bytes_read() << " bytes read";
    EXPECT_FALSE(reader.tail_damage());
    bytes_read_ = file.bytes_read();
    return seqs;
  }

  test::TempDir dir_;
  CollectingReporter report_;
  std::uint64_t bytes_read_ = 0;
};

TEST_F(SegmentReaderResyncTest, MaximalCandidateFramesAtEveryByteAfterDamage) {
  const CraftedSegment c = testing::crafted_segment(0x0F, 2'500'000);
  const std::vector<std::uint64_t> expected{c.next - 2, c.next,     c.next + 1,
                                            c.next + 2, c.next + 3, c.next + 4};
  EXPECT_EQ(expected, read_crafted(c));
  EXPECT_EQ(c.resume_at - c.damage_at, report_.bytes);
  EXPECT_EQ(1U, report_.records) << "the damaged frame";
  EXPECT_EQ("checksum mismatch;", report_.reasons);
  EXPECT_LE(bytes_read_, 2 * c.bytes.size() + 2 * format::kMaxFrameBytes);
}

TEST_F(SegmentReaderResyncTest, MidSizedCandidateFramesAtEveryByteAfterDamage) {
  const CraftedSegment c = testing::crafted_segment(0x01, 1'000'000, 2);
  EXPECT_EQ((std::vector<std::uint64_t>{c.next - 2, c.next, c.next + 1}), read_crafted(c));
  EXPECT_EQ(c.resume_at - c.damage_at, report_.bytes);
  EXPECT_EQ(1U, report_.records);
}

TEST_F(SegmentReaderResyncTest, CraftedRegionToTheEndIsACorruptTail) {
  CraftedSegment c = testing::crafted_segment(0x0F, 1'500'000, 0);
  const auto path = testing::segment_path(dir_.path(), 1);
  testing::spit(path, c.bytes);
  PosixFileSystem fs;
  std::unique_ptr<File> file;
  ASSERT_FALSE(fs.open(path, OpenMode::read, file));
  SegmentReader reader(*file, path, 1, format::kSegmentHeaderSize, c.bytes.size(), &report_);
  FrameView f;
  ASSERT_EQ(SegmentReader::Status::record, reader.next(f));
  EXPECT_EQ(SegmentReader::Status::end, reader.next(f));
  ASSERT_TRUE(reader.tail_damage());
  EXPECT_EQ(c.damage_at, reader.tail_damage()->offset);
  EXPECT_EQ(c.bytes.size() - c.damage_at, reader.tail_damage()->bytes);
  EXPECT_EQ(0U, report_.bytes);
}

}  // namespace
}  // namespace canhose::queue
