#pragma once
// canhosed as a real process for integration tests: started on a config file only its
// owner can read (it may hold static keys), with a NOTIFY_SOCKET the test owns.

#include <filesystem>
#include <memory>
#include <string>

#include "support/child_process.hpp"

namespace canhose::test {

class CanhosedProcess {
 public:
  // Writes `config` to dir/<name>.yaml and starts `canhosed` (the binary's path) on it;
  // its output goes to dir/<name>/.
  CanhosedProcess(const std::string& canhosed, const std::filesystem::path& dir,
                  const std::string& config, const std::string& name = "canhose");
  // Waits for READY=1 (false after 30 s).
  bool ready();
  ChildProcess& process() { return *process_; }
  const std::filesystem::path& config_path() const { return config_path_; }

 private:
  std::filesystem::path config_path_;
  std::unique_ptr<NotifySocket> notify_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace canhose::test
