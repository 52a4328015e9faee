// canhosed as systemd runs it: a real process, a NOTIFY_SOCKET the test owns, real
// signals. What systemd and an operator would see is what is asserted.

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"

namespace canhose {
namespace {

using namespace std::chrono_literals;
using test::ChildProcess;
using test::NotifySocket;
using test::TempDir;

class CanhosedLifecycle : public ::testing::Test {
 protected:
  // Each test has its own state directory (the queue locks it).
  std::string config_text(std::string_view level, std::string_view grace = "3s",
                          std::string_view status_interval = "1s") const {
    return "service:\n  state_dir: " + (dir_.path() / "state").string() +
           "\n  shutdown_grace: " + std::string(grace) +
           "\n  status_interval: " + std::string(status_interval) +
           "\nlog:\n  level: " + std::string(level) + "\n";
  }

  void start(std::string_view config, std::map<std::string, std::string> env = {}) {
    config_path_ = dir_.write("canhose.yaml", config);
    notify_ = std::make_unique<NotifySocket>(dir_.path() / "notify.sock");
    env["NOTIFY_SOCKET"] = notify_->path().string();
    child_ = std::make_unique<ChildProcess>(
        CANHOSED_PATH, std::vector<std::string>{"--config", config_path_.string()}, env,
        dir_.path());
  }

  TempDir dir_;
  std::filesystem::path config_path_;
  std::unique_ptr<NotifySocket> notify_;
  std::unique_ptr<ChildProcess> child_;
};

TEST_F(CanhosedLifecycle, TellsSystemdReadyWithAStatusLine) {
  start(config_text("info"));
  std::vector<std::string> seen;
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s, &seen)) << child_->stderr_text();
  EXPECT_NE(seen.back().find("STATUS=running"), std::string::npos) << seen.back();
  child_->signal(SIGTERM);
  const auto status = child_->wait_for(10s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 0);
}

TEST_F(CanhosedLifecycle, PetsTheWatchdogAtHalfTheTimeoutFromTheEventLoop) {
  // WATCHDOG_USEC=400ms: pets every 200ms, so several arrive within two seconds.
  start(config_text("info"), {{"WATCHDOG_USEC", "400000"}});
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s)) << child_->stderr_text();
  int pets = 0;
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto m = notify_->receive(500ms); m && *m == "WATCHDOG=1") {
      ++pets;
    }
  }
  EXPECT_GE(pets, 3) << child_->stderr_text();
  child_->signal(SIGTERM);
  ASSERT_TRUE(child_->wait_for(10s));
}

TEST_F(CanhosedLifecycle, SigtermSaysStoppingAndExitsZeroWithinTheGracePeriod) {
  start(config_text("info", "2s"));
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s)) << child_->stderr_text();
  child_->signal(SIGTERM);
  EXPECT_TRUE(notify_->wait_for("STOPPING=1", 5s));
  // The grace period is 2s; the limit here only keeps a hung process from hanging the test.
  const auto status = child_->wait_for(2s + 5s);
  ASSERT_TRUE(status) << "canhosed did not exit after SIGTERM";
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 0);
  EXPECT_NE(child_->stderr_text().find("SIGTERM: stopping (grace period 2s)"), std::string::npos)
      << child_->stderr_text();
}

TEST_F(CanhosedLifecycle, SigintAlsoStopsCleanly) {
  start(config_text("info"));
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s));
  child_->signal(SIGINT);
  const auto status = child_->wait_for(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 0);
}

TEST_F(CanhosedLifecycle, SighupWithABrokenFileKeepsTheRunningConfiguration) {
  start(config_text("info"));
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s)) << child_->stderr_text();

  // The broken file would lower the level to "error" if it were applied.
  dir_.write("canhose.yaml", "log:\n  level: error\n  rate_limit_burts: 5\n");
  child_->signal(SIGHUP);
  std::vector<std::string> seen;
  ASSERT_TRUE(notify_->wait_for("RELOADING=1", 10s, &seen));
  EXPECT_NE(seen.back().find("MONOTONIC_USEC="), std::string::npos);
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s));
  ASSERT_TRUE(child_->wait_for_stderr("keeping the running configuration", 5s))
      << child_->stderr_text();
  const std::string expected_error = config_path_.string() +
                                     ":3:3: log.rate_limit_burts: unknown key; did you mean "
                                     "\"rate_limit_burst\"?";
  EXPECT_NE(child_->stderr_text().find(expected_error), std::string::npos) << child_->stderr_text();

  // Still at level info: the notice that SIGTERM logs is shown, and it exits 0.
  child_->signal(SIGTERM);
  const auto status = child_->wait_for(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 0);
  EXPECT_NE(child_->stderr_text().find("SIGTERM: stopping"), std::string::npos)
      << child_->stderr_text();
}

TEST_F(CanhosedLifecycle, SighupWithAValidFileAppliesIt) {
  start(config_text("info"));
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s));
  EXPECT_EQ(child_->stderr_text().find("status: running"), std::string::npos);

  dir_.write("canhose.yaml", config_text("debug"));
  child_->signal(SIGHUP);
  ASSERT_TRUE(notify_->wait_for("RELOADING=1", 10s));
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s));
  EXPECT_TRUE(child_->wait_for_stderr(
      "configuration reloaded from " + config_path_.string() + " (log level debug)", 5s))
      << child_->stderr_text();
  // Debug now shows the periodic status line (every second in this config).
  EXPECT_TRUE(child_->wait_for_stderr("status: running", 5s)) << child_->stderr_text();
  child_->signal(SIGTERM);
  ASSERT_TRUE(child_->wait_for(10s));
}

// A reload reaches delivery through the hook the composition root registers: its stream
// and retry settings change live, its dead-letter settings only after a restart.
TEST_F(CanhosedLifecycle, SighupAppliesDeliverySettingsLive) {
  const auto delivery = [](std::string_view stream, std::string_view dead_letter_max) {
    return "delivery:\n  stream: " + std::string(stream) +
           "\n  region: eu-west-1\n  endpoint: https://127.0.0.1:1\n"
           "  dead_letter_max_bytes: " +
           std::string(dead_letter_max) + "\n";
  };
  const std::map<std::string, std::string> keys = {
      {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
      {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}};
  start(config_text("info") + delivery("first-stream", "1MiB"), keys);
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s)) << child_->stderr_text();

  dir_.write("canhose.yaml", config_text("info") + delivery("second-stream", "2MiB"));
  child_->signal(SIGHUP);
  ASSERT_TRUE(notify_->wait_for("RELOADING=1", 10s));
  ASSERT_TRUE(notify_->wait_for("READY=1", 10s));
  EXPECT_TRUE(child_->wait_for_stderr("delivery.stream is now second-stream", 5s))
      << child_->stderr_text();
  EXPECT_TRUE(child_->wait_for_stderr("the dead-letter settings take effect after a restart", 5s))
      << child_->stderr_text();
  child_->signal(SIGTERM);
  ASSERT_TRUE(child_->wait_for(10s));
}

TEST_F(CanhosedLifecycle, RefusesToStartWithABrokenConfigAndSaysWhy) {
  start("service:\n  shutdown_grace: soon\n");
  const auto status = child_->wait_for(10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 1);
  EXPECT_NE(child_->stderr_text().find(config_path_.string() +
                                       ":2:19: service.shutdown_grace: expected a duration"),
            std::string::npos)
      << child_->stderr_text();
}

}  // namespace
}  // namespace canhose
