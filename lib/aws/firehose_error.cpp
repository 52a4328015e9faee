#include "aws/firehose_error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace canhose::aws {

namespace {

bool contains_ci(std::string_view haystack, std::string_view needle) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != haystack.end();
}

// "com.amazonaws.firehose#ResourceNotFoundException" and
// "ResourceNotFoundException:http://internal.amazon.com/coral/..." both name
// "ResourceNotFoundException".
std::string bare_code(std::string_view code) {
  const auto hash = code.rfind('#');
  if (hash != std::string_view::npos) {
    code = code.substr(hash + 1);
  }
  const auto colon = code.find(':');
  if (colon != std::string_view::npos) {
    code = code.substr(0, colon);
  }
  while (!code.empty() && code.back() == ' ')
    code.remove_suffix(1);
  while (!code.empty() && code.front() == ' ')
    code.remove_prefix(1);
  return std::string(code);
}

// A printable prefix of an unexpected body for the log (bodies may be HTML from a proxy).
std::string body_excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 200)) {
    out.push_back((c >= 0x20 && c < 0x7f) ? c : '.');
  }
  if (body.size() > 200)
    out += "...";
  return out;
}

}  // namespace

std::string_view to_string(FirehoseErrorKind kind) {
  switch (kind) {
    case FirehoseErrorKind::none:
      return "none";
    case FirehoseErrorKind::throttled:
      return "throttled";
    case FirehoseErrorKind::not_found:
      return "not-found";
    case FirehoseErrorKind::invalid_argument:
      return "invalid-argument";
    case FirehoseErrorKind::invalid_kms_resource:
      return "invalid-kms-resource";
    case FirehoseErrorKind::invalid_source:
      return "invalid-source";
    case FirehoseErrorKind::resource_in_use:
      return "resource-in-use";
    case FirehoseErrorKind::limit_exceeded:
      return "limit-exceeded";
    case FirehoseErrorKind::auth:
      return "auth";
    case FirehoseErrorKind::expired_credentials:
      return "expired-credentials";
    case FirehoseErrorKind::clock_skew:
      return "clock-skew";
    case FirehoseErrorKind::server:
      return "server";
    case FirehoseErrorKind::client:
      return "client";
    case FirehoseErrorKind::malformed_response:
      return "malformed-response";
    case FirehoseErrorKind::transport:
      return "transport";
    case FirehoseErrorKind::credentials:
      return "credentials";
  }
  return "unknown";
}

ErrorAction action_for(FirehoseErrorKind kind) {
  switch (kind) {
    case FirehoseErrorKind::none:
      return ErrorAction::none;
    case FirehoseErrorKind::throttled:
      return ErrorAction::slow_down;
    case FirehoseErrorKind::server:
    case FirehoseErrorKind::transport:
    // A 200 with a body we cannot read: the records' fate is unknown, so they are resent
    // (at-least-once; record ids let downstream drop the duplicates).
    case FirehoseErrorKind::malformed_response:
    // The stream being created/updated, or a KMS key being fixed, clears up by itself;
    // the delivery part backs off for a long time rather than dropping data.
    case FirehoseErrorKind::resource_in_use:
      return ErrorAction::retry;
    case FirehoseErrorKind::expired_credentials:
    case FirehoseErrorKind::credentials:
      return ErrorAction::refresh_credentials;
    case FirehoseErrorKind::clock_skew:
      return ErrorAction::correct_clock;
    case FirehoseErrorKind::not_found:
    case FirehoseErrorKind::invalid_argument:
    case FirehoseErrorKind::invalid_kms_resource:
    case FirehoseErrorKind::invalid_source:
    case FirehoseErrorKind::limit_exceeded:
    case FirehoseErrorKind::auth:
    case FirehoseErrorKind::client:
      return ErrorAction::give_up;
  }
  return ErrorAction::give_up;
}

bool is_clock_skew(std::string_view code, std::string_view message) {
  if (code == "RequestTimeTooSkewed" || code == "RequestExpired") {
    return true;
  }
  if (code == "InvalidSignatureException" || code == "SignatureDoesNotMatch" ||
      code == "AccessDeniedException") {
    return contains_ci(message, "Signature expired") ||
           contains_ci(message, "Signature not yet current");
  }
  return false;
}

FirehoseErrorKind kind_for_code(std::string_view code, std::string_view message,
                                unsigned http_status) {
  if (is_clock_skew(code, message))
    return FirehoseErrorKind::clock_skew;
  if (code == "ServiceUnavailableException" || code == "ThrottlingException" ||
      code == "Throttling" || code == "TooManyRequestsException" ||
      code == "ProvisionedThroughputExceededException") {
    return FirehoseErrorKind::throttled;
  }
  if (code == "LimitExceededException") {
    // Firehose uses it for quotas (too many streams); AWS front ends also use it for
    // request rates ("Rate exceeded").
    return contains_ci(message, "rate") ? FirehoseErrorKind::throttled
                                        : FirehoseErrorKind::limit_exceeded;
  }
  if (code == "ResourceNotFoundException")
    return FirehoseErrorKind::not_found;
  if (code == "InvalidArgumentException" || code == "ValidationException" ||
      code == "SerializationException") {
    return FirehoseErrorKind::invalid_argument;
  }
  if (code == "InvalidKMSResourceException")
    return FirehoseErrorKind::invalid_kms_resource;
  if (code == "InvalidSourceException")
    return FirehoseErrorKind::invalid_source;
  if (code == "ResourceInUseException")
    return FirehoseErrorKind::resource_in_use;
  if (code == "ExpiredTokenException" || code == "ExpiredToken") {
    return FirehoseErrorKind::expired_credentials;
  }
  if (code == "UnrecognizedClientException" || code == "InvalidSignatureException" ||
      code == "AccessDeniedException" || code == "MissingAuthenticationToken" ||
      code == "MissingAuthenticationTokenException" || code == "IncompleteSignature" ||
      code == "IncompleteSignatureException" || code == "InvalidClientTokenId" ||
      code == "SignatureDoesNotMatch") {
    return FirehoseErrorKind::auth;
  }
  if (code == "InternalFailure" || code == "InternalServerError")
    return FirehoseErrorKind::server;
  // Unknown or absent codes: the status decides.
  if (http_status == 429 || http_status == 503)
    return FirehoseErrorKind::throttled;
  if (http_status >= 500)
    return FirehoseErrorKind::server;
  if (http_status == 401 || http_status == 403)
    return FirehoseErrorKind::auth;
  if (http_status == 408)
    return FirehoseErrorKind::server;  // request timeout: transient
  return FirehoseErrorKind::client;
}

FirehoseError classify_error_response(const https::HttpResponse& response,
                                      const ServerTextRedactor& redactor) {
  FirehoseError error;
  error.http_status = response.status;
  if (const std::string* id = response.header("x-amzn-RequestId")) {
    error.request_id = *id;
  }
  std::string code;
  std::string message;
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    for (const char* key : {"__type", "code", "Code"}) {
      auto it = body.find(key);
      if (it != body.end() && it->is_string()) {
        code = bare_code(it->get<std::string>());
        break;
      }
    }
    for (const char* key : {"message", "Message", "errorMessage"}) {
      auto it = body.find(key);
      if (it != body.end() && it->is_string()) {
        message = it->get<std::string>();
        break;
      }
    }
  } else if (!response.body.empty()) {
    // Redacted whole, then cut: a secret cut in two would no longer match its exact value.
    message = "unexpected body: " + body_excerpt(redactor.redact(response.body));
  }
  if (code.empty()) {
    if (const std::string* type = response.header("X-Amzn-ErrorType")) {
      code = bare_code(*type);
    }
  }
  error.code = code;
  error.message = message;
  error.kind = kind_for_code(code, message, response.status);
  return error;
}

std::string FirehoseError::describe() const {
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

}  // namespace canhose::aws
