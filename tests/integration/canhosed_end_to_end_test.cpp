// The whole daemon, as a fleet engineer runs it: a candump log replayed as the CAN bus,
// records built and kept in the on-disk queue, delivered over HTTPS to the Firehose
// emulator (a real process that checks every SigV4 signature with botocore), and read
// back from the emulator's S3-layout output.

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
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

// canhosed's configuration for these tests: replay the SavvyCAN log as fast as possible,
// capture frames with id 0x102 as raw records, deliver to the emulator over HTTPS.
std::string e2e_config(const test::TempDir& dir, const test::FirehoseEmulatorProcess& emulator,
                       const test::TestPki& pki, const std::string& delivery_extra) {
  return "device:\n  id: van-17\n"
         "service:\n  state_dir: " +
         (dir.path() / "state").string() +
         "\n  shutdown_grace: 10s\n"
         "queue:\n  fsync_interval: 50ms\n"
         "delivery:\n  stream: edge-gw\n  region: us-east-1\n  endpoint: " +
         emulator.endpoint() + "\n  ca_file: " + pki.ca_cert.string() +
         "\n  flush_interval: 100ms\n" + delivery_extra +
         "credentials:\n  source: static\n  access_key_id: " + test::kEmulatorAccessKeyId +
         "\n  secret_access_key: " + test::kEmulatorSecretAccessKey +
         "\nsources:\n  replay:\n    enabled: true\n    file: " +
         std::string(CANHOSE_TEST_DATA_DIR) +
         "/can/savvycan-candump.log\n    speed: max\n"
         "record:\n  fields: [record_id, timestamp, device_id]\n  period: 200ms\n"
         "  raw_frames:\n    enabled: true\n    ids: [\"0x102\"]\n";
}

// Lines in the emulator's output that are raw records of frame 0x102.
std::size_t raw_102(const S3Lines& s3) {
  std::size_t n = 0;
  for (const auto& line : s3.lines) {
    const auto words = test::split_words(line);
    n += (words.size() == 5 && words[2] == "vcan0" && words[3] == "102") ? 1 : 0;
  }
  return n;
}

TEST(CanhosedEndToEnd, ReplayedFramesReachFirehoseOnceEachWithUniqueRecordIds) {
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  std::filesystem::create_directories(dir.path() / "emulator");
  test::FirehoseEmulatorProcess emulator(emulator_options, dir.path() / "emulator");
  const std::string config = e2e_config(dir, emulator, pki, "");
  test::CanhosedProcess running(CANHOSED_PATH, dir.path(), config);
  ASSERT_TRUE(running.ready()) << running.process().stderr_text();
  test::ChildProcess& daemon = running.process();

  // The log holds 936 frames with id 0x102: each becomes one raw record.
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
    const auto words = test::split_words(line);
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

TEST(CanhosedEndToEnd, EveryRecordArrivesThroughThrottlingErrorsFailuresResetsAndSlowResponses) {
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  emulator_options.seed = 7;
  emulator_options.throttle_fraction = 0.3;
  emulator_options.error500_fraction = 0.1;
  emulator_options.record_failure_fraction = 0.1;
  emulator_options.reset_fraction = 0.25;
  emulator_options.delay_ms = 20;
  emulator_options.verbose = false;
  std::filesystem::create_directories(dir.path() / "emulator");
  test::FirehoseEmulatorProcess emulator(emulator_options, dir.path() / "emulator");
  // One queue record per Firehose record, so per-record failures hit single records.
  test::CanhosedProcess running(
      CANHOSED_PATH, dir.path(),
      e2e_config(dir, emulator, pki,
                 "  pack: false\n  concurrency: 4\n  retry:\n    base: 10ms\n    max: 500ms\n"));
  ASSERT_TRUE(running.ready()) << running.process().stderr_text();
  test::ChildProcess& daemon = running.process();

  S3Lines s3;
  const auto limit = std::chrono::steady_clock::now() + 120s;
  std::set<std::string> unique_102;
  while (std::chrono::steady_clock::now() < limit) {
    s3 = read_objects(emulator);
    unique_102.clear();
    for (const auto& line : s3.lines) {
      const auto words = test::split_words(line);
      if (words.size() == 5 && words[3] == "102") {
        unique_102.insert(line);
      }
    }
    if (unique_102.size() >= 936) {
      break;
    }
    std::this_thread::sleep_for(300ms);
  }
  EXPECT_EQ(unique_102.size(), 936u) << daemon.stderr_text();
  daemon.signal(SIGTERM);
  const auto status = daemon.wait_for(30s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 0);

  // Duplicates are allowed only where a response was lost (a reset after the emulator
  // stored the batch); they carry the same record id, so downstream can drop them.
  std::map<std::uint64_t, std::string> by_id;
  std::size_t duplicates = 0;
  for (const auto& line : read_objects(emulator).lines) {
    const auto id = std::stoull(test::split_words(line).at(0));
    auto [it, inserted] = by_id.emplace(id, line);
    if (!inserted) {
      EXPECT_EQ(it->second, line) << "one record id, two different records";
      ++duplicates;
    }
  }
  const auto stats = emulator.stats();
  std::cout << "faults seen: " << stats["errors"].dump() << ", resets " << stats["resets"]
            << ", records failed " << stats["records_failed"]
            << "; duplicates delivered: " << duplicates << "\n";
  EXPECT_GT(stats["records_failed"].get<int>(), 0)
      << "the fault mix did not happen: " << stats.dump();
  EXPECT_GT(stats["resets"].get<int>(), 0) << stats.dump();
}

TEST(CanhosedEndToEnd, BacklogQueuedDuringAnOutageDrainsWhenFirehoseReturns) {
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  emulator_options.verbose = false;
  std::filesystem::create_directories(dir.path() / "first");
  auto emulator =
      std::make_unique<test::FirehoseEmulatorProcess>(emulator_options, dir.path() / "first");
  const std::string config =
      e2e_config(dir, *emulator, pki, "  retry:\n    base: 50ms\n    max: 500ms\n");
  emulator_options.listen_port = emulator->port();
  emulator.reset();  // Firehose is unreachable from the start: connection refused

  test::CanhosedProcess running(CANHOSED_PATH, dir.path(), config);
  ASSERT_TRUE(running.ready()) << running.process().stderr_text();
  test::ChildProcess& daemon = running.process();
  // The whole log is replayed into the queue while sending fails.
  ASSERT_TRUE(daemon.wait_for_stderr("PutRecordBatch failed, will retry", 30s))
      << daemon.stderr_text();
  std::this_thread::sleep_for(2s);

  std::filesystem::create_directories(dir.path() / "second");
  emulator =
      std::make_unique<test::FirehoseEmulatorProcess>(emulator_options, dir.path() / "second");
  S3Lines s3;
  const auto limit = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < limit && raw_102(s3) < 936) {
    std::this_thread::sleep_for(300ms);
    s3 = read_objects(*emulator);
  }
  EXPECT_EQ(raw_102(s3), 936u) << daemon.stderr_text();
  daemon.signal(SIGTERM);
  const auto status = daemon.wait_for(30s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 0);
}

// The log replayed in a loop at full speed, every frame a raw record, into a queue of
// 4 MiB: it is full within a second, drop_oldest deletes segments whose records delivery
// has read and not yet acknowledged, and those acknowledgements arrive after the fact.
// That once left the queue's worker spinning with its mutex held: canhosed stopped
// delivering, logging and answering SIGTERM. It must keep delivering and stop cleanly.
TEST(CanhosedEndToEnd, AFullQueueUnderAFloodKeepsDeliveringAndStopsOnSigterm) {
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  emulator_options.verbose = false;
  std::filesystem::create_directories(dir.path() / "emulator");
  test::FirehoseEmulatorProcess emulator(emulator_options, dir.path() / "emulator");
  const std::string config =
      "device:\n  id: van-17\n"
      "service:\n  state_dir: " +
      (dir.path() / "state").string() +
      "\n  shutdown_grace: 5s\n"
      "queue:\n  max_bytes: 4MiB\n  segment_bytes: 256KiB\n  memory_buffer: 2MiB\n"
      "delivery:\n  stream: edge-gw\n  region: us-east-1\n  endpoint: " +
      emulator.endpoint() + "\n  ca_file: " + pki.ca_cert.string() +
      "\ncredentials:\n  source: static\n  access_key_id: " + test::kEmulatorAccessKeyId +
      "\n  secret_access_key: " + test::kEmulatorSecretAccessKey +
      "\nsources:\n  replay:\n    enabled: true\n    file: " + std::string(CANHOSE_TEST_DATA_DIR) +
      "/can/savvycan-candump.log\n    speed: max\n    loop: true\n"
      "record:\n  fields: [record_id, timestamp, device_id]\n  period: 1s\n"
      "  raw_frames:\n    enabled: true\n    ids: " +
      test::candump_ids_yaml(std::string(CANHOSE_TEST_DATA_DIR) + "/can/savvycan-candump.log") +
      "\n";
  test::CanhosedProcess running(CANHOSED_PATH, dir.path(), config);
  ASSERT_TRUE(running.ready()) << running.process().stderr_text();
  test::ChildProcess& daemon = running.process();
  ASSERT_TRUE(daemon.wait_for_stderr("(queue_full_oldest) by deleting segment", 30s))
      << daemon.stderr_text();

  // Deliveries go on: the emulator's record count grows in each of three 4 s windows
  // (windows long enough for a slow sanitizer build on a busy machine).
  auto delivered = [&] { return emulator.stats()["records_accepted"].get<std::int64_t>(); };
  std::int64_t before = delivered();
  for (int window = 0; window < 3; ++window) {
    std::this_thread::sleep_for(4s);
    const std::int64_t now = delivered();
    EXPECT_GT(now, before) << "nothing delivered in window " << window;
    before = now;
  }
  daemon.signal(SIGTERM);
  const auto status = daemon.wait_for(30s);
  ASSERT_TRUE(status) << "canhosed did not stop within 30 s of SIGTERM";
  EXPECT_EQ(status->code, 0);
  EXPECT_TRUE(emulator.stats()["errors"].empty()) << emulator.stats().dump();
}

}  // namespace
}  // namespace canhose
