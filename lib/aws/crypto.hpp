#pragma once
// The few cryptographic and encoding primitives SigV4 and the Firehose wire format need,
// on OpenSSL 3 (EVP). Each is a small pure function; none keeps state between calls.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace canhose::aws::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

// SHA-256 of `data`.
Sha256Digest sha256(std::string_view data);
// SHA-256 of `data` as 64 lower-case hex digits (the SigV4 payload hash).
std::string sha256_hex(std::string_view data);

// HMAC-SHA256(key, data).
Sha256Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view data);
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

// Lower-case hex of `bytes`: {0xab, 0x01} -> "ab01".
std::string hex_lower(std::span<const std::uint8_t> bytes);

// Standard base64 (RFC 4648 section 4, with '=' padding, no line breaks).
std::string base64_encode(std::string_view data);
// Appends the base64 of `data` to `out` (no temporary string: used to build request bodies).
void base64_encode_append(std::string_view data, std::string& out);
// Length of base64_encode(data) for data of `n` bytes.
constexpr std::size_t base64_encoded_size(std::size_t n) {
  return (n + 2) / 3 * 4;
}
// Decodes standard padded base64; nullopt if `text` is not valid base64 (bad character,
// bad length or bad padding). Whitespace is not accepted.
std::optional<std::string> base64_decode(std::string_view text);

// Overwrites `size` bytes at `data` with zeros in a way the compiler may not remove.
void cleanse(void* data, std::size_t size);

}  // namespace canhose::aws::crypto
