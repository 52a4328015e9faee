#include "aws/iot_credentials_error.hpp"

#include <string>

namespace canhose::aws {
namespace {

class IotCredentialsCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "aws-iot-credentials"; }
  std::string message(int value) const override {
    switch (static_cast<IotCredentialsErrc>(value)) {
      case IotCredentialsErrc::forbidden:
        return "credentials refused by AWS IoT";
      case IotCredentialsErrc::not_found:
        return "role alias or endpoint not found";
      case IotCredentialsErrc::throttled:
        return "AWS IoT credentials endpoint is throttling";
      case IotCredentialsErrc::server_error:
        return "AWS IoT credentials endpoint server error";
      case IotCredentialsErrc::unexpected_status:
        return "unexpected HTTP status from AWS IoT credentials endpoint";
      case IotCredentialsErrc::malformed_response:
        return "malformed AWS IoT credentials response";
    }
    return "unknown AWS IoT credentials error";
  }
};

}  // namespace

const std::error_category& iot_credentials_category() {
  static const IotCredentialsCategory category;
  return category;
}

std::error_code make_error_code(IotCredentialsErrc e) {
  return {static_cast<int>(e), iot_credentials_category()};
}

}  // namespace canhose::aws
