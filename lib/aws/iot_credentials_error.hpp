#pragma once
// Why the AWS IoT credentials endpoint gave no credentials (transport failures keep the
// transport's own error codes).

#include <system_error>

namespace canhose::aws {

enum class IotCredentialsErrc {
  forbidden = 1,       // 401/403: certificate not attached, role alias or thing refused
  not_found,           // 404: no such role alias (or wrong endpoint)
  throttled,           // 429
  server_error,        // 5xx
  unexpected_status,   // anything else that is not 200
  malformed_response,  // 200 whose body is not the documented JSON
};

const std::error_category& iot_credentials_category();
std::error_code make_error_code(IotCredentialsErrc e);

}  // namespace canhose::aws

template <>
struct std::is_error_code_enum<canhose::aws::IotCredentialsErrc> : std::true_type {};
