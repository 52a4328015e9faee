#pragma once
// canhosed as a real process for integration tests: started on a config file only its
// owner can read (it may hold static keys), with a NOTIFY_SOCKET the test owns; and the
// operator tool `canhose` run against it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

// `canhose <command> --config <config> <extra...>`, run to completion with its output in
// `dir`.
RunResult run_canhose(const std::string& command, const std::filesystem::path& config,
                      const std::filesystem::path& dir, const std::vector<std::string>& extra = {},
                      std::chrono::milliseconds limit = std::chrono::seconds(30));

// The sum of the samples of `name` whose labels include every pair in `labels`, on the
// metrics page of the canhosed listening on 127.0.0.1:`metrics_port`; nullopt when there
// is no such sample (or no answer).
std::optional<double> scrape_metric(std::uint16_t metrics_port, const std::string& name,
                                    const std::map<std::string, std::string>& labels = {});

}  // namespace canhose::test
