#pragma once
// What went wrong with a Firehose call, as a typed kind the delivery part can act on,
// mapped from the AWS JSON 1.1 error shape ({"__type": "...", "message": "..."}, or the
// X-Amzn-ErrorType header) and the HTTP status.

#include <string>
#include <string_view>

#include "aws/server_text_redactor.hpp"
#include "https/http_transport.hpp"

namespace canhose::aws {

enum class FirehoseErrorKind {
  none,
  throttled,             // ServiceUnavailableException, ThrottlingException, 429, 503,
                         // LimitExceededException about a rate: slow down, then retry
  not_found,             // ResourceNotFoundException: the stream does not exist
  invalid_argument,      // InvalidArgumentException: the request is wrong; do not resend it
  invalid_kms_resource,  // InvalidKMSResourceException: the stream's KMS key is unusable
  invalid_source,        // InvalidSourceException: the stream is not DirectPut
  resource_in_use,       // ResourceInUseException (create/delete while busy)
  limit_exceeded,        // LimitExceededException about a quota (number of streams)
  auth,                  // UnrecognizedClientException, InvalidSignatureException,
                         // AccessDeniedException, MissingAuthenticationToken, 401/403
  expired_credentials,   // ExpiredTokenException: temporary credentials ran out
  clock_skew,            // RequestTimeTooSkewed, "Signature expired/not yet current"
  server,                // other 5xx: transient
  client,                // other 4xx: permanent
  malformed_response,    // a 200 whose body is not what the model says
  transport,             // no HTTP response at all (DNS, connect, TLS, reset, timeout)
  credentials,           // no credentials could be obtained to sign with
};

std::string_view to_string(FirehoseErrorKind kind);

// What the caller should do about an error.
enum class ErrorAction {
  none,                 // success
  retry,                // transient: retry after the normal backoff
  slow_down,            // throttled: back off harder, then retry
  refresh_credentials,  // get new credentials, then retry
  correct_clock,        // re-sign with the corrected clock, then retry
  give_up,              // permanent for this request: retrying the same bytes cannot help
};

ErrorAction action_for(FirehoseErrorKind kind);
inline bool retryable(FirehoseErrorKind kind) {
  const ErrorAction a = action_for(kind);
  return a != ErrorAction::give_up && a != ErrorAction::none;
}

struct FirehoseError {
  FirehoseErrorKind kind = FirehoseErrorKind::none;
  unsigned http_status = 0;  // 0 when there was no HTTP response
  std::string code;          // the AWS error code, e.g. "ServiceUnavailableException"
  std::string message;       // the service's or our own explanation (no secrets)
  std::string request_id;    // x-amzn-RequestId, when the service sent one
  bool ok() const { return kind == FirehoseErrorKind::none; }
  bool retryable() const { return aws::retryable(kind); }
  // "ResourceNotFoundException (HTTP 400): Firehose stream x not found"
  std::string describe() const;
};

// Classifies a non-200 response. Never throws: a body that is not JSON still gives an
// error kind from the status, with the body's start as the message. Such a body passes
// `redactor` whole before it is cut, so a secret the cut would split is still found.
FirehoseError classify_error_response(const https::HttpResponse& response,
                                      const ServerTextRedactor& redactor = ServerTextRedactor());

// The kind for an AWS error code and message (exposed for tests and per-record codes).
FirehoseErrorKind kind_for_code(std::string_view code, std::string_view message,
                                unsigned http_status);

// True when an error is a signing-time problem that re-signing with a corrected clock
// fixes.
bool is_clock_skew(std::string_view code, std::string_view message);

}  // namespace canhose::aws
