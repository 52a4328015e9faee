#include "aws/profile_credentials_provider.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "aws/crypto.hpp"
#include "aws/ini_file.hpp"
#include "aws/static_credentials_provider.hpp"

namespace canhose::aws {

namespace {
std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

CredentialsResult failure(std::errc code, std::string message) {
  CredentialsResult r;
  r.error = std::make_error_code(code);
  r.message = std::move(message);
  return r;
}
}  // namespace

ProfileCredentialsProvider::ProfileCredentialsProvider(std::filesystem::path file,
                                                       std::string profile)
    : file_(std::move(file)), profile_(std::move(profile)) {}

std::filesystem::path ProfileCredentialsProvider::resolved_file() const {
  if (!file_.empty())
    return file_;
  if (std::string from_env = env("AWS_SHARED_CREDENTIALS_FILE"); !from_env.empty()) {
    return from_env;
  }
  if (std::string home = env("HOME"); !home.empty()) {
    return std::filesystem::path(home) / ".aws" / "credentials";
  }
  return {};
}

std::string ProfileCredentialsProvider::resolved_profile() const {
  if (!profile_.empty())
    return profile_;
  if (std::string from_env = env("AWS_PROFILE"); !from_env.empty())
    return from_env;
  return "default";
}

void ProfileCredentialsProvider::fetch(std::function<void(CredentialsResult)> done) {
  const std::filesystem::path path = resolved_file();
  const std::string profile = resolved_profile();
  if (path.empty()) {
    done(failure(std::errc::no_such_file_or_directory,
                 "no shared credentials file: HOME and AWS_SHARED_CREDENTIALS_FILE are unset"));
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    done(failure(std::errc::no_such_file_or_directory,
                 "cannot read shared credentials file " + path.string()));
    return;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  auto parsed = IniFile::parse(text, path.string());
  crypto::cleanse(text.data(), text.size());
  if (!parsed.ok()) {
    done(failure(std::errc::invalid_argument, parsed.error));
    return;
  }
  warn_if_readable_by_others(path);
  const IniFile::Section* section = parsed.file.section(profile);
  if (section == nullptr) {
    done(failure(std::errc::invalid_argument,
                 "profile [" + profile + "] not found in " + path.string()));
    return;
  }
  auto value = [&](const char* key) -> std::string {
    auto it = section->find(key);
    return it == section->end() ? std::string() : it->second;
  };
  CredentialsResult result;
  result.credentials.access_key_id = value("aws_access_key_id");
  result.credentials.secret_access_key = base::Secret(value("aws_secret_access_key"));
  std::string token = value("aws_session_token");
  if (token.empty())
    token = value("aws_security_token");
  result.credentials.session_token = base::Secret(std::move(token));
  result.credentials.source = "profile " + profile + " in " + path.string();
  if (result.credentials.access_key_id.empty() || result.credentials.secret_access_key.empty()) {
    done(failure(std::errc::invalid_argument,
                 "profile [" + profile + "] in " + path.string() +
                     " lacks aws_access_key_id or aws_secret_access_key"));
    return;
  }
  done(std::move(result));
}

}  // namespace canhose::aws
