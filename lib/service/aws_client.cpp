#include "service/aws_client.hpp"

#include <stdexcept>

#include "aws/credentials_options.hpp"
#include "aws/firehose_api.hpp"
#include "aws/iot_credentials_provider.hpp"

namespace canhose::service {

std::unique_ptr<AwsClient> make_aws_client(const asio::any_io_executor& executor,
                                           const config::Config& config) {
  auto aws = std::make_unique<AwsClient>();
  aws->transport = std::make_unique<aws::HttpsTransport>(executor, config.https);

  std::unique_ptr<aws::CredentialsProvider> iot;
  if (!config.iot.endpoint.empty()) {
    // The IoT endpoint is reached with the same timeouts and proxy as Firehose.
    aws::IotCredentialsOptions iot_options = config.iot;
    iot_options.timeouts = config.https.timeouts;
    iot_options.proxy = config.https.proxy;
    iot_options.no_proxy = config.https.no_proxy;
    iot = std::make_unique<aws::IotCredentialsProvider>(executor, std::move(iot_options));
  }
  aws::BuiltCredentialsProvider built =
      aws::build_credentials_provider(config.credentials, std::move(iot));
  if (!built.provider) {
    throw std::runtime_error("credentials: " + built.error);
  }
  aws->provider = std::move(built.provider);
  AwsClient* raw = aws.get();
  aws->credentials = std::make_unique<aws::CachedCredentials>(
      executor, *aws->provider, aws::cached_credentials_options(config.credentials),
      [raw] { return raw->clock.now(); });

  aws->endpoint_url = config.delivery.endpoint.empty()
                          ? aws::default_firehose_endpoint(config.delivery.region)
                          : config.delivery.endpoint;
  const aws::EndpointParseResult endpoint = aws::parse_endpoint(aws->endpoint_url);
  if (!endpoint.ok()) {
    throw std::runtime_error("delivery.endpoint " + aws->endpoint_url + ": " + endpoint.error);
  }
  aws->firehose =
      std::make_unique<aws::FirehoseClient>(executor, *aws->transport, *aws->credentials,
                                            aws->clock, config.delivery.region, endpoint.endpoint);
  return aws;
}

}  // namespace canhose::service
