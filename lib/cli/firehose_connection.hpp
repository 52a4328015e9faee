#pragma once
// FirehoseConnection: the Firehose client canhosed uses (HTTPS transport, credentials
// chain incl. the IoT provider, corrected clock, SigV4), built from the same
// configuration keys (delivery.region, delivery.endpoint, delivery.ca_file and the other
// HTTPS options, credentials.*), for `canhose streams`. It owns its io_context: call()
// runs one operation to completion on it and returns.

#include <memory>
#include <string>
#include <string_view>

#include "asio/asio.hpp"
#include "aws/aws_client.hpp"
#include "aws/firehose_error.hpp"
#include "aws/server_text_redactor.hpp"
#include "config/aws_client_options.hpp"

namespace canhose::cli {

struct FirehoseCallResult {
  aws::FirehoseError error;  // error.ok() on HTTP 200
  std::string body;          // the response body as the service sent it
  // Knows the credentials the request was signed with: what the CLI shows of the body
  // (a failure description, a parse error) passes it first.
  aws::ServerTextRedactor redactor;
  bool ok() const { return error.ok(); }
};

class FirehoseConnection {
 public:
  // Throws std::runtime_error with an operator-facing message when the configuration
  // cannot work (unreadable CA file, no usable credentials source, bad endpoint).
  explicit FirehoseConnection(const config::Config& config);
  ~FirehoseConnection();
  FirehoseConnection(const FirehoseConnection&) = delete;
  FirehoseConnection& operator=(const FirehoseConnection&) = delete;

  // One Firehose operation ("DescribeDeliveryStream") with a JSON 1.1 body; blocks until
  // it completes (the transport's timeouts bound it).
  FirehoseCallResult call(std::string_view operation, std::string body);

  const std::string& region() const { return aws_->firehose->region(); }
  // "https://firehose.us-east-1.amazonaws.com" or delivery.endpoint.
  const std::string& endpoint_url() const { return aws_->endpoint_url; }

 private:
  asio::io_context io_;
  std::unique_ptr<aws::AwsClient> aws_;  // built exactly as canhosed builds it
};

}  // namespace canhose::cli
