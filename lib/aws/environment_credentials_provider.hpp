#pragma once
// Credentials from the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the
// optional AWS_SESSION_TOKEN (AWS_SECURITY_TOKEN, its old name, is read too). Read at
// every fetch, so a changed environment is seen at the next refresh. Completes
// immediately.

#include "aws/credentials_provider.hpp"

namespace canhose::aws {

class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  std::string_view name() const override { return "environment"; }
  void fetch(std::function<void(CredentialsResult)> done) override;
};

}  // namespace canhose::aws
