// The bytes of the on-disk format: CRC32C known answers, the worked example of
// docs/queue-format.md, segment headers and the cursor file.

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "queue/crc32c.hpp"
#include "queue/cursor_file.hpp"
#include "queue/frame_codec.hpp"
#include "queue/posix_file_system.hpp"
#include "queue/queue_format.hpp"
#include "queue/segment_header.hpp"
#include "queue_test_support.hpp"
#include "support/temp_dir.hpp"

namespace canhose::queue {
namespace {

using testing::bytes_of;

std::string hex(std::span<const std::byte> b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::byte x : b) {
    s.push_back(digits[static_cast<unsigned>(x) >> 4]);
    s.push_back(digits[static_cast<unsigned>(x) & 15]);
  }
  return s;
}

TEST(Crc32cTest, KnownAnswersFromRfc3720) {
  EXPECT_EQ(0xE3069283U, crc32c::value(bytes_of("123456789")));
  const std::string zeros(32, '\0');
  EXPECT_EQ(0x8A9136AAU, crc32c::value(bytes_of(zeros)));
  const std::string ones(32, '\xff');
  EXPECT_EQ(0x62A8AB43U, crc32c::value(bytes_of(ones)));
  std::string ascending(32, '\0');
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<char>(i);
  }
  EXPECT_EQ(0x46DD794EU, crc32c::value(bytes_of(ascending)));
}

TEST(Crc32cTest, ExtendEqualsWholeValueAtEverySplit) {
  const std::string data = testing::payload_for(7, 100);
  for (std::size_t split = 0; split <= data.size(); ++split) {
    const auto all = bytes_of(data);
    EXPECT_EQ(crc32c::value(all),
              crc32c::extend(crc32c::value(all.first(split)), all.subspan(split)));
  }
}

TEST(Crc32cTest, CpuInstructionsAndPortableCodeAgreeOnEveryLengthAndAlignment) {
  // extend() uses the CPU's CRC32C instructions when it has them (x86-64 SSE 4.2, arm64
  // CRC): they must give the portable code's values for any length, alignment and seed.
  std::mt19937 rng(3720);
  std::vector<std::byte> data(300);
  for (auto& b : data) {
    b = static_cast<std::byte>(rng());
  }
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t length = 0; length + offset <= data.size(); ++length) {
      const std::span<const std::byte> part(data.data() + offset, length);
      const std::uint32_t seed = rng();
      ASSERT_EQ(crc32c::extend(seed, part), crc32c::extend_portable(seed, part))
          << "offset " << offset << " length " << length;
    }
  }
  RecordProperty("hardware_crc32c", crc32c::hardware_accelerated() ? "yes" : "no");
}

TEST(Crc32cTest, MaskIsNotIdentityAndUnmasks) {
  const std::uint32_t crc = crc32c::value(bytes_of("foo"));
  EXPECT_NE(crc, crc32c::mask(crc));
  EXPECT_NE(crc, crc32c::mask(crc32c::mask(crc)));
  EXPECT_EQ(crc, crc32c::unmask(crc32c::mask(crc)));
  EXPECT_EQ(crc, crc32c::unmask(crc32c::unmask(crc32c::mask(crc32c::mask(crc)))));
}

// docs/queue-format.md walks through exactly these bytes.
TEST(FrameFormatTest, WorkedExampleFromTheFormatDocument) {
  std::vector<std::byte> out;
  append_frame(out, 2, bytes_of("hi"));
  ASSERT_EQ(13U, out.size());
  EXPECT_EQ("020000000200006869", hex(std::span(out).subspan(4)));
  const FrameHeader h = decode_frame_header(out.data());
  EXPECT_EQ(2U, h.seq_delta);
  EXPECT_EQ(2U, h.length);
  EXPECT_TRUE(frame_checksum_matches(h, out));
  const std::uint32_t crc = crc32c::value(std::span(out).subspan(4));
  EXPECT_EQ(crc32c::mask(crc), h.masked_crc);
  EXPECT_EQ("2d309729", hex(std::span(out).first(4)));
}

// The whole segment and cursor of the worked example in docs/queue-format.md.
TEST(FrameFormatTest, WholeWorkedExampleSegmentAndCursorMatchTheDocument) {
  std::vector<std::byte> seg(format::kSegmentHeaderSize);
  encode_segment_header({format::kVersion1, 40, 1700000000000}, seg);
  append_frame(seg, 0, bytes_of("ok"));
  append_frame(seg, 1, bytes_of(""));
  append_frame(seg, 2, bytes_of("hi"));
  EXPECT_EQ(
      "4348515545554500"
      "01000000"
      "2800000000000000"
      "0068e5cf8b010000"
      "86fe0946"
      "b39335e3"
      "00000000"
      "020000"
      "6f6b"
      "5291ce2f"
      "01000000"
      "000000"
      "2d309729"
      "02000000"
      "020000"
      "6869",
      hex(seg));

  test::TempDir dir;
  PosixFileSystem fs;
  ASSERT_FALSE(CursorFile(fs, dir.path()).store({41, 43}));
  const std::string cursor = testing::slurp(dir.path() / "cursor");
  EXPECT_EQ(
      "51435552010000002900000000000000"
      "2b00000000000000f7b4009c",
      hex(bytes_of(cursor)));
}

TEST(FrameFormatTest, EmptyAndLargestRecordsRoundTrip) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, format::kMaxRecordBytes}) {
    std::vector<std::byte> out;
    const std::string payload(size, 'x');
    append_frame(out, 0xFFFFFFFEU, bytes_of(payload));
    ASSERT_EQ(format::kFrameHeaderSize + size, out.size());
    const FrameHeader h = decode_frame_header(out.data());
    EXPECT_EQ(size, h.length);
    EXPECT_EQ(0xFFFFFFFEU, h.seq_delta);
    EXPECT_TRUE(frame_checksum_matches(h, out));
  }
}

TEST(FrameFormatTest, EveryFlippedBitIsDetected) {
  std::vector<std::byte> frame;
  append_frame(frame, 5, bytes_of("payload"));
  for (std::size_t bit = 0; bit < frame.size() * 8; ++bit) {
    auto damaged = frame;
    damaged[bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    const FrameHeader h = decode_frame_header(damaged.data());
    if (format::kFrameHeaderSize + h.length != damaged.size()) {
      continue;  // a damaged length is caught by the reader's bounds checks
    }
    EXPECT_FALSE(frame_checksum_matches(h, damaged)) << "bit " << bit;
  }
}

TEST(SegmentHeaderTest, RoundTripsAndNamesEveryKindOfDamage) {
  std::array<std::byte, format::kSegmentHeaderSize> raw{};
  encode_segment_header({format::kVersion1, 12345, 1700000000000}, raw);
  EXPECT_EQ("4348515545554500", hex(std::span(raw).first(8)));  // "CHQUEUE\0"
  auto d = decode_segment_header(raw);
  ASSERT_EQ(SegmentHeaderStatus::ok, d.status);
  EXPECT_EQ(12345U, d.header.first_seq);
  EXPECT_EQ(1700000000000, d.header.created_ms);

  EXPECT_EQ(SegmentHeaderStatus::too_short, decode_segment_header(std::span(raw).first(31)).status);
  auto bad = raw;
  bad[0] = std::byte{'X'};
  EXPECT_EQ(SegmentHeaderStatus::bad_magic, decode_segment_header(bad).status);
  bad = raw;
  bad[15] ^= std::byte{1};
  EXPECT_EQ(SegmentHeaderStatus::bad_checksum, decode_segment_header(bad).status);

  std::array<std::byte, format::kSegmentHeaderSize> future{};
  encode_segment_header({format::kNewestVersion + 1, 1, 0}, future);
  EXPECT_EQ(SegmentHeaderStatus::unknown_version, decode_segment_header(future).status);
}

TEST(CursorFileTest, StoresAtomicallyAndLoadsBack) {
  test::TempDir dir;
  PosixFileSystem fs;
  CursorFile file(fs, dir.path());
  EXPECT_EQ(CursorFile::LoadStatus::missing, file.load().status);
  ASSERT_FALSE(file.store({17, 42}));
  auto loaded = file.load();
  ASSERT_EQ(CursorFile::LoadStatus::ok, loaded.status) << loaded.message;
  EXPECT_EQ((Cursor{17, 42}), loaded.cursor);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "cursor.tmp"));
  EXPECT_EQ(format::kCursorFileSize, std::filesystem::file_size(dir.path() / "cursor"));
}

TEST(CursorFileTest, CorruptTruncatedAndFutureCursorsAreRecognised) {
  test::TempDir dir;
  PosixFileSystem fs;
  CursorFile file(fs, dir.path());
  ASSERT_FALSE(file.store({3, 9}));
  const auto path = dir.path() / "cursor";
  const std::string good = testing::slurp(path);

  std::string flipped = good;
  flipped[9] ^= 0x10;
  testing::spit(path, flipped);
  EXPECT_EQ(CursorFile::LoadStatus::corrupt, file.load().status);

  testing::spit(path, good.substr(0, 20));
  EXPECT_EQ(CursorFile::LoadStatus::corrupt, file.load().status);

  testing::spit(path, std::string(good.size(), '\0'));
  EXPECT_EQ(CursorFile::LoadStatus::corrupt, file.load().status);
}

}  // namespace
}  // namespace canhose::queue
