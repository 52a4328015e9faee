#include "aws/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace canhose::aws::crypto {

namespace {

// The SHA-256 implementation, fetched from the default provider once: the implicit fetch
// that EVP_Digest()/HMAC() do on every call costs about a microsecond each in OpenSSL 3.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    if (fetched == nullptr) {
      throw std::runtime_error("OpenSSL has no SHA2-256 implementation");
    }
    return fetched;  // kept for the life of the process
  }();
  return md;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// One reusable digest context per thread (the signer runs on the event loop; tests and
// benchmarks may use other threads).
EVP_MD_CTX* digest_context() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx) {
    throw std::runtime_error("EVP_MD_CTX_new failed");
  }
  return ctx.get();
}

// SHA-256 over the concatenation of `a` and `b`.
Sha256Digest sha256_of(const void* a, std::size_t a_size, const void* b, std::size_t b_size) {
  EVP_MD_CTX* ctx = digest_context();
  Sha256Digest digest{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex(ctx, sha256_md(), nullptr) != 1 || EVP_DigestUpdate(ctx, a, a_size) != 1 ||
      EVP_DigestUpdate(ctx, b, b_size) != 1 ||
      EVP_DigestFinal_ex(ctx, digest.data(), &length) != 1 || length != digest.size()) {
    throw std::runtime_error("SHA-256 failed");
  }
  return digest;
}

constexpr std::size_t sha256_block = 64;

}  // namespace

Sha256Digest sha256(std::string_view data) {
  return sha256_of(data.data(), data.size(), "", 0);
}

std::string sha256_hex(std::string_view data) {
  return hex_lower(sha256(data));
}

// HMAC (RFC 2104) over SHA-256, on the pre-fetched digest: H((K ^ opad) || H((K ^ ipad) || m)).
Sha256Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view data) {
  std::array<std::uint8_t, sha256_block> padded{};
  if (key.size() > sha256_block) {
    const Sha256Digest hashed = sha256_of(key.data(), key.size(), "", 0);
    std::copy(hashed.begin(), hashed.end(), padded.begin());
  } else {
    std::copy(key.begin(), key.end(), padded.begin());
  }
  for (auto& b : padded)
    b ^= 0x36;
  Sha256Digest inner = sha256_of(padded.data(), padded.size(), data.data(), data.size());
  for (auto& b : padded)
    b ^= 0x36 ^ 0x5c;
  const Sha256Digest mac = sha256_of(padded.data(), padded.size(), inner.data(), inner.size());
  cleanse(padded.data(), padded.size());
  cleanse(inner.data(), inner.size());
  return mac;
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
  return hmac_sha256(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()),
      data);
}

std::string hex_lower(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0x0f];
  }
  return out;
}

namespace {
constexpr char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}
}  // namespace

namespace {
// The two base64 characters of every 12-bit group: 8 KiB, so the encoder writes two
// characters per table load.
struct Base64Pairs {
  std::array<std::array<char, 2>, 4096> pairs{};
  constexpr Base64Pairs() {
    for (std::size_t v = 0; v < pairs.size(); ++v) {
      pairs[v] = {base64_alphabet[v >> 6], base64_alphabet[v & 0x3f]};
    }
  }
};
constexpr Base64Pairs base64_pairs;

void put_pair(char* p, std::uint64_t group) {
  std::memcpy(p, base64_pairs.pairs[group & 0xfff].data(), 2);
}
}  // namespace

void base64_encode_append(std::string_view data, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + base64_encoded_size(data.size()));
  char* p = out.data() + start;
  const auto* in = reinterpret_cast<const std::uint8_t*>(data.data());
  const std::size_t n = data.size();
  std::size_t i = 0;
  // 6 bytes (four 12-bit groups, 8 characters) per step, from one 8-byte load.
  for (; i + 8 <= n; i += 6, p += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, in + i, sizeof w);
    if constexpr (std::endian::native == std::endian::little) {
      w = __builtin_bswap64(w);  // the first byte in the top bits
    }
    put_pair(p, w >> 52);
    put_pair(p + 2, w >> 40);
    put_pair(p + 4, w >> 28);
    put_pair(p + 6, w >> 16);
  }
  for (; i + 3 <= n; i += 3, p += 4) {
    const std::uint32_t v =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | std::uint32_t{in[i + 2]};
    put_pair(p, v >> 12);
    put_pair(p + 2, v);
  }
  const std::size_t rest = n - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{in[i]} << 16;
    *p++ = base64_alphabet[(v >> 18) & 0x3f];
    *p++ = base64_alphabet[(v >> 12) & 0x3f];
    *p++ = '=';
    *p++ = '=';
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
    *p++ = base64_alphabet[(v >> 18) & 0x3f];
    *p++ = base64_alphabet[(v >> 12) & 0x3f];
    *p++ = base64_alphabet[(v >> 6) & 0x3f];
    *p++ = '=';
  }
}

std::string base64_encode(std::string_view data) {
  std::string out;
  base64_encode_append(data, out);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) {
        return std::nullopt;  // data after padding
      }
      v[k] = base64_value(c);
      if (v[k] < 0) {
        return std::nullopt;
      }
    }
    const std::uint32_t word =
        (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
        (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<char>((word >> 16) & 0xff));
    if (padding < 2)
      out.push_back(static_cast<char>((word >> 8) & 0xff));
    if (padding < 1)
      out.push_back(static_cast<char>(word & 0xff));
    // Canonical encoding: the bits dropped by padding must be zero.
    if ((padding == 1 && (word & 0xff) != 0) || (padding == 2 && (word & 0xffff) != 0)) {
      return std::nullopt;
    }
  }
  return out;
}

void cleanse(void* data, std::size_t size) {
  OPENSSL_cleanse(data, size);
}

}  // namespace canhose::aws::crypto
