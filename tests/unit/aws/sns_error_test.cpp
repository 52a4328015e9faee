// SNS error documents -> typed errors: the code, the redacted message, whether a retry can
// help, and the words an operator reads in `canhose status`.

#include "aws/sns_error.hpp"

#include <gtest/gtest.h>

#include "aws/credentials.hpp"

namespace canhose::aws {
namespace {

https::HttpResponse answer(unsigned status, std::string body) {
  https::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers.emplace_back("x-amzn-RequestId", "header-request-id");
  return response;
}

std::string error_document(std::string_view type, std::string_view code, std::string_view message) {
  return "<?xml version=\"1.0\"?>\n<ErrorResponse "
         "xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <Error>\n    <Type>" +
         std::string(type) + "</Type>\n    <Code>" + std::string(code) + "</Code>\n    <Message>" +
         std::string(message) +
         "</Message>\n  </Error>\n  <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>\n"
         "</ErrorResponse>\n";
}

TEST(SnsErrorTest, ReadsTheQueryErrorDocument) {
  const SnsError error = classify_sns_error_response(
      answer(404, error_document("Sender", "NotFound", "Topic does not exist")));
  EXPECT_EQ(error.kind, SnsErrorKind::not_found);
  EXPECT_EQ(error.code, "NotFound");
  EXPECT_EQ(error.message, "Topic does not exist");
  EXPECT_EQ(error.request_id, "9dd01905-5012-5f99-8663-4b3ecd0dfaef");
  EXPECT_EQ(error.http_status, 404u);
  EXPECT_FALSE(error.retryable());
  EXPECT_EQ(error.describe(),
            "NotFound (HTTP 404): Topic does not exist [request "
            "9dd01905-5012-5f99-8663-4b3ecd0dfaef]");
}

TEST(SnsErrorTest, EachCodeOfThePublishModelHasItsKindAndRetryability) {
  const struct {
    unsigned status;
    const char* code;
    const char* message;
    SnsErrorKind kind;
    bool retryable;
  } cases[] = {
      {400, "Throttling", "Rate exceeded", SnsErrorKind::throttled, true},
      {429, "Throttled", "", SnsErrorKind::throttled, true},
      {400, "KMSThrottling", "", SnsErrorKind::throttled, true},
      {503, "ServiceUnavailable", "", SnsErrorKind::throttled, true},
      {500, "InternalError", "Internal Error", SnsErrorKind::server, true},
      {500, "InternalFailure", "", SnsErrorKind::server, true},
      {403, "SignatureDoesNotMatch",
       "Signature expired: 20261125T120000Z is now earlier than 20261125T124500Z "
       "(20261125T130000Z - 15 min.)",
       SnsErrorKind::clock_skew, true},
      {400, "RequestExpired", "", SnsErrorKind::clock_skew, true},
      {403, "ExpiredToken", "The security token included in the request is expired",
       SnsErrorKind::expired_credentials, true},
      {403, "InvalidClientTokenId", "The security token included in the request is invalid.",
       SnsErrorKind::auth, false},
      {403, "SignatureDoesNotMatch", "The request signature we calculated does not match",
       SnsErrorKind::auth, false},
      {400, "IncompleteSignature", "", SnsErrorKind::auth, false},
      {403, "MissingAuthenticationToken", "", SnsErrorKind::auth, false},
      {403, "InvalidSecurity", "", SnsErrorKind::auth, false},
      {403, "AuthorizationError", "User: arn:aws:iam::1:user/x is not authorized",
       SnsErrorKind::forbidden, false},
      {404, "NotFound", "Topic does not exist", SnsErrorKind::not_found, false},
      {400, "InvalidParameter", "Invalid parameter: Subject", SnsErrorKind::invalid_parameter,
       false},
      {400, "ParameterValueInvalid", "", SnsErrorKind::invalid_parameter, false},
      {400, "ValidationException", "", SnsErrorKind::invalid_parameter, false},
      {400, "KMSDisabled", "", SnsErrorKind::kms, false},
      {400, "KMSInvalidState", "", SnsErrorKind::kms, false},
      {400, "KMSNotFound", "", SnsErrorKind::kms, false},
      {400, "KMSAccessDenied", "", SnsErrorKind::kms, false},
      {403, "KMSOptInRequired", "", SnsErrorKind::kms, false},
      {400, "EndpointDisabled", "", SnsErrorKind::client, false},
  };
  for (const auto& c : cases) {
    const SnsError error =
        classify_sns_error_response(answer(c.status, error_document("Sender", c.code, c.message)));
    EXPECT_EQ(error.kind, c.kind) << c.code << " " << c.message;
    EXPECT_EQ(error.retryable(), c.retryable) << c.code;
    EXPECT_EQ(error.code, c.code);
  }
}

TEST(SnsErrorTest, WithoutADocumentTheStatusDecides) {
  const struct {
    unsigned status;
    SnsErrorKind kind;
  } cases[] = {
      {429, SnsErrorKind::throttled}, {503, SnsErrorKind::throttled},
      {502, SnsErrorKind::server},    {408, SnsErrorKind::server},
      {401, SnsErrorKind::auth},      {403, SnsErrorKind::forbidden},
      {404, SnsErrorKind::not_found}, {400, SnsErrorKind::client},
  };
  for (const auto& c : cases) {
    const SnsError error =
        classify_sns_error_response(answer(c.status, "<html><body>Bad Gateway</body></html>"));
    EXPECT_EQ(error.kind, c.kind) << c.status;
    EXPECT_EQ(error.message, "unexpected body: <html><body>Bad Gateway</body></html>");
    EXPECT_EQ(error.request_id, "header-request-id");
  }
  // A truncated document is no document.
  const SnsError truncated = classify_sns_error_response(
      answer(500, error_document("Receiver", "InternalError", "x").substr(0, 120)));
  EXPECT_EQ(truncated.kind, SnsErrorKind::server);
  EXPECT_TRUE(truncated.code.empty());
}

TEST(SnsErrorTest, TheSignatureMismatchQuotingTheSessionTokenIsRedacted) {
  Credentials credentials;
  credentials.access_key_id = "ASIAEXAMPLE";
  credentials.secret_access_key = base::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  credentials.session_token = base::Secret("IQoJb3JpZ2luX2VjEXAMPLETOKEN");
  const std::string message =
      "The request signature we calculated does not match the signature you provided.\n\n"
      "The Canonical String for this request should have been\n'POST\n/\n\n"
      "host:sns.us-east-1.amazonaws.com\nx-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLETOKEN\n'";
  const SnsError error = classify_sns_error_response(
      answer(403, error_document("Sender", "SignatureDoesNotMatch", message)),
      ServerTextRedactor(credentials));
  EXPECT_EQ(error.kind, SnsErrorKind::auth);
  EXPECT_EQ(error.message.find("IQoJb3JpZ2luX2VjEXAMPLETOKEN"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("does not match"), std::string::npos);
  // A body that is not a document is redacted whole before it is cut.
  const SnsError raw = classify_sns_error_response(
      answer(502, std::string(190, '.') + "IQoJb3JpZ2luX2VjEXAMPLETOKEN"),
      ServerTextRedactor(credentials));
  EXPECT_EQ(raw.message.find("IQoJb3"), std::string::npos) << raw.message;
}

TEST(SnsErrorTest, AdviceNamesThePermissionTheTopicAndTheKeysToCheck) {
  const std::string arn = "arn:aws:sns:eu-west-1:123456789012:fleet-alerts";
  const std::string endpoint = "https://sns.eu-west-1.amazonaws.com";
  SnsError error;
  error.kind = SnsErrorKind::forbidden;
  EXPECT_EQ(sns_error_advice(error, arn, endpoint),
            "The credentials are valid but not allowed to publish: grant the IAM action "
            "sns:Publish on arn:aws:sns:eu-west-1:123456789012:fleet-alerts to the user or role "
            "that signs (credentials.*).");
  error.kind = SnsErrorKind::not_found;
  EXPECT_EQ(sns_error_advice(error, arn, endpoint),
            "There is no topic arn:aws:sns:eu-west-1:123456789012:fleet-alerts in region "
            "eu-west-1 of account 123456789012: check alerts.topic_arn.");
  error.kind = SnsErrorKind::auth;
  EXPECT_NE(sns_error_advice(error, arn, endpoint).find("wrong secret"), std::string::npos);
  error.kind = SnsErrorKind::transport;
  EXPECT_NE(sns_error_advice(error, arn, endpoint).find(endpoint), std::string::npos);
  error.kind = SnsErrorKind::kms;
  EXPECT_NE(sns_error_advice(error, arn, endpoint).find("kms:GenerateDataKey"), std::string::npos);
  for (auto kind :
       {SnsErrorKind::throttled, SnsErrorKind::server, SnsErrorKind::clock_skew,
        SnsErrorKind::expired_credentials, SnsErrorKind::credentials,
        SnsErrorKind::invalid_parameter, SnsErrorKind::malformed_response, SnsErrorKind::client}) {
    error.kind = kind;
    EXPECT_FALSE(sns_error_advice(error, arn, endpoint).empty()) << to_string(kind);
  }
  error.kind = SnsErrorKind::none;
  EXPECT_EQ(sns_error_advice(error, arn, endpoint), "");
}

}  // namespace
}  // namespace canhose::aws
