#include "aws/crypto.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>

namespace canhose::aws::crypto {
namespace {

TEST(Sha256, EmptyInputHasTheWellKnownDigest) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, FipsExampleAbc) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HmacSha256, Rfc4231TestCase2) {
  const auto mac = hmac_sha256(std::string_view("Jefe"), "what do ya want for nothing?");
  EXPECT_EQ(hex_lower(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Rfc4231TestCase6KeyLongerThanBlock) {
  const std::string key(131, '\xaa');
  const auto mac = hmac_sha256(key, "Test Using Larger Than Block-Size Key - Hash Key First");
  EXPECT_EQ(hex_lower(mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HexLower, UsesLowerCaseDigitsAndLeadingZeros) {
  const std::uint8_t bytes[] = {0x00, 0x0f, 0xab, 0xff};
  EXPECT_EQ(hex_lower(bytes), "000fabff");
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("{\"v\":1}\n"), "eyJ2IjoxfQo=");  // the botocore-signed record
}

TEST(Base64, EncodedSizeMatchesEncoding) {
  for (std::size_t n = 0; n < 20; ++n) {
    EXPECT_EQ(base64_encode(std::string(n, 'x')).size(), base64_encoded_size(n)) << n;
  }
}

TEST(Base64, RoundTripsRandomBinary) {
  std::mt19937 rng(42);
  for (int n = 0; n < 200; ++n) {
    std::string data(static_cast<std::size_t>(n), '\0');
    for (char& c : data)
      c = static_cast<char>(rng());
    const auto decoded = base64_decode(base64_encode(data));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, data);
  }
}

// The encoder works 6 bytes at a time from an 8-byte load; OpenSSL's EVP_EncodeBlock is
// the independent reference for every length and alignment, appended after a prefix.
TEST(Base64, MatchesOpenSslForEveryLengthAndOffset) {
  std::mt19937 rng(7);
  std::string data(300, '\0');
  for (char& c : data)
    c = static_cast<char>(rng());
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t n = 0; offset + n <= data.size(); ++n) {
      const std::string_view in = std::string_view(data).substr(offset, n);
      std::string expected(base64_encoded_size(n) + 1, '\0');
      const int written =
          EVP_EncodeBlock(reinterpret_cast<unsigned char*>(expected.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(n));
      expected.resize(static_cast<std::size_t>(written));
      std::string out = "prefix";
      base64_encode_append(in, out);
      ASSERT_EQ(out, "prefix" + expected) << "offset " << offset << " length " << n;
    }
  }
}

TEST(Base64, DecodeRejectsMalformedText) {
  EXPECT_FALSE(base64_decode("Zg=").has_value());       // bad length
  EXPECT_FALSE(base64_decode("Z===").has_value());      // too much padding
  EXPECT_FALSE(base64_decode("Zg=a").has_value());      // data after padding
  EXPECT_FALSE(base64_decode("Zm9v\n").has_value());    // whitespace
  EXPECT_FALSE(base64_decode("Zm9*").has_value());      // not in the alphabet
  EXPECT_FALSE(base64_decode("Zh==").has_value());      // non-zero bits under padding
  EXPECT_FALSE(base64_decode("Zg==Zg==").has_value());  // padding mid-text
}

TEST(Cleanse, ZeroesTheBuffer) {
  std::array<std::uint8_t, 16> buffer;
  buffer.fill(0x5a);
  cleanse(buffer.data(), buffer.size());
  for (auto b : buffer)
    EXPECT_EQ(b, 0);
}

}  // namespace
}  // namespace canhose::aws::crypto
