#include "support/canhosed_process.hpp"

#include <fstream>
#include <map>
#include <vector>

namespace canhose::test {

CanhosedProcess::CanhosedProcess(const std::string& canhosed, const std::filesystem::path& dir,
                                 const std::string& config, const std::string& name)
    : config_path_(dir / (name + ".yaml")) {
  {
    std::ofstream out(config_path_, std::ios::trunc);
    out << config;
  }
  std::filesystem::permissions(
      config_path_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto out_dir = dir / name;
  std::filesystem::create_directories(out_dir);
  notify_ = std::make_unique<NotifySocket>(out_dir / "notify.sock");
  process_ = std::make_unique<ChildProcess>(
      canhosed, std::vector<std::string>{"--config", config_path_.string()},
      std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify_->path().string()}}, out_dir);
}

bool CanhosedProcess::ready() {
  return notify_->wait_for("READY=1", std::chrono::seconds(30));
}

}  // namespace canhose::test
