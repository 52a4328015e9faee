#include "aws/static_credentials_provider.hpp"

#include "base/file_modes.hpp"
#include "log/logger.hpp"

namespace canhose::aws {

StaticCredentialsProvider::StaticCredentialsProvider(Credentials credentials)
    : credentials_(std::move(credentials)) {
  if (credentials_.source.empty()) {
    credentials_.source = "static configuration";
  }
}

void StaticCredentialsProvider::fetch(std::function<void(CredentialsResult)> done) {
  CredentialsResult result;
  if (credentials_.access_key_id.empty() || credentials_.secret_access_key.empty()) {
    result.error = std::make_error_code(std::errc::invalid_argument);
    result.message = "static credentials need both an access key id and a secret access key";
  } else {
    result.credentials = credentials_;
  }
  done(std::move(result));
}

bool warn_if_readable_by_others(const std::filesystem::path& path) {
  const std::string problem = base::credentials_file_mode_problem(path);
  if (problem.empty()) {
    return false;
  }
  log::warning("aws", problem);
  return true;
}

}  // namespace canhose::aws
