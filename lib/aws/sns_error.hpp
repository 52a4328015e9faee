#pragma once
// What went wrong with an SNS call, as a typed kind the caller can act on, mapped from the
// Query protocol's error document
//   <ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code>
//   <Message>Topic does not exist</Message></Error><RequestId>..</RequestId></ErrorResponse>
// and the HTTP status (SNS's service model, botocore data sns/2010-03-31, gives each code's
// status: AuthorizationError 403, NotFound 404, InvalidParameter 400, InternalError 500,
// Throttled 429, ...). The actions reuse ErrorAction of the Firehose errors: the same
// backoff and credential handling serve both services.

#include <string>
#include <string_view>

#include "aws/firehose_error.hpp"
#include "aws/server_text_redactor.hpp"
#include "https/http_transport.hpp"

namespace canhose::aws {

enum class SnsErrorKind {
  none,
  throttled,            // Throttling / Throttled / KMSThrottling, HTTP 429 / 503: slow down, retry
  server,               // InternalError, InternalFailure, other 5xx, 408: transient, retry
  transport,            // no HTTP answer (DNS, connect, TLS, reset, timeout): retry
  malformed_response,   // a 200 that is not a PublishResponse: fate unknown, retry
  clock_skew,           // "Signature expired" / "not yet current" (already re-signed once)
  expired_credentials,  // ExpiredToken: temporary credentials ran out; refresh, retry
  credentials,          // no credentials could be obtained to sign with; refresh, retry
  auth,                 // InvalidClientTokenId, SignatureDoesNotMatch, IncompleteSignature,
                        // MissingAuthenticationToken, InvalidSecurity: the key or secret is
                        // wrong; resending cannot help
  forbidden,            // AuthorizationError: valid credentials without sns:Publish on the topic
  not_found,            // NotFound: no such topic (in this account and region)
  invalid_parameter,    // InvalidParameter, ParameterValueInvalid, ValidationException, or a
                        // request canhose refused to send
  kms,                  // KMSDisabled, KMSInvalidState, KMSNotFound, KMSAccessDenied,
                        // KMSOptInRequired: the topic's encryption key cannot be used
  client,               // any other 4xx
};

std::string_view to_string(SnsErrorKind kind);
ErrorAction action_for(SnsErrorKind kind);

struct SnsError {
  SnsErrorKind kind = SnsErrorKind::none;
  unsigned http_status = 0;  // 0 when there was no HTTP response
  std::string code;          // "NotFound", "Throttling", ...
  std::string message;       // the service's or our own explanation (redacted, no secrets)
  std::string request_id;    // the RequestId of the error document or x-amzn-RequestId
  bool ok() const { return kind == SnsErrorKind::none; }
  ErrorAction action() const { return action_for(kind); }
  // True when sending the same request again later can succeed without the operator
  // changing anything (throttling, 5xx, network, a fate-unknown answer, credentials that
  // refresh themselves).
  bool retryable() const {
    const ErrorAction a = action();
    return a != ErrorAction::give_up && a != ErrorAction::none;
  }
  // "NotFound (HTTP 404): Topic does not exist [request 9dd0...]"
  std::string describe() const;
};

// Every result carries `error`; `value` is meaningful only when error.ok().
template <class T>
struct SnsOutcome {
  SnsError error;
  T value{};
  bool ok() const { return error.ok(); }
};

// The kind for an SNS error code, its message and the HTTP status.
SnsErrorKind sns_kind_for_code(std::string_view code, std::string_view message,
                               unsigned http_status);

// Classifies a non-200 response. Never throws: a body that is not an ErrorResponse (a
// proxy's HTML page, a truncated document) still gives a kind from the status, with the
// body's start as the message. The body passes `redactor` whole before it is cut, so a
// secret the cut would split is still found; so does every field taken from the document.
SnsError classify_sns_error_response(const https::HttpResponse& response,
                                     const ServerTextRedactor& redactor = ServerTextRedactor());

// What the operator should do about `error`, in one or two sentences (for the log and
// `canhose status`): the IAM permission that is missing, the key to check, or to wait.
// `topic_arn` and `endpoint_url` are what was called.
std::string sns_error_advice(const SnsError& error, std::string_view topic_arn,
                             std::string_view endpoint_url);

}  // namespace canhose::aws
