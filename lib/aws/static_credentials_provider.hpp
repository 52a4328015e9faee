#pragma once
// Long-lived keys written in the configuration file (credentials.access_key_id and
// credentials.secret_access_key). Completes immediately; never refreshes.

#include <filesystem>

#include "aws/credentials_provider.hpp"

namespace canhose::aws {

class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  // `credentials.source` is set to "static configuration" when empty.
  explicit StaticCredentialsProvider(Credentials credentials);
  std::string_view name() const override { return "static"; }
  // Calls `done` before returning (no I/O).
  void fetch(std::function<void(CredentialsResult)> done) override;

 private:
  Credentials credentials_;
};

// Logs a warning when `path` (a file holding secrets) can be read by its group or by
// others, and says how to fix it. Returns true when it warned. A missing file is not
// warned about (the caller reports that).
bool warn_if_readable_by_others(const std::filesystem::path& path);

}  // namespace canhose::aws
