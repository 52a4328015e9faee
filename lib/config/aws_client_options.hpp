#pragma once
// The settings the AWS client is built from, gathered from the configuration's https,
// credentials, credentials.iot and delivery sections (canhosed and `canhose streams`
// build the client from the same ones).

#include "aws/aws_client.hpp"
#include "config/config.hpp"

namespace canhose::config {

aws::AwsClientOptions aws_client_options(const Config& config);

}  // namespace canhose::config
