#include "queue/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#endif

namespace canhose::queue::crc32c {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78U;

// tables[k][b]: CRC of byte b followed by k zero bytes; slicing-by-8 folds 8 bytes a step.
constexpr std::array<std::array<std::uint32_t, 256>, 8> make_tables() {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1U) != 0 ? (crc >> 1) ^ kPolynomial : crc >> 1;
    }
    t[0][b] = crc;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::uint32_t b = 0; b < 256; ++b) {
      t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFU];
    }
  }
  return t;
}

constexpr auto kTables = make_tables();

inline std::uint32_t byte_at(const std::byte* p, std::size_t i) {
  return static_cast<std::uint32_t>(p[i]);
}

}  // namespace

std::uint32_t extend_portable(std::uint32_t crc, std::span<const std::byte> data) {
  const std::byte* p = data.data();
  std::size_t n = data.size();
  std::uint32_t c = ~crc;
  while (n >= 8) {
    const std::uint32_t lo =
        c ^ (byte_at(p, 0) | byte_at(p, 1) << 8 | byte_at(p, 2) << 16 | byte_at(p, 3) << 24);
    const std::uint32_t hi =
        byte_at(p, 4) | byte_at(p, 5) << 8 | byte_at(p, 6) << 16 | byte_at(p, 7) << 24;
    c = kTables[7][lo & 0xFFU] ^ kTables[6][(lo >> 8) & 0xFFU] ^ kTables[5][(lo >> 16) & 0xFFU] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xFFU] ^ kTables[2][(hi >> 8) & 0xFFU] ^
        kTables[1][(hi >> 16) & 0xFFU] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = (c >> 8) ^ kTables[0][(c ^ byte_at(p, 0)) & 0xFFU];
    ++p;
    --n;
  }
  return ~c;
}

namespace {

// The CPU's CRC32C instructions (SSE 4.2 on x86-64, the ARMv8 CRC extension on arm64,
// present on every Raspberry Pi with a 64-bit core) give the same values 8 bytes per
// instruction; the portable table code above is used where they are missing.
#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t extend_hardware(std::uint32_t crc,
                                                                std::span<const std::byte> data) {
  const std::byte* p = data.data();
  std::size_t n = data.size();
  std::uint64_t c = ~crc;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
  }
  auto c32 = static_cast<std::uint32_t>(c);
  if (n >= 4) {
    std::uint32_t word = 0;
    std::memcpy(&word, p, 4);
    c32 = _mm_crc32_u32(c32, word);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    std::uint16_t half = 0;
    std::memcpy(&half, p, 2);
    c32 = _mm_crc32_u16(c32, half);
    p += 2;
    n -= 2;
  }
  if (n > 0) {
    c32 = _mm_crc32_u8(c32, static_cast<std::uint8_t>(*p));
  }
  return ~c32;
}
bool hardware_available() {
  __builtin_cpu_init();  // may run before libgcc's own initialisation
  return __builtin_cpu_supports("sse4.2");
}
#elif defined(__aarch64__)
__attribute__((target("+crc"))) std::uint32_t extend_hardware(std::uint32_t crc,
                                                              std::span<const std::byte> data) {
  const std::byte* p = data.data();
  std::size_t n = data.size();
  std::uint32_t c = ~crc;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    c = __builtin_aarch64_crc32cx(c, word);
  }
  if (n >= 4) {
    std::uint32_t word = 0;
    std::memcpy(&word, p, 4);
    c = __builtin_aarch64_crc32cw(c, word);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    std::uint16_t half = 0;
    std::memcpy(&half, p, 2);
    c = __builtin_aarch64_crc32ch(c, half);
    p += 2;
    n -= 2;
  }
  if (n > 0) {
    c = __builtin_aarch64_crc32cb(c, static_cast<std::uint8_t>(*p));
  }
  return ~c;
}
bool hardware_available() {
  constexpr unsigned long kHwcapCrc32 = 1UL << 7;  // HWCAP_CRC32 (asm/hwcap.h)
  return (::getauxval(AT_HWCAP) & kHwcapCrc32) != 0;
}
#else
std::uint32_t extend_hardware(std::uint32_t crc, std::span<const std::byte> data) {
  return extend_portable(crc, data);
}
bool hardware_available() {
  return false;
}
#endif

}  // namespace

bool hardware_accelerated() {
  static const bool use = hardware_available();  // decided once, at the first call
  return use;
}

namespace {

std::uint32_t hardware_fn(std::uint32_t crc, const std::byte* data, std::size_t size) {
  return extend_hardware(crc, {data, size});
}
std::uint32_t portable_fn(std::uint32_t crc, const std::byte* data, std::size_t size) {
  return extend_portable(crc, {data, size});
}
std::uint32_t choose_fn(std::uint32_t crc, const std::byte* data, std::size_t size) {
  const detail::ExtendFn fn = hardware_accelerated() ? hardware_fn : portable_fn;
  detail::extend_fn.store(fn, std::memory_order_relaxed);
  return fn(crc, data, size);
}

}  // namespace

// Constant-initialised: valid even for a CRC computed during another file's static
// initialisation.
std::atomic<detail::ExtendFn> detail::extend_fn{choose_fn};

}  // namespace canhose::queue::crc32c
