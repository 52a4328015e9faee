#include "config/aws_client_options.hpp"

namespace canhose::config {

aws::AwsClientOptions aws_client_options(const Config& config) {
  aws::AwsClientOptions options;
  options.https = config.https;
  options.credentials = config.credentials;
  options.iot = config.iot;
  options.region = config.delivery.region;
  options.endpoint = config.delivery.endpoint;
  return options;
}

}  // namespace canhose::config
