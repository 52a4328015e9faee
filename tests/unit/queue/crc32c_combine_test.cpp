// crc32c::shift and crc32c::combine (the CRC algebra the segment reader's resync uses)
// against CRCs computed directly over the bytes, for every small length, both sides of
// each table boundary (1 KiB, 1 MiB) and the lengths a frame can have.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "queue/crc32c.hpp"
#include "queue/queue_format.hpp"

namespace canhose::queue {
namespace {

std::vector<std::byte> random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> v(n);
  for (auto& b : v) {
    b = static_cast<std::byte>(rng());
  }
  return v;
}

// Lengths worth checking up to `max`: all below 1100, and each power of two (and of two
// times 1000) with its neighbours.
std::vector<std::size_t> lengths_up_to(std::size_t max) {
  std::vector<std::size_t> out;
  for (std::size_t n = 0; n < 1100 && n <= max; ++n) {
    out.push_back(n);
  }
  for (std::size_t p = 1024; p <= max; p *= 2) {
    for (std::size_t n : {p - 1, p, p + 1, p / 1024 * 1000, p + 1023, p + 1025}) {
      if (n >= 1100 && n <= max) {
        out.push_back(n);
      }
    }
  }
  out.push_back(format::kMaxRecordBytes);
  out.push_back(format::kMaxFrameBytes - 4);  // the span a largest frame's checksum covers
  return out;
}

TEST(Crc32cCombineTest, CombineOfTwoPiecesEqualsTheValueOfBoth) {
  const std::size_t max = 2 * 1024 * 1024 + 3000;
  const auto data = random_bytes(max + 37, 14);
  const std::span<const std::byte> all(data);
  const auto a = all.first(37);
  const std::uint32_t crc_a = crc32c::value(a);
  for (const std::size_t n : lengths_up_to(max)) {
    const auto b = all.subspan(37, n);
    const std::uint32_t crc_b = crc32c::value(b);
    const std::uint32_t crc_ab = crc32c::extend(crc_a, b);
    ASSERT_EQ(crc_ab, crc32c::combine(crc_a, crc_b, n)) << "length " << n;
    // The other way round: the CRC of b from the running CRCs at both its ends.
    ASSERT_EQ(crc_b, crc32c::combine(crc_a, crc_ab, n)) << "length " << n;
  }
}

TEST(Crc32cCombineTest, AnySpanFromTheRunningCrcAtItsEnds) {
  // What the resync does: one pass of running CRCs, then any span's CRC from two of them.
  const auto data = random_bytes(4096, 3720);
  std::vector<std::uint32_t> running(data.size() + 1);
  for (std::size_t i = 0; i < data.size(); ++i) {
    running[i + 1] = crc32c::extend(running[i], std::span(data).subspan(i, 1));
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 5000; ++round) {
    std::size_t from = rng() % (data.size() + 1);
    std::size_t to = rng() % (data.size() + 1);
    if (from > to) {
      std::swap(from, to);
    }
    ASSERT_EQ(crc32c::value(std::span(data).subspan(from, to - from)),
              crc32c::combine(running[from], running[to], to - from))
        << from << ".." << to;
  }
}

TEST(Crc32cCombineTest, ShiftIsAppendingZeroBytes) {
  const std::size_t max = 3 * 1024 * 1024;
  const std::vector<std::byte> zeros(max);
  const std::uint32_t crc = 0x12345678U;
  for (const std::size_t n : lengths_up_to(max)) {
    const auto z = std::span(zeros).first(n);
    // extend(crc, zeros) = shift(crc, n) ^ value(zeros), by linearity.
    ASSERT_EQ(crc32c::extend(crc, z), crc32c::shift(crc, n) ^ crc32c::value(z)) << "length " << n;
  }
  EXPECT_EQ(0U, crc32c::shift(0, 12345));
  EXPECT_EQ(0xDEADBEEFU, crc32c::shift(0xDEADBEEFU, 0));
}

TEST(Crc32cCombineTest, ShiftsAddUpAtEveryScaleUpTo2To64) {
  // Lengths beyond what can be hashed directly: shifting by a then b is shifting by a + b.
  std::mt19937_64 rng(64);
  for (int round = 0; round < 2000; ++round) {
    const int bits = 1 + static_cast<int>(rng() % 62);
    const std::uint64_t a = rng() >> (64 - bits);
    const std::uint64_t b = rng() >> (64 - bits);
    const auto crc = static_cast<std::uint32_t>(rng());
    ASSERT_EQ(crc32c::shift(crc, a + b), crc32c::shift(crc32c::shift(crc, a), b))
        << a << " + " << b;
  }
}

}  // namespace
}  // namespace canhose::queue
