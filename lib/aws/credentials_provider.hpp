#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "aws/credentials.hpp"

namespace canhose::aws {

struct CredentialsResult {
  std::error_code error;  // empty on success
  std::string message;    // what went wrong, for the log (never contains a secret)
  Credentials credentials;
  bool ok() const { return !error; }
};

// Where credentials come from (static config, environment, shared file, AWS IoT).
// fetch() never blocks the event loop: a provider that does I/O completes later;
// `done` is always called exactly once, on the event loop.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  virtual std::string_view name() const = 0;
  virtual void fetch(std::function<void(CredentialsResult)> done) = 0;
};

}  // namespace canhose::aws
