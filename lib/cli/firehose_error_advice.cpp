#include "cli/firehose_error_advice.hpp"

namespace canhose::cli {
namespace {

std::string stream_arn_pattern(const FirehoseErrorContext& c) {
  return "arn:aws:firehose:" + std::string(c.region) + ":ACCOUNT:deliverystream/" +
         (c.stream.empty() ? std::string("*") : std::string(c.stream));
}

}  // namespace

std::string advice_for(const aws::FirehoseError& error, const FirehoseErrorContext& c) {
  using aws::FirehoseErrorKind;
  const std::string action = "firehose:" + std::string(c.operation);
  switch (error.kind) {
    case FirehoseErrorKind::none:
      return "";
    case FirehoseErrorKind::auth:
      if (error.code == "AccessDeniedException" || error.http_status == 403) {
        std::string text =
            "The credentials are valid but not allowed to do this: grant the IAM "
            "action " +
            action + " on " + stream_arn_pattern(c);
        if (c.operation == "CreateDeliveryStream") {
          text += ", and iam:PassRole on " +
                  (c.role_arn.empty() ? std::string("the role") : std::string(c.role_arn));
        }
        return text + " to the user or role that signs (credentials.*).";
      }
      return "AWS does not accept these credentials (unknown access key or wrong secret): check "
             "credentials.source and the keys it reads.";
    case FirehoseErrorKind::expired_credentials:
      return "The temporary credentials have expired: refresh them (credentials.profile, the IoT "
             "role alias) and try again.";
    case FirehoseErrorKind::credentials:
      return "No credentials could be obtained: check credentials.source and its settings "
             "(canhose check-config).";
    case FirehoseErrorKind::not_found:
      return "There is no stream " +
             (c.stream.empty() ? std::string("of that name")
                               : "\"" + std::string(c.stream) + "\"") +
             " in region " + std::string(c.region) +
             ": `canhose streams list` shows the streams there; check the name and "
             "delivery.region.";
    case FirehoseErrorKind::resource_in_use:
      return "The stream is being created or deleted, or already exists: wait until `canhose "
             "streams describe` shows ACTIVE (or it is gone), then try again.";
    case FirehoseErrorKind::limit_exceeded:
      return "The account's Firehose stream quota for this region is reached: delete unused "
             "streams or ask AWS for a higher quota.";
    case FirehoseErrorKind::invalid_argument:
      return "Firehose refused the request as invalid: check the stream name, bucket, role ARN "
             "and buffering values.";
    case FirehoseErrorKind::invalid_kms_resource:
      return "The stream's KMS key cannot be used: check the key's state and its key policy.";
    case FirehoseErrorKind::invalid_source:
      return "The stream is not a Direct PUT stream.";
    case FirehoseErrorKind::clock_skew:
      return "This machine's clock is more than 5 minutes off: synchronise it (timedatectl, "
             "NTP) and try again.";
    case FirehoseErrorKind::throttled:
      return "Firehose asks to slow down: try again in a moment.";
    case FirehoseErrorKind::server:
      return "Firehose had an internal error: try again in a moment.";
    case FirehoseErrorKind::client:
      return "Firehose refused the request.";
    case FirehoseErrorKind::malformed_response:
      return "The answer was not what Firehose sends: is " + std::string(c.endpoint) +
             " (delivery.endpoint) really a Firehose endpoint?";
    case FirehoseErrorKind::transport:
      return "Firehose at " + std::string(c.endpoint) +
             " cannot be reached: check the network, delivery.endpoint, delivery.ca_file and "
             "the proxy settings.";
  }
  return "";
}

}  // namespace canhose::cli
