#include "cli/firehose_connection.hpp"

#include <optional>
#include <stdexcept>

#include "aws/credentials_options.hpp"
#include "aws/firehose_api.hpp"
#include "aws/iot_credentials_provider.hpp"

namespace canhose::cli {

FirehoseConnection::FirehoseConnection(const config::Config& config) : io_(1) {
  const auto executor = io_.get_executor();
  transport_ = std::make_unique<aws::HttpsTransport>(executor, config.https);
  std::unique_ptr<aws::CredentialsProvider> iot;
  if (!config.iot.endpoint.empty()) {
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
  provider_ = std::move(built.provider);
  credentials_ = std::make_unique<aws::CachedCredentials>(
      executor, *provider_, aws::cached_credentials_options(config.credentials),
      [this] { return clock_.now(); });
  endpoint_url_ = config.delivery.endpoint.empty()
                      ? aws::default_firehose_endpoint(config.delivery.region)
                      : config.delivery.endpoint;
  const aws::EndpointParseResult endpoint = aws::parse_endpoint(endpoint_url_);
  if (!endpoint.ok()) {
    throw std::runtime_error("delivery.endpoint " + endpoint_url_ + ": " + endpoint.error);
  }
  client_ = std::make_unique<aws::FirehoseClient>(executor, *transport_, *credentials_, clock_,
                                                  config.delivery.region, endpoint.endpoint);
}

FirehoseConnection::~FirehoseConnection() {
  // Nothing may complete into a destroyed client: close the transport, stop refreshes,
  // then let the aborted handlers run before the members go.
  transport_->close();
  credentials_->stop();
  io_.restart();
  io_.poll();
}

FirehoseCallResult FirehoseConnection::call(std::string_view operation, std::string body) {
  std::optional<FirehoseCallResult> result;
  client_->invoke(operation, std::move(body),
                  [&result](const aws::FirehoseError& error, std::string_view response) {
                    result = FirehoseCallResult{error, std::string(response)};
                  });
  // Credentials refresh timers may keep the loop busy after the call: run until it is done.
  io_.restart();
  while (!result && io_.run_one() != 0) {
  }
  if (!result) {
    FirehoseCallResult lost;
    lost.error.kind = aws::FirehoseErrorKind::transport;
    lost.error.message = "the request ended without an answer";
    return lost;
  }
  return std::move(*result);
}

}  // namespace canhose::cli
