// The whole daemon, as a fleet engineer runs it: a candump log replayed as the CAN bus,
// records built and kept in the on-disk queue, delivered over HTTPS to the Firehose
// emulator (a real process that checks every SigV4 signature with botocore), and read
// back from the emulator's S3-layout output.

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "support/child_process.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

namespace canhose {
namespace {

using namespace std::chrono_literals;

struct S3Lines {
  std::vector<std::string> lines;
};

S3Lines read_objects(test::FirehoseEmulatorProcess& emulator) {
  emulator.flush();
  S3Lines out;
  for (const auto& path : emulator.objects()) {
    std::istringstream text(test::read_file(path));
    std::string line;
    while (std::getline(text, line)) {
      out.lines.push_back(line);
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string w;
  while (in >> w) {
    words.push_back(w);
  }
  return words;
}

TEST(CanhosedEndToEnd, ReplayedFramesReachFirehoseOnceEachWithUniqueRecordIds) {
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  std::filesystem::create_directories(dir.path() / "emulator");
  test::FirehoseEmulatorProcess emulator(emulator_options, dir.path() / "emulator");

  const std::string config =
      "device:\n  id: van-17\n"
      "service:\n  state_dir: " +
      (dir.path() / "state").string() +
      "\n  shutdown_grace: 10s\n"
      "queue:\n  fsync_interval: 50ms\n"
      "delivery:\n  stream: edge-gw\n  region: us-east-1\n  endpoint: " +
      emulator.endpoint() + "\n  ca_file: " + pki.ca_cert.string() +
      "\n  flush_interval: 100ms\n"
      "credentials:\n  source: static\n  access_key_id: " +
      test::kEmulatorAccessKeyId + "\n  secret_access_key: " + test::kEmulatorSecretAccessKey +
      "\nsources:\n  replay:\n    enabled: true\n    file: " CANHOSE_TEST_DATA_DIR
      "/can/savvycan-candump.log\n    speed: max\n"
      "record:\n  fields: [record_id, timestamp, device_id]\n  period: 200ms\n"
      "  raw_frames:\n    enabled: true\n    ids: [\"0x102\"]\n";
  const auto config_path = dir.write("canhose.yaml", config);
  std::filesystem::permissions(
      config_path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  test::NotifySocket notify(dir.path() / "notify.sock");
  std::filesystem::create_directories(dir.path() / "daemon");
  test::ChildProcess daemon(CANHOSED_PATH, {"--config", config_path.string()},
                            {{"NOTIFY_SOCKET", notify.path().string()}}, dir.path() / "daemon");
  ASSERT_TRUE(notify.wait_for("READY=1", 30s)) << daemon.stderr_text();

  // The log holds 936 frames with id 0x102: each becomes one raw record.
  const auto raw_102 = [](const S3Lines& s3) {
    std::size_t n = 0;
    for (const auto& line : s3.lines) {
      const auto words = split(line);
      n += (words.size() == 5 && words[2] == "vcan0" && words[3] == "102") ? 1 : 0;
    }
    return n;
  };
  S3Lines s3;
  const auto limit = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < limit) {
    s3 = read_objects(emulator);
    if (raw_102(s3) >= 936) {
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(raw_102(s3), 936u) << daemon.stderr_text();

  daemon.signal(SIGTERM);
  const auto status = daemon.wait_for(30s);
  ASSERT_TRUE(status) << daemon.stderr_text();
  EXPECT_EQ(status->code, 0) << daemon.stderr_text();

  s3 = read_objects(emulator);
  std::set<std::uint64_t> ids;
  std::size_t snapshots = 0;
  for (const auto& line : s3.lines) {
    const auto words = split(line);
    ASSERT_GE(words.size(), 3u) << line;
    EXPECT_TRUE(ids.insert(std::stoull(words[0])).second) << "record id repeated: " << line;
    if (words.size() == 3) {
      EXPECT_EQ(words[2], "van-17") << line;
      ++snapshots;
    }
  }
  EXPECT_GT(snapshots, 0u);
  // Nothing the emulator refused, and no signature problems.
  const auto stats = emulator.stats();
  EXPECT_EQ(stats["records_failed"], 0) << stats.dump();
  EXPECT_TRUE(stats["errors"].empty()) << stats.dump();
}

}  // namespace
}  // namespace canhose
