#include "cli/firehose_connection.hpp"

#include <optional>
#include <stdexcept>

namespace canhose::cli {

FirehoseConnection::FirehoseConnection(const config::Config& config)
    : io_(1), aws_(aws::make_aws_client(io_.get_executor(), config::aws_client_options(config))) {}

FirehoseConnection::~FirehoseConnection() {
  // Nothing may complete into a destroyed client: close the transport, stop refreshes,
  // then let the aborted handlers run before the members go.
  aws_->transport->close();
  aws_->credentials->stop();
  io_.restart();
  io_.poll();
}

FirehoseCallResult FirehoseConnection::call(std::string_view operation, std::string body) {
  std::optional<FirehoseCallResult> result;
  aws_->firehose->invoke(operation, std::move(body),
                         [&result](const aws::FirehoseError& error, std::string_view response,
                                   const aws::ServerTextRedactor& redactor) {
                           result = FirehoseCallResult{error, std::string(response), redactor};
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
