#include "aws/credentials_options.hpp"

#include "base/mapping_reader.hpp"

#include <vector>

#include "aws/credentials_provider_chain.hpp"
#include "aws/environment_credentials_provider.hpp"
#include "aws/profile_credentials_provider.hpp"
#include "aws/static_credentials_provider.hpp"

namespace canhose::aws {

std::optional<CredentialsSource> parse_credentials_source(std::string_view text) {
  if (text == "chain")
    return CredentialsSource::chain;
  if (text == "static")
    return CredentialsSource::static_keys;
  if (text == "environment")
    return CredentialsSource::environment;
  if (text == "profile")
    return CredentialsSource::profile;
  if (text == "iot")
    return CredentialsSource::iot;
  return std::nullopt;
}

namespace {
std::unique_ptr<CredentialsProvider> static_provider(const CredentialsOptions& options) {
  Credentials c;
  c.access_key_id = options.access_key_id;
  c.secret_access_key = options.secret_access_key;
  c.session_token = options.session_token;
  c.source = options.config_file.empty() ? "static configuration"
                                         : "static keys in " + options.config_file.string();
  if (!options.config_file.empty()) {
    warn_if_readable_by_others(options.config_file);
  }
  return std::make_unique<StaticCredentialsProvider>(std::move(c));
}
}  // namespace

BuiltCredentialsProvider build_credentials_provider(const CredentialsOptions& options,
                                                    std::unique_ptr<CredentialsProvider> iot) {
  BuiltCredentialsProvider built;
  const bool has_static = !options.access_key_id.empty() || !options.secret_access_key.empty();
  const bool complete_static = !options.access_key_id.empty() && !options.secret_access_key.empty();
  if (has_static && !complete_static) {
    built.error =
        "credentials.access_key_id and credentials.secret_access_key must be set together";
    return built;
  }
  switch (options.source) {
    case CredentialsSource::static_keys:
      if (!complete_static) {
        built.error =
            "credentials.source is static but credentials.access_key_id and "
            "credentials.secret_access_key are not set";
        return built;
      }
      built.provider = static_provider(options);
      return built;
    case CredentialsSource::environment:
      built.provider = std::make_unique<EnvironmentCredentialsProvider>();
      return built;
    case CredentialsSource::profile:
      built.provider =
          std::make_unique<ProfileCredentialsProvider>(options.shared_file, options.profile);
      return built;
    case CredentialsSource::iot:
      if (!iot) {
        built.error = "credentials.source is iot but the iot section is not configured";
        return built;
      }
      built.provider = std::move(iot);
      return built;
    case CredentialsSource::chain: {
      std::vector<std::unique_ptr<CredentialsProvider>> providers;
      if (complete_static)
        providers.push_back(static_provider(options));
      providers.push_back(std::make_unique<EnvironmentCredentialsProvider>());
      providers.push_back(
          std::make_unique<ProfileCredentialsProvider>(options.shared_file, options.profile));
      if (iot)
        providers.push_back(std::move(iot));
      built.provider = std::make_unique<CredentialsProviderChain>(std::move(providers));
      return built;
    }
  }
  built.error = "unknown credentials.source";
  return built;
}

CachedCredentialsOptions cached_credentials_options(const CredentialsOptions& options) {
  CachedCredentialsOptions out;
  out.refresh_before = options.refresh_before;
  return out;
}

using namespace std::chrono_literals;
using base::between;
using base::Duration;
using base::MappingReader;

void read_options(MappingReader& r, CredentialsOptions& c) {
  r.choice("source", c.source,
           {{"chain", CredentialsSource::chain},
            {"static", CredentialsSource::static_keys},
            {"environment", CredentialsSource::environment},
            {"profile", CredentialsSource::profile},
            {"iot", CredentialsSource::iot}});
  r.value("access_key_id", c.access_key_id);
  r.value("secret_access_key", c.secret_access_key);
  r.value("session_token", c.session_token);
  r.value("profile", c.profile);
  std::string shared_file = c.shared_file.string();
  r.value("shared_file", shared_file);
  c.shared_file = shared_file;
  r.value("refresh_before", c.refresh_before, between<Duration>(0s, 1h));
  if (c.access_key_id.empty() != c.secret_access_key.empty()) {
    r.error(c.access_key_id.empty() ? "access_key_id" : "secret_access_key",
            "access_key_id and secret_access_key go together: set both or neither");
  }
  if (c.source == CredentialsSource::static_keys && c.access_key_id.empty()) {
    r.error("source", "source: static needs access_key_id and secret_access_key");
  }
}

}  // namespace canhose::aws
