#include "aws/static_credentials_provider.hpp"

#include <sys/stat.h>

#include <cstdio>

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
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return false;
  }
  const auto mode = st.st_mode & 0777;
  if ((mode & (S_IRGRP | S_IROTH)) == 0) {
    return false;
  }
  char octal[8];
  std::snprintf(octal, sizeof octal, "%03o", static_cast<unsigned>(mode));
  log::warning("aws", path.string(), " holds AWS credentials but is readable by ",
               (mode & S_IROTH) ? "everyone" : "its group", " (mode ", octal, "); run: chmod 600 ",
               path.string());
  return true;
}

}  // namespace canhose::aws
