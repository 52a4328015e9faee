#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/secret.hpp"

namespace canhose::aws {

// AWS credentials. The secret and the session token are base::Secret: they cannot be
// streamed into a log line.
struct Credentials {
  std::string access_key_id;  // safe to log (it identifies, does not authorise)
  base::Secret secret_access_key;
  base::Secret session_token;  // empty for long-lived keys
  // When temporary credentials stop working; nullopt for long-lived keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // "environment", "profile default", "iot", ...
};

}  // namespace canhose::aws
