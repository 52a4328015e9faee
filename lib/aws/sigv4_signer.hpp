#pragma once
// AWS Signature Version 4, in the spec's stages, each a pure function with its own
// tests: canonical request -> string to sign -> signing key -> signature ->
// Authorization header. The signing time is always an argument; the signer never reads
// a clock.

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "aws/signable_request.hpp"

namespace canhose::aws {

class SigV4Signer {
 public:
  SigV4Signer(std::string region, std::string service);

  // Adds X-Amz-Date (and X-Amz-Security-Token when the credentials have one) and
  // Authorization to `request`, signing every header it holds.
  void sign(SignableRequest& request, const Credentials& credentials,
            std::chrono::system_clock::time_point now);

  // The stages, exposed for tests and for reuse.
  static std::string canonical_request(const SignableRequest& request,
                                       std::string_view payload_hash_hex);
  static std::string signed_headers(const SignableRequest& request);
  std::string string_to_sign(std::string_view amz_date, std::string_view canonical_request) const;
  std::string authorization(std::string_view access_key_id, std::string_view signed_headers,
                            std::string_view signature_hex, std::string_view date) const;

  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }

  // (The implementation caches the derived signing key per date, keyed also by the
  //  secret, and wipes it when replaced.)

 private:
  std::string region_;
  std::string service_;
  // ... cache members added by the implementation
};

}  // namespace canhose::aws
