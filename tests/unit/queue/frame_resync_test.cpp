// FrameResync finds exactly the frame the frame-by-frame search finds (the one SegmentReader
// ran before issue 14, kept here as the reference): on random segments with random damage
// and decoy headers, from every kind of damage start, and across the window it slides
// over segments of maximal frames.

#include <gtest/gtest.h>

#include <optional>
#include <random>

#include "queue/frame_codec.hpp"
#include "queue/frame_resync.hpp"
#include "queue/little_endian.hpp"
#include "queue/queue_format.hpp"
#include "queue_test_support.hpp"

namespace canhose::queue {
namespace {

using testing::StringFile;

constexpr std::uint64_t kFirstSeq = 500;

// The search as SegmentReader ran it: each offset in turn, each candidate frame hashed.
std::optional<ResyncPoint> reference_find(const std::string& file, std::uint64_t last_seq,
                                          std::uint64_t damage_start, std::uint64_t limit) {
  const auto bytes = testing::bytes_of(file);
  for (std::uint64_t q = damage_start + 1; q + format::kFrameHeaderSize <= limit; ++q) {
    if (q + format::kFrameHeaderSize > bytes.size()) {
      continue;
    }
    const FrameHeader h = decode_frame_header(bytes.data() + q);
    if (h.length > format::kMaxRecordBytes) {
      continue;
    }
    const std::uint64_t seq = kFirstSeq + h.seq_delta;
    const std::uint64_t max_gap = (q - damage_start) / format::kFrameHeaderSize + 1;
    if (seq <= last_seq || seq > last_seq + max_gap) {
      continue;
    }
    const std::uint64_t frame_bytes = format::kFrameHeaderSize + h.length;
    if (q + frame_bytes > limit || q + frame_bytes > bytes.size()) {
      continue;
    }
    if (frame_checksum_matches(h, bytes.subspan(q, frame_bytes))) {
      return ResyncPoint{q, seq};
    }
  }
  return std::nullopt;
}

void expect_same(const std::string& contents, std::uint64_t last_seq, std::uint64_t damage_start,
                 std::uint64_t limit) {
  StringFile file;
  file.contents = contents;
  FrameResync resync(file, kFirstSeq, last_seq, damage_start, limit);
  const auto got = resync.find();
  const auto want = reference_find(contents, last_seq, damage_start, limit);
  ASSERT_FALSE(resync.io_error());
  ASSERT_EQ(want.has_value(), got.has_value())
      << "damage at " << damage_start << ", last_seq " << last_seq << ", limit " << limit;
  if (want) {
    ASSERT_EQ(want->offset, got->offset) << "damage at " << damage_start;
    ASSERT_EQ(want->seq, got->seq) << "damage at " << damage_start;
  }
}

// A frame header that passes the cheap checks (a sequence number just after `seq`, a
// length that fits) with a checksum that almost surely does not match.
std::string decoy(std::uint64_t seq, std::uint32_t length, std::mt19937& rng) {
  std::string h(format::kFrameHeaderSize, '\0');
  auto* p = reinterpret_cast<std::byte*>(h.data());
  le::put_u32(p, static_cast<std::uint32_t>(rng()));
  le::put_u32(p + 4, static_cast<std::uint32_t>(seq + 1 - kFirstSeq));
  le::put<3>(p + 8, length);
  return h;
}

// Random frames with random damage: flipped bytes, zeroed runs, garbage, decoy headers,
// out-of-order and duplicate frames. Returns the segment and each frame's (offset, seq).
std::string damaged_segment(std::mt19937& rng,
                            std::vector<std::pair<std::uint64_t, std::uint64_t>>& frames) {
  std::string s = testing::segment_with(kFirstSeq, {});
  std::uint64_t seq = kFirstSeq;
  for (int i = 0; i < 60; ++i) {
    const int kind = static_cast<int>(rng() % 10);
    if (kind == 0) {
      s += decoy(seq, static_cast<std::uint32_t>(rng() % 400), rng);
    } else if (kind == 1) {
      s.append(rng() % 40, static_cast<char>(rng()));
    } else if (kind == 2 && seq > kFirstSeq + 2) {
      s += testing::frames_with(kFirstSeq, {seq - 1 - rng() % 2}, rng() % 30);  // a copy
    }
    frames.emplace_back(s.size(), seq);
    s += testing::frames_with(kFirstSeq, {seq}, rng() % 120);
    seq += 1 + (rng() % 8 == 0 ? rng() % 4 : 0);  // now and then records are missing
  }
  for (int i = 0; i < 25; ++i) {
    const std::size_t at = format::kSegmentHeaderSize + rng() % (s.size() - 32);
    if (rng() % 2 == 0) {
      s[at] = static_cast<char>(s[at] ^ (1 << (rng() % 8)));
    } else {
      std::fill_n(s.begin() + static_cast<std::ptrdiff_t>(at),
                  std::min<std::size_t>(rng() % 60, s.size() - at), '\0');
    }
  }
  return s;
}

TEST(FrameResyncTest, FindsWhatTheFrameByFrameSearchFindsOnRandomDamage) {
  std::mt19937 rng(14);
  for (int round = 0; round < 40; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::vector<std::pair<std::uint64_t, std::uint64_t>> frames;
    const std::string s = damaged_segment(rng, frames);
    // Damage starting at a frame (the reader's case) with that frame's predecessor as the
    // last record read, and at random offsets with random last records.
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const std::uint64_t last = i == 0 ? kFirstSeq - 1 : frames[i - 1].second;
      expect_same(s, last, frames[i].first, s.size());
    }
    for (int i = 0; i < 40; ++i) {
      const std::uint64_t at = format::kSegmentHeaderSize + rng() % (s.size() - 32);
      const std::uint64_t last = frames[rng() % frames.size()].second - rng() % 3;
      const std::uint64_t limit = rng() % 4 == 0 ? at + rng() % (s.size() - at + 1) : s.size();
      expect_same(s, last, at, limit);
      // The file shorter than the readable range (cut after it was measured).
      expect_same(s.substr(0, static_cast<std::size_t>(limit - rng() % 30)), last, at, limit);
    }
  }
}

TEST(FrameResyncTest, FindsMaximalFramesAcrossTheWholeWindow) {
  // Frames of the largest size with damage and decoys of the largest size between them:
  // candidates need the window's full reach and its sliding.
  std::mt19937 rng(1024);
  std::string s = testing::segment_with(kFirstSeq, {});
  const std::size_t frame = format::kFrameHeaderSize + format::kMaxRecordBytes;
  std::vector<std::uint64_t> starts;
  for (std::uint64_t seq = kFirstSeq; seq < kFirstSeq + 4; ++seq) {
    for (int d = 0; d < 300; ++d) {
      s += decoy(seq - 1, static_cast<std::uint32_t>(format::kMaxRecordBytes - rng() % 5000), rng);
    }
    starts.push_back(s.size());
    s += testing::frames_with(kFirstSeq, {seq}, format::kMaxRecordBytes);
  }
  s[starts[1] + 100] ^= 0x10;  // the second frame is damaged
  ASSERT_EQ(format::kSegmentHeaderSize + 4 * (frame + 300 * format::kFrameHeaderSize), s.size());
  expect_same(s, kFirstSeq, starts[1], s.size());
  expect_same(s, kFirstSeq, starts[1] - 1000, s.size());
  expect_same(s, kFirstSeq - 1, format::kSegmentHeaderSize, s.size());
  expect_same(s, kFirstSeq + 1, starts[2], s.size());
  expect_same(s, kFirstSeq + 1, starts[2], s.size() - 1);  // the last frame cut by the limit
  StringFile file;
  file.contents = s;
  const auto found = FrameResync(file, kFirstSeq, kFirstSeq, starts[1], s.size()).find();
  ASSERT_TRUE(found);
  EXPECT_EQ(starts[2], found->offset) << "the next whole frame, after 300 decoys";
  EXPECT_EQ(kFirstSeq + 2, found->seq);
}

TEST(FrameResyncTest, AReadErrorEndsTheSearchAndIsReported) {
  class FailingFile final : public File {
   public:
    IoResult append(std::span<const std::byte>) override { return {}; }
    IoResult read_at(std::uint64_t, std::span<std::byte>) override {
      return {0, std::make_error_code(std::errc::io_error)};
    }
    std::error_code sync() override { return {}; }
    std::error_code truncate(std::uint64_t) override { return {}; }
    std::error_code size(std::uint64_t& out) override {
      out = 0;
      return {};
    }
  } file;
  FrameResync resync(file, kFirstSeq, kFirstSeq, 100, 5000);
  EXPECT_FALSE(resync.find());
  EXPECT_EQ(std::errc::io_error, resync.io_error());
}

}  // namespace
}  // namespace canhose::queue
