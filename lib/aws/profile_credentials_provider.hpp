#pragma once
// Credentials from a profile of the AWS shared credentials file, the file `aws configure`
// writes. The file is, in order: the path given in the configuration
// (credentials.shared_file), $AWS_SHARED_CREDENTIALS_FILE, $HOME/.aws/credentials. The
// profile is the one configured (credentials.profile), else $AWS_PROFILE, else "default".
// Keys: aws_access_key_id, aws_secret_access_key, aws_session_token (or its old name
// aws_security_token). The file is read at each fetch (a few hundred bytes, so it is read
// synchronously; `done` is called before fetch returns), and a warning is logged when
// others can read it.

#include <filesystem>
#include <string>

#include "aws/credentials_provider.hpp"

namespace canhose::aws {

class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  // Empty arguments mean "use the environment / the default" as described above.
  ProfileCredentialsProvider(std::filesystem::path file = {}, std::string profile = {});
  std::string_view name() const override { return "profile"; }
  void fetch(std::function<void(CredentialsResult)> done) override;

  // The file and profile a fetch would use now.
  std::filesystem::path resolved_file() const;
  std::string resolved_profile() const;

 private:
  std::filesystem::path file_;
  std::string profile_;
};

}  // namespace canhose::aws
