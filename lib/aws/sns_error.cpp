#include "aws/sns_error.hpp"

#include <array>

#include "aws/xml_document.hpp"

namespace canhose::aws {

namespace {

bool one_of(std::string_view code, std::initializer_list<std::string_view> codes) {
  for (std::string_view c : codes) {
    if (code == c) {
      return true;
    }
  }
  return false;
}

// A printable prefix of an unexpected body (proxies answer with HTML pages).
std::string body_excerpt(std::string_view body) {
  constexpr std::size_t limit = 200;
  std::string out;
  for (char c : body.substr(0, limit)) {
    out.push_back((c >= 0x20 && c < 0x7f) ? c : '.');
  }
  if (body.size() > limit) {
    out += "...";
  }
  return out;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// "arn:aws:sns:eu-west-1:123456789012:alerts" -> ("eu-west-1", "123456789012"); empty
// parts for anything else (the advice then says less).
std::array<std::string_view, 2> region_and_account(std::string_view arn) {
  std::array<std::string_view, 6> parts{};
  for (std::size_t i = 0; i < 5; ++i) {
    const auto colon = arn.find(':');
    if (colon == std::string_view::npos) {
      return {};
    }
    parts[i] = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
  }
  return {parts[3], parts[4]};
}

}  // namespace

std::string_view to_string(SnsErrorKind kind) {
  switch (kind) {
    case SnsErrorKind::none:
      return "none";
    case SnsErrorKind::throttled:
      return "throttled";
    case SnsErrorKind::server:
      return "server";
    case SnsErrorKind::transport:
      return "transport";
    case SnsErrorKind::malformed_response:
      return "malformed-response";
    case SnsErrorKind::clock_skew:
      return "clock-skew";
    case SnsErrorKind::expired_credentials:
      return "expired-credentials";
    case SnsErrorKind::credentials:
      return "credentials";
    case SnsErrorKind::auth:
      return "auth";
    case SnsErrorKind::forbidden:
      return "forbidden";
    case SnsErrorKind::not_found:
      return "not-found";
    case SnsErrorKind::invalid_parameter:
      return "invalid-parameter";
    case SnsErrorKind::kms:
      return "kms";
    case SnsErrorKind::client:
      return "client";
  }
  return "unknown";
}

ErrorAction action_for(SnsErrorKind kind) {
  switch (kind) {
    case SnsErrorKind::none:
      return ErrorAction::none;
    case SnsErrorKind::throttled:
      return ErrorAction::slow_down;
    case SnsErrorKind::server:
    case SnsErrorKind::transport:
    // A 200 we cannot read: SNS probably published the message. Sending it again may
    // notify twice on a standard topic (a FIFO topic drops the copy within its 5-minute
    // deduplication window); a duplicate alert is better than a lost one.
    case SnsErrorKind::malformed_response:
      return ErrorAction::retry;
    case SnsErrorKind::clock_skew:
      return ErrorAction::correct_clock;
    case SnsErrorKind::expired_credentials:
    case SnsErrorKind::credentials:
      return ErrorAction::refresh_credentials;
    // The rest need the operator: other keys, an IAM or KMS key policy, another topic ARN,
    // or a program fix. The same request cannot succeed before that.
    case SnsErrorKind::auth:
    case SnsErrorKind::forbidden:
    case SnsErrorKind::not_found:
    case SnsErrorKind::invalid_parameter:
    case SnsErrorKind::kms:
    case SnsErrorKind::client:
      return ErrorAction::give_up;
  }
  return ErrorAction::give_up;
}

SnsErrorKind sns_kind_for_code(std::string_view code, std::string_view message,
                               unsigned http_status) {
  // Query services answer a signing time outside their window with SignatureDoesNotMatch
  // "Signature expired: ..." (or RequestExpired).
  if (is_clock_skew(code, message)) {
    return SnsErrorKind::clock_skew;
  }
  // "Throttling" (HTTP 400, "Rate exceeded") is what SNS answers when Publish exceeds the
  // account's rate; "Throttled" (429) is the model's ThrottledException. KMSThrottling is
  // KMS refusing the data key for the same reason: it clears when the rate drops.
  if (one_of(code, {"Throttling", "Throttled", "ThrottlingException", "TooManyRequestsException",
                    "RequestLimitExceeded", "KMSThrottling", "ServiceUnavailable",
                    "ServiceUnavailableException"})) {
    return SnsErrorKind::throttled;
  }
  if (one_of(code, {"InternalError", "InternalFailure", "InternalServerError"})) {
    return SnsErrorKind::server;
  }
  if (one_of(code, {"ExpiredToken", "ExpiredTokenException"})) {
    return SnsErrorKind::expired_credentials;
  }
  if (one_of(code, {"InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature",
                    "MissingAuthenticationToken", "InvalidSecurity", "UnrecognizedClientException",
                    "InvalidSignatureException", "MissingAuthenticationTokenException"})) {
    return SnsErrorKind::auth;
  }
  if (one_of(code, {"AuthorizationError", "AccessDenied", "AccessDeniedException"})) {
    return SnsErrorKind::forbidden;
  }
  if (one_of(code, {"NotFound", "ResourceNotFound"})) {
    return SnsErrorKind::not_found;
  }
  if (one_of(code, {"InvalidParameter", "ParameterValueInvalid", "InvalidParameterValue",
                    "ValidationException", "ValidationError", "MissingParameter",
                    "MalformedQueryString", "InvalidAction", "MissingAction"})) {
    return SnsErrorKind::invalid_parameter;
  }
  if (one_of(code, {"KMSDisabled", "KMSInvalidState", "KMSNotFound", "KMSAccessDenied",
                    "KMSOptInRequired"})) {
    return SnsErrorKind::kms;
  }
  // Unknown or absent codes: the status decides.
  if (http_status == 429 || http_status == 503) {
    return SnsErrorKind::throttled;
  }
  if (http_status >= 500 || http_status == 408) {
    return SnsErrorKind::server;
  }
  if (http_status == 401) {
    return SnsErrorKind::auth;
  }
  if (http_status == 403) {
    return SnsErrorKind::forbidden;
  }
  if (http_status == 404) {
    return SnsErrorKind::not_found;
  }
  return SnsErrorKind::client;
}

SnsError classify_sns_error_response(const https::HttpResponse& response,
                                     const ServerTextRedactor& redactor) {
  SnsError error;
  error.http_status = response.status;
  const XmlParseResult document = parse_xml(response.body);
  const XmlElement* fields = nullptr;
  if (document.ok() && document.root.local_name() == "ErrorResponse") {
    fields = document.root.child("Error");
  }
  if (fields != nullptr) {
    if (const XmlElement* code = fields->child("Code")) {
      error.code = redactor.redact(trimmed(code->text));
    }
    if (const XmlElement* message = fields->child("Message")) {
      error.message = redactor.redact(trimmed(message->text));
    }
    const XmlElement* id = document.root.child("RequestId");
    if (id == nullptr) {
      id = fields->child("RequestId");
    }
    if (id != nullptr) {
      error.request_id = redactor.redact(trimmed(id->text));
    }
  } else if (!response.body.empty()) {
    // Redacted whole, then cut: a secret cut in two would no longer match its exact value.
    error.message = "unexpected body: " + body_excerpt(redactor.redact(response.body));
  }
  if (error.request_id.empty()) {
    if (const std::string* id = response.header("x-amzn-RequestId")) {
      error.request_id = redactor.redact(*id);
    }
  }
  error.kind = sns_kind_for_code(error.code, error.message, response.status);
  return error;
}

std::string SnsError::describe() const {
  std::string out = code.empty() ? std::string(to_string(kind)) : code;
  if (http_status != 0) {
    out += " (HTTP " + std::to_string(http_status) + ")";
  }
  if (!message.empty()) {
    out += ": " + message;
  }
  if (!request_id.empty()) {
    out += " [request " + request_id + "]";
  }
  return out;
}

std::string sns_error_advice(const SnsError& error, std::string_view topic_arn,
                             std::string_view endpoint_url) {
  const auto [region, account] = region_and_account(topic_arn);
  const std::string topic(topic_arn);
  switch (error.kind) {
    case SnsErrorKind::none:
      return "";
    case SnsErrorKind::throttled:
      return "SNS asks to slow down: alerts are retried with the delivery backoff.";
    case SnsErrorKind::server:
      return "SNS had an internal error: alerts are retried with the delivery backoff.";
    case SnsErrorKind::transport:
      return "SNS at " + std::string(endpoint_url) +
             " cannot be reached: check the network, alerts.endpoint, delivery.ca_file and the "
             "proxy settings.";
    case SnsErrorKind::malformed_response:
      return "The answer was not what SNS sends: is " + std::string(endpoint_url) +
             " (alerts.endpoint) really an SNS endpoint?";
    case SnsErrorKind::clock_skew:
      return "This machine's clock is too far off for AWS to accept the signature: synchronise "
             "it (timedatectl, NTP).";
    case SnsErrorKind::expired_credentials:
      return "The temporary credentials have expired: they are being refreshed (credentials.*).";
    case SnsErrorKind::credentials:
      return "No credentials could be obtained: check credentials.source and its settings "
             "(canhose check-config).";
    case SnsErrorKind::auth:
      return "AWS does not accept these credentials (unknown access key or wrong secret): check "
             "credentials.source and the keys it reads.";
    case SnsErrorKind::forbidden:
      return "The credentials are valid but not allowed to publish: grant the IAM action "
             "sns:Publish on " +
             topic + " to the user or role that signs (credentials.*).";
    case SnsErrorKind::not_found:
      return "There is no topic " + topic +
             (region.empty()
                  ? std::string()
                  : " in region " + std::string(region) + " of account " + std::string(account)) +
             ": check alerts.topic_arn.";
    case SnsErrorKind::invalid_parameter:
      return "SNS refused the message as invalid (see the message above): check alerts.topic_arn "
             "(a FIFO topic needs content-based deduplication or canhose's deduplication ids).";
    case SnsErrorKind::kms:
      return "The topic's KMS key cannot be used: check the key's state and its key policy; the "
             "signer needs kms:GenerateDataKey and kms:Decrypt on it.";
    case SnsErrorKind::client:
      return "SNS refused the request.";
  }
  return "";
}

}  // namespace canhose::aws
