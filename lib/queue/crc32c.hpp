#pragma once
// CRC32C (Castagnoli, reflected polynomial 0x82F63B78). OpenSSL has no CRC32C and the
// format must not depend on CPU instructions, so it is written here: slicing-by-8 in
// portable C++, and the CPU's CRC32C instructions (x86-64 SSE 4.2, arm64 CRC extension)
// where the running CPU has them, which give the same values about ten times faster.
// Known answer: crc32c::value("123456789") == 0xE3069283.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace canhose::queue::crc32c {

namespace detail {
using ExtendFn = std::uint32_t (*)(std::uint32_t crc, const std::byte* data, std::size_t size);
// The implementation for this CPU: the first call chooses it and stores it here, so each
// later call costs one indirect call (frames are CRCed one by one, a few dozen bytes each).
extern std::atomic<ExtendFn> extend_fn;
}  // namespace detail

// Continues a CRC: extend(value(a), b) == value(a followed by b).
inline std::uint32_t extend(std::uint32_t crc, std::span<const std::byte> data) {
  return detail::extend_fn.load(std::memory_order_relaxed)(crc, data.data(), data.size());
}
// The same computed with the portable code only (tests compare the two).
std::uint32_t extend_portable(std::uint32_t crc, std::span<const std::byte> data);
// Whether extend() uses the CPU's CRC32C instructions on this machine.
bool hardware_accelerated();
inline std::uint32_t value(std::span<const std::byte> data) {
  return extend(0, data);
}

// CRC algebra (zlib's crc32_combine). CRC32C is linear over GF(2): appending n bytes to
// data whose CRC is c gives shift(c, n) XOR value(those n bytes), where shift() multiplies
// c by x^(8n) modulo the polynomial. So the CRCs of two pieces give the CRC of both:
//   combine(value(a), value(b), b.size()) == value(a followed by b)
// and, XOR being its own inverse, the CRCs of a prefix and of the whole give the rest's:
//   combine(value(a), value(a followed by b), b.size()) == value(b)
// which is how the segment reader checks a frame anywhere in a span it hashed once.
// shift() costs two 32-bit carry-less multiplications for n < 2^20, a few more above.
std::uint32_t shift(std::uint32_t crc, std::uint64_t n);
inline std::uint32_t combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t size_b) {
  return shift(crc_a, size_b) ^ crc_b;
}

// A CRC stored next to the data it covers is masked, so that computing the CRC of a
// string that contains embedded CRCs stays well distributed (LevelDB's habit).
inline constexpr std::uint32_t kMaskDelta = 0xA282EAD8U;
inline std::uint32_t mask(std::uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}
inline std::uint32_t unmask(std::uint32_t masked) {
  const std::uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace canhose::queue::crc32c
