#pragma once
// Asynchronous SNS Publish to one topic, over the same transport, credentials and
// corrected clock as the Firehose client (SignedRequestSender: SigV4 service "sns" in the
// topic's region, the clock learned from every Date header, one re-sign after a clock-skew
// rejection, a credentials refresh after an authentication error). Every error reaching
// the callback has passed ServerTextRedactor with the credentials the request was signed
// with: SNS's SignatureDoesNotMatch quotes the canonical request, session token included.
//
// No retries happen here: the caller retries what SnsError::retryable() says, with its
// backoff, sending the same SnsPublishRequest (for a FIFO topic the same
// MessageDeduplicationId, so a retry after a lost answer is not delivered twice).
//
// Completion callbacks run on the event loop, never inside publish(). Destroying the
// client drops the callbacks of calls in flight. Not thread-safe: use it from its event
// loop.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "asio/asio.hpp"
#include "aws/cached_credentials.hpp"
#include "aws/clock_offset.hpp"
#include "aws/signed_request_sender.hpp"
#include "aws/sns_api.hpp"
#include "aws/sns_error.hpp"
#include "https/http_transport.hpp"

namespace canhose::aws {

struct AwsClient;

class SnsClient {
 public:
  using Callback = std::function<void(SnsOutcome<SnsPublishResult>)>;

  // `transport`, `credentials` and `clock` must outlive the client. `endpoint` is
  // parse_endpoint(*default_sns_endpoint(topic)).endpoint or the override's.
  SnsClient(asio::any_io_executor executor, https::HttpTransport& transport,
            CachedCredentials& credentials, ClockOffset& clock, SnsTopicArn topic,
            https::Endpoint endpoint);
  ~SnsClient();
  SnsClient(const SnsClient&) = delete;
  SnsClient& operator=(const SnsClient&) = delete;

  // Publishes to the topic. A request build_publish_body() refuses (an empty message, a
  // FIFO topic without MessageGroupId) completes with an invalid_parameter error without
  // being sent.
  void publish(const SnsPublishRequest& request, Callback done);

  const SnsTopicArn& topic() const { return topic_; }
  const https::Endpoint& endpoint() const { return sender_.endpoint(); }
  const std::string& region() const { return sender_.region(); }
  // Requests re-sent after a clock-skew rejection, since construction.
  std::uint64_t skew_resends() const { return sender_.skew_resends(); }

 private:
  asio::any_io_executor executor_;
  SnsTopicArn topic_;
  SignedRequestSender sender_;
  // Refused requests complete through a post holding a weak_ptr to this.
  std::shared_ptr<SnsClient*> self_;
};

// An SnsClient on `executor` (the AwsClient's) for `topic_arn` on the AwsClient's transport,
// credentials and clock (so delivery.ca_file, the proxy and the timeouts apply), reaching
// `endpoint_override` when it is not empty (alerts.endpoint: a VPC endpoint, a test server; the
// rules of https::parse_endpoint, the same as delivery.endpoint's: https, or http to a loopback
// host only) and https://sns.<region>.<partition's DNS suffix> otherwise. Throws
// std::runtime_error with an operator-facing message for a bad ARN or endpoint, or a
// partition without a known endpoint and no override. `aws` must outlive the client.
std::unique_ptr<SnsClient> make_sns_client(const asio::any_io_executor& executor, AwsClient& aws,
                                           std::string_view topic_arn,
                                           std::string_view endpoint_override);

}  // namespace canhose::aws
