#include "aws/environment_credentials_provider.hpp"

#include <cstdlib>

namespace canhose::aws {

namespace {
std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}
}  // namespace

void EnvironmentCredentialsProvider::fetch(std::function<void(CredentialsResult)> done) {
  CredentialsResult result;
  std::string key_id = env("AWS_ACCESS_KEY_ID");
  base::Secret secret(env("AWS_SECRET_ACCESS_KEY"));
  base::Secret token(env("AWS_SESSION_TOKEN"));
  if (token.empty()) {
    token = base::Secret(env("AWS_SECURITY_TOKEN"));
  }
  if (key_id.empty() && secret.empty()) {
    result.error = std::make_error_code(std::errc::no_such_file_or_directory);
    result.message = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set";
  } else if (key_id.empty() || secret.empty()) {
    result.error = std::make_error_code(std::errc::invalid_argument);
    result.message = key_id.empty() ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
                                    : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not";
  } else {
    result.credentials.access_key_id = std::move(key_id);
    result.credentials.secret_access_key = std::move(secret);
    result.credentials.session_token = std::move(token);
    result.credentials.source = "environment";
  }
  done(std::move(result));
}

}  // namespace canhose::aws
