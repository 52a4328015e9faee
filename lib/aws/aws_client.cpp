#include "aws/aws_client.hpp"

#include <stdexcept>

#include "aws/credentials_options.hpp"
#include "aws/firehose_api.hpp"
#include "aws/iot_credentials_provider.hpp"

namespace canhose::aws {

std::unique_ptr<AwsClient> make_aws_client(const asio::any_io_executor& executor,
                                           const AwsClientOptions& options) {
  auto aws = std::make_unique<AwsClient>();
  aws->transport = std::make_unique<https::HttpsTransport>(executor, options.https);

  std::unique_ptr<CredentialsProvider> iot;
  if (!options.iot.endpoint.empty()) {
    // The IoT endpoint is reached with the same timeouts and proxy as Firehose.
    IotCredentialsOptions iot_options = options.iot;
    iot_options.timeouts = options.https.timeouts;
    iot_options.proxy = options.https.proxy;
    iot_options.no_proxy = options.https.no_proxy;
    iot = std::make_unique<IotCredentialsProvider>(executor, std::move(iot_options));
  }
  BuiltCredentialsProvider built = build_credentials_provider(options.credentials, std::move(iot));
  if (!built.provider) {
    throw std::runtime_error("credentials: " + built.error);
  }
  aws->provider = std::move(built.provider);
  AwsClient* raw = aws.get();
  aws->credentials = std::make_unique<CachedCredentials>(
      executor, *aws->provider, cached_credentials_options(options.credentials),
      [raw] { return raw->clock.now(); });

  aws->endpoint_url =
      options.endpoint.empty() ? default_firehose_endpoint(options.region) : options.endpoint;
  const https::EndpointParseResult endpoint = https::parse_endpoint(aws->endpoint_url);
  if (!endpoint.ok()) {
    throw std::runtime_error("delivery.endpoint " + aws->endpoint_url + ": " + endpoint.error);
  }
  aws->firehose = std::make_unique<FirehoseClient>(executor, *aws->transport, *aws->credentials,
                                                   aws->clock, options.region, endpoint.endpoint);
  return aws;
}

}  // namespace canhose::aws
