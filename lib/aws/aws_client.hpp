#pragma once
// AwsClient: the AWS side of canhose — one HTTPS transport (delivery.ca_file, proxy,
// timeouts), the credentials chain (credentials.*, the AWS IoT provider when
// credentials.iot.endpoint is set), the corrected clock, and the Firehose client for
// delivery.region / delivery.endpoint (config::aws_client_options() gathers these). canhosed's
// delivery and the operator tool's `canhose streams` use the same one, so both sign and connect
// identically.
//
// Members are declared in dependency order (each refers only to those above it), so the
// default destruction order is safe once nothing is in flight. Event-loop use only.

#include <memory>
#include <string>

#include "asio/asio.hpp"
#include "aws/cached_credentials.hpp"
#include "aws/clock_offset.hpp"
#include "aws/credentials_options.hpp"
#include "aws/credentials_provider.hpp"
#include "aws/firehose_client.hpp"
#include "aws/iot_credentials_provider.hpp"
#include "https/https_transport.hpp"
#include "https/https_transport_options.hpp"

namespace canhose::aws {

// What the client is built from: the https, credentials and credentials.iot settings and
// delivery.region / delivery.endpoint.
struct AwsClientOptions {
  https::HttpsTransportOptions https;
  CredentialsOptions credentials;
  IotCredentialsOptions iot;  // used when iot.endpoint is set
  std::string region;
  std::string endpoint;  // empty: https://firehose.<region>.amazonaws.com
};

struct AwsClient {
  ClockOffset clock;
  std::unique_ptr<https::HttpsTransport> transport;
  std::unique_ptr<CredentialsProvider> provider;
  std::unique_ptr<CachedCredentials> credentials;
  std::unique_ptr<FirehoseClient> firehose;
  // "https://firehose.<region>.amazonaws.com", or delivery.endpoint when set.
  std::string endpoint_url;
};

// Builds the client on `executor`; credentials are not fetched until
// `credentials->start()` or the first call. Throws std::runtime_error with an
// operator-facing message when the configuration cannot work (unreadable CA or
// certificate, no usable credentials source, a bad endpoint).
std::unique_ptr<AwsClient> make_aws_client(const asio::any_io_executor& executor,
                                           const AwsClientOptions& options);

}  // namespace canhose::aws
