#include "aws/credentials_provider_chain.hpp"

namespace canhose::aws {

CredentialsProviderChain::CredentialsProviderChain(
    std::vector<std::unique_ptr<CredentialsProvider>> providers)
    : providers_(std::move(providers)) {}

void CredentialsProviderChain::fetch(std::function<void(CredentialsResult)> done) {
  try_from(0, {}, std::make_shared<std::function<void(CredentialsResult)>>(std::move(done)));
}

void CredentialsProviderChain::try_from(
    std::size_t index, std::string failures,
    std::shared_ptr<std::function<void(CredentialsResult)>> done) {
  if (index >= providers_.size()) {
    CredentialsResult result;
    result.error = std::make_error_code(std::errc::no_such_file_or_directory);
    result.message = providers_.empty() ? "no credentials provider is configured"
                                        : "no provider had credentials: " + failures;
    (*done)(std::move(result));
    return;
  }
  CredentialsProvider& provider = *providers_[index];
  provider.fetch([this, index, failures = std::move(failures), done,
                  provider_name = std::string(provider.name())](CredentialsResult result) mutable {
    if (result.ok()) {
      (*done)(std::move(result));
      return;
    }
    if (!failures.empty())
      failures += "; ";
    failures += provider_name + ": " + result.message;
    try_from(index + 1, std::move(failures), done);
  });
}

}  // namespace canhose::aws
