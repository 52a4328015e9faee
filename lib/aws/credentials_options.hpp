#pragma once
// Where canhose gets AWS credentials from: the `credentials:` section of the config.
// See docs/aws.md for the YAML keys and the chain order.

#include <filesystem>
#include <memory>
#include <string>

#include "aws/cached_credentials.hpp"
#include "aws/credentials_provider.hpp"
#include "base/secret.hpp"
#include "base/units.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::aws {

enum class CredentialsSource {
  chain,        // static keys if set, then environment, then profile, then IoT if configured
  static_keys,  // credentials.access_key_id / secret_access_key / session_token
  environment,  // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
  profile,      // shared credentials file
  iot,          // AWS IoT Core credentials provider (mTLS with the vehicle certificate)
};

// "chain", "static", "environment", "profile", "iot"; nullopt for anything else.
std::optional<CredentialsSource> parse_credentials_source(std::string_view text);

struct CredentialsOptions {
  CredentialsSource source = CredentialsSource::chain;  // credentials.source
  std::string access_key_id;                            // credentials.access_key_id
  base::Secret secret_access_key;                       // credentials.secret_access_key
  base::Secret session_token;                           // credentials.session_token
  std::string profile;                // credentials.profile ("" = $AWS_PROFILE or "default")
  std::filesystem::path shared_file;  // credentials.shared_file ("" = $AWS_SHARED_CREDENTIALS_FILE
                                      //   or ~/.aws/credentials)
  base::Duration refresh_before = std::chrono::minutes(5);  // credentials.refresh_before
  // The config file the static keys were read from, to warn when others can read it.
  std::filesystem::path config_file;
};

struct BuiltCredentialsProvider {
  std::unique_ptr<CredentialsProvider> provider;
  std::string error;  // a configuration error (start-up): empty on success
};

// Builds the provider `options.source` names. `iot` is the AWS IoT provider when the
// configuration has one (built by the HTTPS part), else null. Warns (log::warning) when
// static keys come from a config file that group or others can read.
BuiltCredentialsProvider build_credentials_provider(const CredentialsOptions& options,
                                                    std::unique_ptr<CredentialsProvider> iot);

CachedCredentialsOptions cached_credentials_options(const CredentialsOptions& options);

// Reads the `credentials:` section of canhose.yaml into `options` (defaults: what it holds); each
// mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, CredentialsOptions& options);

}  // namespace canhose::aws
