// canhosed with its state directory on a disk smaller than the backlog (issue 14, "Full
// disk"): a 512 KiB tmpfs, the SavvyCAN log replayed with every frame a raw record (about
// 0.9 MB of segments), Firehose unreachable until the disk has filled, then back. The
// queue must apply queue.when_full (drop_oldest) to the disk's real free space, deliver
// every record it did not count as dropped, and lose nothing at shutdown. Before, the
// first segment filled the disk and was never deleted, and every later record was lost
// at SIGTERM ("records could not be written before shutdown and are lost").

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/candump_log.hpp"
#include "support/canhosed_process.hpp"
#include "support/child_process.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_paths.hpp"
#include "support/test_pki.hpp"

namespace canhose {
namespace {

using namespace std::chrono_literals;

// A tmpfs mounted for the life of the object (the test needs root: CI runs as root).
class TmpfsMount {
 public:
  TmpfsMount(const std::filesystem::path& at, const std::string& size) : at_(at) {
    std::filesystem::create_directories(at);
    const std::string data = "size=" + size;
    if (::mount("canhose-test", at.c_str(), "tmpfs", 0, data.c_str()) == 0) {
      mounted_ = true;
    } else {
      error_ = std::strerror(errno);
    }
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  ~TmpfsMount() {
    if (mounted_) {
      ::umount2(at_.c_str(), MNT_DETACH);
    }
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::filesystem::path at_;
  bool mounted_ = false;
  std::string error_;
};

// Records the daemon logged as dropped by queue.when_full.
std::uint64_t logged_drops(const std::string& log) {
  static const std::regex dropped(R"(dropped (\d+) unacknowledged records \(queue_full_oldest\))");
  std::uint64_t n = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), dropped);
       it != std::sregex_iterator(); ++it) {
    n += std::stoull((*it)[1].str());
  }
  return n;
}

TEST(CanhosedFullDisk, AfterTheDiskFillsEveryRecordNotCountedAsDroppedReachesFirehose) {
  test::TempDir dir;
  const TmpfsMount disk(dir.path() / "disk", "512k");
  ASSERT_TRUE(disk.mounted()) << "cannot mount a 512 KiB tmpfs for the state directory: "
                              << disk.error() << ". This test fills a real disk: run it as root.";
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  emulator_options.verbose = false;
  std::filesystem::create_directories(dir.path() / "first");
  auto emulator =
      std::make_unique<test::FirehoseEmulatorProcess>(emulator_options, dir.path() / "first");
  const std::string config =
      "device:\n  id: van-17\n"
      "service:\n  state_dir: " +
      (dir.path() / "disk" / "state").string() +
      "\n  shutdown_grace: 10s\n"
      "queue:\n  max_bytes: 64MiB\n  fsync_interval: 50ms\n"
      "delivery:\n  stream: edge-gw\n  region: us-east-1\n  endpoint: " +
      emulator->endpoint() + "\n  ca_file: " + pki.ca_cert.string() +
      "\n  flush_interval: 100ms\n  retry:\n    base: 50ms\n    max: 500ms\n"
      "credentials:\n  source: static\n  access_key_id: " +
      test::kEmulatorAccessKeyId + "\n  secret_access_key: " + test::kEmulatorSecretAccessKey +
      "\nsources:\n  replay:\n    enabled: true\n    file: " + std::string(CANHOSE_TEST_DATA_DIR) +
      "/can/savvycan-candump.log\n    speed: max\n"
      "record:\n  fields: [record_id, timestamp, device_id]\n  period: 1s\n"
      "  raw_frames:\n    enabled: true\n    ids: " +
      test::candump_ids_yaml(std::string(CANHOSE_TEST_DATA_DIR) + "/can/savvycan-candump.log") +
      "\n";
  emulator_options.listen_port = emulator->port();
  emulator.reset();  // Firehose is unreachable until the disk has filled

  test::CanhosedProcess running(CANHOSED_PATH, dir.path(), config);
  ASSERT_TRUE(running.ready()) << running.process().stderr_text();
  test::ChildProcess& daemon = running.process();
  ASSERT_TRUE(daemon.wait_for_stderr("No space left on device", 60s)) << "the disk never filled:\n"
                                                                      << daemon.stderr_text();

  std::filesystem::create_directories(dir.path() / "second");
  emulator =
      std::make_unique<test::FirehoseEmulatorProcess>(emulator_options, dir.path() / "second");
  // Record ids are the queue's sequence numbers, dense from 1: every id up to the highest
  // delivered is either delivered or counted as dropped, once the whole log (12,974 raw
  // records) is in and delivery has caught up.
  std::set<std::uint64_t> ids;
  std::uint64_t lines = 0;
  std::uint64_t drops = 0;
  auto caught_up = [&] {
    emulator->flush();
    ids.clear();
    lines = 0;
    for (const auto& path : emulator->objects()) {
      std::istringstream text(test::read_file(path));
      std::string line;
      while (std::getline(text, line)) {
        ids.insert(std::stoull(test::split_words(line).at(0)));
        ++lines;
      }
    }
    drops = logged_drops(daemon.stderr_text());
    const std::uint64_t highest = ids.empty() ? 0 : *ids.rbegin();
    return highest >= 12974 && ids.size() + drops >= highest;
  };
  const auto limit = std::chrono::steady_clock::now() + 120s;
  bool done = false;
  while (!(done = caught_up()) && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(300ms);
  }
  const std::uint64_t highest = ids.empty() ? 0 : *ids.rbegin();
  std::printf(
      "[ figures  ] canhosed on a 512 KiB disk: %llu records, %zu delivered (%llu lines), %llu "
      "lost, %llu counted as dropped (queue_full_oldest: records in flight when their segment "
      "went are counted and may still arrive), %llu neither\n",
      static_cast<unsigned long long>(highest), ids.size(), static_cast<unsigned long long>(lines),
      static_cast<unsigned long long>(highest - std::min<std::uint64_t>(highest, ids.size())),
      static_cast<unsigned long long>(drops),
      static_cast<unsigned long long>(highest - std::min(highest, ids.size() + drops)));
  EXPECT_TRUE(done) << "records neither delivered nor counted as dropped:\n"
                    << daemon.stderr_text();
  EXPECT_GT(drops, 0U) << "the log does not fit on the disk: drop_oldest must have dropped";

  daemon.signal(SIGTERM);
  const auto status = daemon.wait_for(30s);
  ASSERT_TRUE(status) << daemon.stderr_text();
  EXPECT_EQ(status->code, 0) << daemon.stderr_text();
  const std::string log = daemon.stderr_text();
  static const std::regex lost_at_shutdown(R"((\d+) records could not be written before shutdown)");
  std::smatch lost;
  const bool any_lost = std::regex_search(log, lost, lost_at_shutdown);
  std::printf("[ figures  ] lost at shutdown: %s\n", any_lost ? lost[1].str().c_str() : "0");
  EXPECT_FALSE(any_lost) << log;
  EXPECT_TRUE(emulator->stats()["errors"].empty()) << emulator->stats().dump();
}

}  // namespace
}  // namespace canhose
