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

// ---------------------------------------------------------------- CRC algebra
// Polynomials modulo P in the CRC's reflected bit order: the coefficient of x^i is bit
// 31 - i (zlib's crc32_combine uses the same representation).

namespace {

constexpr std::uint32_t kOne = 0x80000000U;  // x^0
constexpr std::uint32_t kX8 = kOne >> 8;     // x^8: one byte

constexpr std::uint32_t times_x(std::uint32_t p) {
  return (p >> 1) ^ ((p & 1U) != 0 ? kPolynomial : 0U);
}

// p * x^4 for the 16 values of p's four highest-degree coefficients (its four low bits);
// the other coefficients just move down four places.
constexpr std::array<std::uint32_t, 16> make_times_x4() {
  std::array<std::uint32_t, 16> t{};
  for (std::uint32_t j = 0; j < 16; ++j) {
    t[j] = times_x(times_x(times_x(times_x(j))));
  }
  return t;
}
constexpr auto kTimesX4 = make_times_x4();

// a * b mod P, by Horner's rule on a's coefficients four at a time, highest degree first.
constexpr std::uint32_t multiply(std::uint32_t a, std::uint32_t b) {
  // b times each polynomial of degree < 4, indexed as a's nibbles hold them (bit 3 = x^0).
  std::array<std::uint32_t, 16> multiples{};
  multiples[8] = b;
  multiples[4] = times_x(b);
  multiples[2] = times_x(multiples[4]);
  multiples[1] = times_x(multiples[2]);
  for (std::uint32_t j = 3; j < 16; ++j) {
    const std::uint32_t low = j & (0U - j);
    if (j != low) {
      multiples[j] = multiples[low] ^ multiples[j ^ low];
    }
  }
  std::uint32_t p = multiples[a & 0xFU];  // x^28..x^31
  for (int bits = 4; bits < 32; bits += 4) {
    p = (p >> 4) ^ kTimesX4[p & 0xFU];
    p ^= multiples[(a >> bits) & 0xFU];
  }
  return p;
}

// x^(8n) for n < 2^20 is kBytePowers[n % 1024] * kKibPowers[n / 1024]: 8 KiB of tables,
// two multiplications, for any length a frame can have.
constexpr std::size_t kPowers = 1024;
constexpr std::array<std::uint32_t, kPowers> make_byte_powers() {
  std::array<std::uint32_t, kPowers> t{};
  t[0] = kOne;
  for (std::size_t i = 1; i < kPowers; ++i) {
    t[i] = multiply(t[i - 1], kX8);
  }
  return t;
}
constexpr auto kBytePowers = make_byte_powers();
constexpr std::array<std::uint32_t, kPowers> make_kib_powers() {
  std::array<std::uint32_t, kPowers> t{};
  t[0] = kOne;
  const std::uint32_t kib = multiply(kBytePowers[kPowers - 1], kX8);  // x^(8 * 1024)
  for (std::size_t i = 1; i < kPowers; ++i) {
    t[i] = multiply(t[i - 1], kib);
  }
  return t;
}
constexpr auto kKibPowers = make_kib_powers();
// kDoublings[k] = x^(8 * 2^k), for the bits of n from 20 up.
constexpr std::array<std::uint32_t, 64> make_doublings() {
  std::array<std::uint32_t, 64> t{};
  t[0] = kX8;
  for (std::size_t k = 1; k < t.size(); ++k) {
    t[k] = multiply(t[k - 1], t[k - 1]);
  }
  return t;
}
constexpr auto kDoublings = make_doublings();

}  // namespace

std::uint32_t shift(std::uint32_t crc, std::uint64_t n) {
  crc = multiply(kBytePowers[n % kPowers], crc);
  if (n >= kPowers) {
    crc = multiply(kKibPowers[(n / kPowers) % kPowers], crc);
  }
  for (std::size_t k = 20; k < kDoublings.size() && (n >> k) != 0; ++k) {
    if (((n >> k) & 1U) != 0) {
      crc = multiply(kDoublings[k], crc);
    }
  }
  return crc;
}

}  // namespace canhose::queue::crc32c
