#include "support/canhosed_process.hpp"

#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

#include "cli/prometheus_text.hpp"
#include "support/loopback_http_client.hpp"
#include "support/test_paths.hpp"

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

RunResult run_canhose(const std::string& command, const std::filesystem::path& config,
                      const std::filesystem::path& dir, const std::vector<std::string>& extra,
                      std::chrono::milliseconds limit) {
  std::vector<std::string> args = {command, "--config", config.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_program(CANHOSE_CLI_PATH, args, dir, limit);
}

std::optional<double> scrape_metric(std::uint16_t metrics_port, const std::string& name,
                                    const std::map<std::string, std::string>& labels) {
  LoopbackHttpTarget target;
  target.port = metrics_port;
  LoopbackHttpResponse page;
  try {
    page = loopback_http_request(target, "GET", "/metrics");
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
  std::optional<double> sum;
  // Kept in a variable: samples() refers into it.
  const cli::PrometheusText text = cli::PrometheusText::parse(page.body);
  for (const auto& sample : text.samples(name)) {
    if (cli::PrometheusText::matches(sample, labels)) {
      sum = sum.value_or(0) + sample.value;
    }
  }
  return sum;
}

}  // namespace canhose::test
