#pragma once
// Checks the SigV4 signature of a request to the local ingest endpoint (ingest.auth:
// sigv4) against the locally configured keys, by signing it again with the project's own
// signer (aws::SigV4Signer) and comparing in constant time.
//
// Checked in the order the coral-based AWS JSON services check (the emulator's table,
// tests/firehose_emulator/README.md), so a producer with a wrong clock hears about the
// clock first; every failure is HTTP 400 with the service's error code:
//   no Authorization, or not AWS4-...               MissingAuthenticationTokenException
//   Credential / SignedHeaders / Signature missing,
//   or neither X-Amz-Date nor Date                  IncompleteSignatureException
//   a date that cannot be read                      IncompleteSignatureException
//   more than 5 minutes off the server clock        InvalidSignatureException (expired /
//                                                   not yet current)
//   Host not among the signed headers               InvalidSignatureException
//   another algorithm than AWS4-HMAC-SHA256         IncompleteSignatureException
//   a Credential that is not KEY/DATE/REGION/firehose/aws4_request, or whose date is not
//   the request's day                               InvalidSignatureException
//   an access key id not configured here, or a
//   session token (local keys have none)            UnrecognizedClientException
//   a signed header missing, or another signature   InvalidSignatureException
// The region of the credential scope is taken as the producer sent it: the local keys are
// the secret, the region name adds nothing to it. Secrets never appear in an answer.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/firehose_ingest_api.hpp"
#include "ingest/ingest_options.hpp"

namespace canhose::aws {
class SigV4Signer;
}  // namespace canhose::aws

namespace canhose::ingest {

struct SignedRequest {
  std::string_view method;
  std::string_view target;  // "/" or "/path?query", as on the request line
  std::vector<std::pair<std::string_view, std::string_view>> headers;  // as received
  std::string_view body;
};

class SigV4RequestVerifier {
 public:
  explicit SigV4RequestVerifier(std::vector<IngestKey> keys);
  ~SigV4RequestVerifier();
  SigV4RequestVerifier(const SigV4RequestVerifier&) = delete;
  SigV4RequestVerifier& operator=(const SigV4RequestVerifier&) = delete;

  // nullopt when the request is signed by a configured key; otherwise the answer to give.
  // The signing-key cache makes this non-const: one verifier per event loop.
  std::optional<IngestResponse> verify(const SignedRequest& request,
                                       std::chrono::system_clock::time_point now);

 private:
  std::vector<IngestKey> keys_;
  // Signer for the region of the last request (producers on one box use one region).
  std::unique_ptr<aws::SigV4Signer> signer_;
};

}  // namespace canhose::ingest
