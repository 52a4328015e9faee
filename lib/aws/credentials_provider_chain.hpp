#pragma once
// Tries providers in order and returns the first credentials found. The order canhose
// builds for credentials.source = chain (see docs/aws.md):
//   1. static keys from the configuration, when both are set;
//   2. the environment (AWS_ACCESS_KEY_ID, ...);
//   3. the shared credentials file profile;
//   4. AWS IoT Core credentials provider, when configured.
// When all fail, the error message lists each provider's reason.

#include <memory>
#include <vector>

#include "aws/credentials_provider.hpp"

namespace canhose::aws {

class CredentialsProviderChain final : public CredentialsProvider {
 public:
  explicit CredentialsProviderChain(std::vector<std::unique_ptr<CredentialsProvider>> providers);
  std::string_view name() const override { return "chain"; }
  // Completes when a provider succeeds or all failed; each provider's own fetch decides
  // whether that is immediate or later. Only one fetch may run at a time.
  void fetch(std::function<void(CredentialsResult)> done) override;

 private:
  void try_from(std::size_t index, std::string failures,
                std::shared_ptr<std::function<void(CredentialsResult)>> done);
  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
};

}  // namespace canhose::aws
