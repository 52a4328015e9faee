#include "aws/sns_client.hpp"

#include <stdexcept>

#include "aws/aws_client.hpp"
#include "log/logger.hpp"

namespace canhose::aws {

namespace {

// The judge of SNS answers for SignedRequestSender: re-sign after a clock-skew rejection,
// refresh the credentials after one that says they are wrong or expired. AuthorizationError
// (valid keys without the permission) is left alone: new keys of the same identity would
// not have it either.
SignedRequestSender::Judgement judge_sns_answer(const https::HttpResponse& response,
                                                const ServerTextRedactor& redactor) {
  const SnsError error = classify_sns_error_response(response, redactor);
  SignedRequestSender::Judgement judgement;
  if (error.kind == SnsErrorKind::clock_skew) {
    judgement.verdict = SignedRequestSender::Verdict::clock_skew;
    judgement.reason = error.message;
  } else if (error.kind == SnsErrorKind::auth || error.kind == SnsErrorKind::expired_credentials) {
    judgement.verdict = SignedRequestSender::Verdict::refresh_credentials;
  }
  return judgement;
}

void redact(SnsError& error, const ServerTextRedactor& redactor) {
  error.code = redactor.redact(error.code);
  error.message = redactor.redact(error.message);
  error.request_id = redactor.redact(error.request_id);
}

}  // namespace

SnsClient::SnsClient(asio::any_io_executor executor, https::HttpTransport& transport,
                     CachedCredentials& credentials, ClockOffset& clock, SnsTopicArn topic,
                     https::Endpoint endpoint)
    : executor_(executor),
      topic_(std::move(topic)),
      sender_(std::move(executor), transport, credentials, clock, topic_.region,
              std::string(sns_service), std::move(endpoint)),
      self_(std::make_shared<SnsClient*>(this)) {}

SnsClient::~SnsClient() {
  self_.reset();
}

void SnsClient::publish(const SnsPublishRequest& request, Callback done) {
  SnsPublishBody body = build_publish_body(topic_, request);
  if (!body.ok()) {
    SnsOutcome<SnsPublishResult> refused;
    refused.error.kind = SnsErrorKind::invalid_parameter;
    refused.error.message = "not sent: " + body.error;
    std::weak_ptr<SnsClient*> weak = self_;
    asio::post(executor_, [weak, done = std::move(done), refused = std::move(refused)]() mutable {
      if (weak.lock()) {
        done(std::move(refused));
      }
    });
    return;
  }
  SignedRequestSender::Request call;
  call.operation = "Publish";
  call.headers = {{"Content-Type", std::string(sns_content_type)}};
  call.body = std::make_shared<const std::string>(std::move(body.body));
  call.judge = judge_sns_answer;
  call.done = [done = std::move(done)](SignedRequestSender::Result result) {
    SnsOutcome<SnsPublishResult> out;
    if (!result.credentials_error.empty()) {
      out.error.kind = SnsErrorKind::credentials;
      out.error.message = "no AWS credentials to sign Publish with: " + result.credentials_error;
    } else if (!result.http.ok()) {
      out.error.kind = SnsErrorKind::transport;
      out.error.message = describe_transport_failure(result.http);
    } else if (result.http.response.status == 200) {
      out = parse_publish_response(result.http.response.body);
      const std::string* id = result.http.response.header("x-amzn-RequestId");
      if (!out.ok() && id != nullptr) {
        out.error.request_id = *id;
      }
    } else {
      out.error = classify_sns_error_response(result.http.response, result.redactor);
    }
    redact(out.error, result.redactor);
    if (!out.ok()) {
      log::debug("aws", "Publish: ", out.error.describe());
    }
    done(std::move(out));
  };
  sender_.send(std::move(call));
}

std::unique_ptr<SnsClient> make_sns_client(const asio::any_io_executor& executor, AwsClient& aws,
                                           std::string_view topic_arn,
                                           std::string_view endpoint_override) {
  SnsTopicArnParse topic = parse_topic_arn(topic_arn);
  if (!topic.ok()) {
    throw std::runtime_error("alerts.topic_arn: " + topic.error);
  }
  std::string url(endpoint_override);
  if (url.empty()) {
    const std::optional<std::string> standard = default_sns_endpoint(topic.topic);
    if (!standard) {
      throw std::runtime_error("alerts.topic_arn " + topic.topic.arn +
                               ": canhose does not know the SNS endpoint of partition " +
                               topic.topic.partition + "; set alerts.endpoint");
    }
    url = *standard;
  }
  const https::EndpointParseResult endpoint = https::parse_endpoint(url);
  if (!endpoint.ok()) {
    throw std::runtime_error(
        (endpoint_override.empty() ? "alerts.topic_arn " : "alerts.endpoint ") + url + ": " +
        endpoint.error);
  }
  return std::make_unique<SnsClient>(executor, *aws.transport, *aws.credentials, aws.clock,
                                     std::move(topic.topic), endpoint.endpoint);
}

}  // namespace canhose::aws
