#include "aws/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace canhose::aws::crypto {

Sha256Digest sha256(std::string_view data) {
  Sha256Digest digest{};
  unsigned int length = 0;
  // EVP_Digest is the one-shot EVP interface; it fails only on allocation failure.
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    throw std::runtime_error("EVP_Digest(SHA-256) failed");
  }
  return digest;
}

std::string sha256_hex(std::string_view data) {
  return hex_lower(sha256(data));
}

Sha256Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view data) {
  Sha256Digest mac{};
  unsigned int length = 0;
  // HMAC() is a thin wrapper over EVP_MAC in OpenSSL 3 and avoids a context allocation
  // per call (the signer calls it five times per request when the key is not cached).
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
           &length) == nullptr ||
      length != mac.size()) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
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

void base64_encode_append(std::string_view data, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + base64_encoded_size(data.size()));
  char* p = out.data() + start;
  const auto* in = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | std::uint32_t{in[i + 2]};
    *p++ = base64_alphabet[(v >> 18) & 0x3f];
    *p++ = base64_alphabet[(v >> 12) & 0x3f];
    *p++ = base64_alphabet[(v >> 6) & 0x3f];
    *p++ = base64_alphabet[v & 0x3f];
  }
  const std::size_t rest = data.size() - i;
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
