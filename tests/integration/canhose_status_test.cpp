// `canhose status` (the real binary) against a running canhosed: replayed CAN frames,
// delivery to the Firehose emulator, metrics on a loopback port.

#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <thread>

#include "support/canhosed_process.hpp"
#include "support/child_process.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/gpsfake_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"
#include "support/test_pki.hpp"

namespace canhose {
namespace {

using namespace std::chrono_literals;

test::RunResult status(const test::TempDir& dir, const std::filesystem::path& config,
                       const std::vector<std::string>& extra = {}) {
  return test::run_canhose("status", config, dir.path(), extra);
}

TEST(CanhoseStatus, ShowsDeliveringQueueDeliveredCountAndCanRateOfARunningDaemon) {
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  emulator_options.verbose = false;
  std::filesystem::create_directories(dir.path() / "emulator");
  test::FirehoseEmulatorProcess emulator(emulator_options, dir.path() / "emulator");
  const std::uint16_t port = test::free_loopback_port();
  const std::string config =
      "device:\n  id: van-17\nservice:\n  state_dir: " + (dir.path() / "state").string() +
      "\nmetrics:\n  listen: 127.0.0.1:" + std::to_string(port) +
      "\ndelivery:\n  stream: edge-gw\n  region: us-east-1\n  endpoint: " + emulator.endpoint() +
      "\n  ca_file: " + pki.ca_cert.string() +
      "\n  flush_interval: 100ms\ncredentials:\n  source: static\n  access_key_id: " +
      test::kEmulatorAccessKeyId + "\n  secret_access_key: " + test::kEmulatorSecretAccessKey +
      "\nsources:\n  replay:\n    enabled: true\n    file: " + std::string(CANHOSE_TEST_DATA_DIR) +
      "/can/savvycan-candump.log\n    speed: \"5\"\n    loop: true\n"
      "record:\n  fields: [record_id, timestamp, device_id]\n  period: 100ms\n";
  test::CanhosedProcess running(CANHOSED_PATH, dir.path(), config);
  ASSERT_TRUE(running.ready()) << running.process().stderr_text();

  // Wait until a request was accepted, so "last success" is set.
  test::RunResult r;
  const auto limit = std::chrono::steady_clock::now() + 30s;
  do {
    r = status(dir, running.config_path());
  } while (!std::regex_search(r.out, std::regex(R"(Last success: +20)")) &&
           std::chrono::steady_clock::now() < limit);
  EXPECT_EQ(r.status.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("canhosed " CANHOSE_VERSION " on device van-17, up "), std::string::npos)
      << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(Delivery: +delivering; (\d+) records)")))
      << r.out;
  EXPECT_GT(std::stoul(m[1]), 0u) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(Last success: +20\d\d-.* UTC \(\d)")))
      << r.out;
  EXPECT_TRUE(
      std::regex_search(r.out, std::regex(R"(Queue: +\d+ records waiting \(queue files \d)")))
      << r.out;
  ASSERT_TRUE(std::regex_search(
      r.out, m, std::regex(R"(CAN replay: +([0-9.]+) frames/s \(measured over 1\.\d s\), (\d+))")))
      << r.out;
  EXPECT_GT(std::stod(m[1]), 0.0) << r.out;
  EXPECT_GT(std::stoul(m[2]), 0u) << r.out;
  EXPECT_NE(r.out.find("Health: OK"), std::string::npos) << r.out;

  const auto json = status(dir, running.config_path(), {"--json", "--interval", "0"});
  ASSERT_EQ(json.status.code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["delivery"]["state"], "delivering") << json.out;
  EXPECT_GT(j["delivery"]["records_delivered"].get<double>(), 0) << json.out;
  EXPECT_GT(j["replay"]["frames_per_second"].get<double>(), 0) << json.out;
  EXPECT_EQ(j["healthy"], true);

  running.process().signal(SIGTERM);
  ASSERT_TRUE(running.process().wait_for(30s));

  // Now nothing listens there.
  const auto stopped = status(dir, running.config_path());
  EXPECT_EQ(stopped.status.code, 3) << stopped.out;
  EXPECT_NE(stopped.err.find("connection refused at http://127.0.0.1:" + std::to_string(port) +
                             "/metrics: canhosed is not running"),
            std::string::npos)
      << stopped.err;
}

TEST(CanhoseStatus, ReportsDegradedWhenDeliveryIsOffAndGpsdIsMissing) {
  test::TempDir dir;
  const std::uint16_t port = test::free_loopback_port();
  const std::uint16_t no_gpsd = test::free_loopback_port();
  test::CanhosedProcess running(
      CANHOSED_PATH, dir.path(),
      "service:\n  state_dir: " + (dir.path() / "state").string() +
          "\nmetrics:\n  listen: 127.0.0.1:" + std::to_string(port) +
          "\nsources:\n  gps:\n    enabled: true\n    port: " + std::to_string(no_gpsd) + "\n");
  ASSERT_TRUE(running.ready()) << running.process().stderr_text();
  const auto r = status(dir, running.config_path(), {"--interval", "0"});
  EXPECT_EQ(r.status.code, 1) << r.out << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(Delivery: +OFF: delivery.stream is empty)")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(GPS: +gpsd NOT connected, no fix)"))) << r.out;
  EXPECT_NE(r.out.find("Health: DEGRADED"), std::string::npos) << r.out;
  running.process().signal(SIGTERM);
  ASSERT_TRUE(running.process().wait_for(30s));
}

TEST(CanhoseStatus, WithoutMetricsListenItSaysWhatToSet) {
  test::TempDir dir;
  const auto config = dir.write("canhose.yaml", "device:\n  id: van-17\n");
  const auto r = status(dir, config);
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.err.find("metrics.listen is not set in " + config.string()), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("listen: 127.0.0.1:9464"), std::string::npos) << r.err;
}

TEST(CanhoseStatus, ExitsThreeWhenTheDaemonIsNotRunning) {
  test::TempDir dir;
  const std::uint16_t port = test::free_loopback_port();
  const auto config =
      dir.write("canhose.yaml", "metrics:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n");
  const auto r = status(dir, config);
  EXPECT_EQ(r.status.code, 3);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("canhosed is not running"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("journalctl -u canhose"), std::string::npos) << r.err;
}

TEST(CanhoseStatus, HelpDocumentsTheCommandsAndTheExitCodes) {
  test::TempDir dir;
  const auto help = test::run_program(CANHOSE_CLI_PATH, {"--help"}, dir.path());
  EXPECT_EQ(help.status.code, 0);
  for (const char* text : {"status [--config FILE] [--metrics ADDRESS] [--interval SECONDS]",
                           "streams create NAME --bucket BUCKET --role-arn ROLE_ARN",
                           "streams delete NAME [--yes]", "Exit codes:", "  3  unreachable"}) {
    EXPECT_NE(help.out.find(text), std::string::npos) << text << "\n" << help.out;
  }
  const auto bad = status(dir, dir.path() / "none.yaml", {"--interval", "soon"});
  EXPECT_EQ(bad.status.code, 2);
  EXPECT_NE(bad.err.find("--interval wants seconds from 0 to 60, got 'soon'"), std::string::npos)
      << bad.err;
}

// Session credentials with a wrong secret: the emulator (like real Firehose) answers
// InvalidSignatureException quoting the canonical request, x-amz-security-token included.
// The token must appear nowhere canhose shows the error: its log, `canhose status` (text
// and --json, read from the metrics labels).
TEST(CanhoseStatus, AnErrorQuotingTheSessionTokenIsShownRedactedEverywhere) {
  const std::string token = "IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQD6ZwEXAMPLE" +
                            std::string(120, 'T') + "/8n+EXAMPLEsessionTOKEN==";
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  emulator_options.verbose = false;
  emulator_options.credentials = {std::string(test::kEmulatorAccessKeyId) + ":" +
                                  test::kEmulatorSecretAccessKey + ":" + token};
  std::filesystem::create_directories(dir.path() / "emulator");
  test::FirehoseEmulatorProcess emulator(emulator_options, dir.path() / "emulator");
  const std::uint16_t port = test::free_loopback_port();
  const std::string wrong_secret = "WRONGXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  const std::string config =
      "device:\n  id: van-17\nservice:\n  state_dir: " + (dir.path() / "state").string() +
      "\nmetrics:\n  listen: 127.0.0.1:" + std::to_string(port) +
      "\ndelivery:\n  stream: edge-gw\n  region: us-east-1\n  endpoint: " + emulator.endpoint() +
      "\n  ca_file: " + pki.ca_cert.string() +
      "\n  flush_interval: 100ms\ncredentials:\n  source: static\n  access_key_id: " +
      test::kEmulatorAccessKeyId + "\n  secret_access_key: \"" + wrong_secret +
      "\"\n  session_token: \"" + token + "\"\nsources:\n  replay:\n    enabled: true\n    file: " +
      std::string(CANHOSE_TEST_DATA_DIR) +
      "/can/savvycan-candump.log\n    speed: \"5\"\n    loop: true\n"
      "record:\n  fields: [record_id, timestamp, device_id]\n  period: 100ms\n";
  test::CanhosedProcess running(CANHOSED_PATH, dir.path(), config);
  ASSERT_TRUE(running.ready()) << running.process().stderr_text();
  ASSERT_TRUE(running.process().wait_for_stderr("delivery paused: InvalidSignatureException", 30s))
      << running.process().stderr_text();

  const auto text = status(dir, running.config_path(), {"--interval", "0"});
  const auto json = status(dir, running.config_path(), {"--json", "--interval", "0"});
  const std::string log = running.process().stderr_text();
  EXPECT_NE(log.find("x-amz-security-token:<redacted>"), std::string::npos) << log;
  EXPECT_NE(text.out.find("InvalidSignatureException"), std::string::npos) << text.out;
  EXPECT_NE(json.out.find("InvalidSignatureException"), std::string::npos) << json.out;
  for (const std::string& shown : {log, text.out, text.err, json.out, json.err}) {
    EXPECT_EQ(shown.find(token.substr(0, 24)), std::string::npos) << shown;
    EXPECT_EQ(shown.find(wrong_secret), std::string::npos) << shown;
  }
  running.process().signal(SIGTERM);
  ASSERT_TRUE(running.process().wait_for(30s));
}

}  // namespace
}  // namespace canhose
