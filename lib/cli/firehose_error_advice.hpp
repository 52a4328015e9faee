#pragma once
// What an operator should do about a Firehose error from `canhose streams`: the IAM
// action that is missing, the configuration key to check, or simply to wait.

#include <string>
#include <string_view>

#include "aws/firehose_error.hpp"

namespace canhose::cli {

struct FirehoseErrorContext {
  std::string_view operation;  // "DescribeDeliveryStream"
  std::string_view stream;     // empty for ListDeliveryStreams
  std::string_view region;
  std::string_view endpoint;  // the URL called
  std::string_view role_arn;  // CreateDeliveryStream only
};

// One or two sentences, without a trailing newline.
std::string advice_for(const aws::FirehoseError& error, const FirehoseErrorContext& context);

}  // namespace canhose::cli
