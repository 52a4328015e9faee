#pragma once
// AwsClient: the AWS side of canhose built from the configuration — one HTTPS transport
// (delivery.ca_file, proxy, timeouts), the credentials chain (credentials.*, the AWS IoT
// provider when credentials.iot.endpoint is set), the corrected clock, and the Firehose
// client for delivery.region / delivery.endpoint. canhosed's delivery and the operator
// tool's `canhose streams` use the same one, so both sign and connect identically.
//
// Members are declared in dependency order (each refers only to those above it), so the
// default destruction order is safe once nothing is in flight. Event-loop use only.

#include <memory>
#include <string>

#include "asio/asio.hpp"
#include "aws/cached_credentials.hpp"
#include "aws/clock_offset.hpp"
#include "aws/credentials_provider.hpp"
#include "aws/firehose_client.hpp"
#include "aws/https_transport.hpp"
#include "config/config.hpp"

namespace canhose::service {

struct AwsClient {
  aws::ClockOffset clock;
  std::unique_ptr<aws::HttpsTransport> transport;
  std::unique_ptr<aws::CredentialsProvider> provider;
  std::unique_ptr<aws::CachedCredentials> credentials;
  std::unique_ptr<aws::FirehoseClient> firehose;
  // "https://firehose.<region>.amazonaws.com", or delivery.endpoint when set.
  std::string endpoint_url;
};

// Builds the client on `executor`; credentials are not fetched until
// `credentials->start()` or the first call. Throws std::runtime_error with an
// operator-facing message when the configuration cannot work (unreadable CA or
// certificate, no usable credentials source, a bad endpoint).
std::unique_ptr<AwsClient> make_aws_client(const asio::any_io_executor& executor,
                                           const config::Config& config);

}  // namespace canhose::service
