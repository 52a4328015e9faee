#pragma once
// AWS Signature Version 4, in the spec's stages, each a pure function with its own
// tests: canonical request -> string to sign -> signing key -> signature ->
// Authorization header. The signing time is always an argument; the signer never reads
// a clock.
//
// Canonicalisation rules (they match botocore and aws-c-auth on the AWS test suites):
// - URI: the request path, normalised (dot segments removed, repeated slashes collapsed,
//   a trailing slash kept) unless SigningOptions::normalize_path is false, then every byte
//   outside the unreserved set A-Z a-z 0-9 - . _ ~ and '/' percent-encoded (upper-case
//   hex). The path is encoded once more even if it already holds %XX escapes: that is the
//   "double encoding" AWS expects of every service but S3.
// - Query: split on '&', each parameter percent-decoded then re-encoded (unreserved set
//   only, so '/' and '=' are escaped), a missing '=' meaning an empty value; sorted by
//   encoded name, then encoded value.
// - Headers: names lower-cased; values trimmed, runs of whitespace (space, tab, CR, LF)
//   collapsed to one space, so folded multi-line values become one line; headers with
//   the same name joined with ',' in the order they appear; sorted by name. Every header
//   the request holds is signed (an Authorization header is never signed: sign() removes
//   an old one first, so a request can be re-signed).

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "https/http_request.hpp"

namespace canhose::aws {

struct SigningOptions {
  // Remove dot segments and repeated slashes from the path before encoding it. Off only
  // for S3, whose object keys may legitimately contain them.
  bool normalize_path = true;
  // Add X-Amz-Security-Token after signing instead of signing it (a few legacy services
  // require that; aws-c-auth's "omit_session_token"). Firehose signs the token.
  bool omit_session_token = false;
  // Add and sign X-Amz-Content-Sha256 with the payload hash (S3-style services).
  bool content_sha256_header = false;
};

class SigV4Signer {
 public:
  SigV4Signer(std::string region, std::string service);
  SigV4Signer(std::string region, std::string service, SigningOptions options);
  ~SigV4Signer();
  SigV4Signer(const SigV4Signer&) = delete;
  SigV4Signer& operator=(const SigV4Signer&) = delete;

  // Adds X-Amz-Date (and X-Amz-Security-Token when the credentials have one) and
  // Authorization to `request`, signing every header it holds. Replaces those headers if
  // they are already present (re-signing after a clock correction).
  // Not thread-safe (the signing-key cache): use one signer per thread / event loop.
  void sign(https::HttpRequest& request, const Credentials& credentials,
            std::chrono::system_clock::time_point now);

  // Query-string signing (a presigned URL): appends X-Amz-Algorithm, X-Amz-Credential,
  // X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders (X-Amz-Security-Token unless
  // omit_session_token) and finally X-Amz-Signature to request.query, signing every header
  // the request holds. No header is added. canhose's own requests use sign(); this is for
  // handing a time-limited URL to another program.
  void presign(https::HttpRequest& request, const Credentials& credentials,
               std::chrono::system_clock::time_point now, std::chrono::seconds expires);

  // The stages, exposed for tests and for reuse.
  static std::string canonical_request(const https::HttpRequest& request,
                                       std::string_view payload_hash_hex,
                                       bool normalize_path = true);
  static std::string canonical_uri(std::string_view path, bool normalize_path);
  static std::string canonical_query(std::string_view query);
  // "name:value\n" for each header, sorted, as the canonical request holds them.
  static std::string canonical_headers(const https::HttpRequest& request);
  static std::string signed_headers(const https::HttpRequest& request);
  std::string string_to_sign(std::string_view amz_date, std::string_view canonical_request) const;
  // "20150830/us-east-1/service/aws4_request" for date "20150830".
  std::string credential_scope(std::string_view date) const;
  // Hex HMAC of `string_to_sign` under the signing key derived from `secret` for `date`
  // (YYYYMMDD), region and service. The derived key is cached per date and secret.
  std::string signature(std::string_view secret, std::string_view date,
                        std::string_view string_to_sign);
  std::string authorization(std::string_view access_key_id, std::string_view signed_headers,
                            std::string_view signature_hex, std::string_view date) const;

  // "20150830T123600Z" (UTC, whole seconds truncated).
  static std::string amz_date(std::chrono::system_clock::time_point t);
  // Percent-encodes every byte outside A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash).
  static std::string uri_encode(std::string_view bytes, bool keep_slash);

  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }
  const SigningOptions& options() const { return options_; }
  // How many times the signing key was derived (tests check the cache with it).
  std::uint64_t key_derivations() const { return key_derivations_; }

 private:
  const std::array<std::uint8_t, 32>& signing_key(std::string_view secret, std::string_view date);
  void wipe_cache() noexcept;

  std::string region_;
  std::string service_;
  SigningOptions options_;
  // Signing-key cache. Invariant: when cache_valid_, cached_key_ is the key derived from
  // the secret whose SHA-256 is cached_secret_hash_, for cached_date_, region_, service_.
  // Key and secret hash are wiped (OPENSSL_cleanse) when replaced and on destruction.
  bool cache_valid_ = false;
  std::array<char, 8> cached_date_{};
  std::array<std::uint8_t, 32> cached_secret_hash_{};
  std::array<std::uint8_t, 32> cached_key_{};
  std::uint64_t key_derivations_ = 0;
};

}  // namespace canhose::aws
