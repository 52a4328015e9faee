// canhosed killed with SIGKILL at random moments while it replays a CAN log and
// delivers to the Firehose emulator (which also throttles, to keep requests in flight).
// After every kill the test opens the queue the way the next start will, and notes every
// record that is durable on disk and not yet acknowledged; after the last round a clean
// run drains the queue. Every noted record must then be in the emulator's S3 output,
// byte for byte, and a record id never names two different records.

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "asio/asio.hpp"
#include "queue/queue.hpp"
#include "support/canhosed_process.hpp"
#include "support/child_process.hpp"
#include "support/firehose_emulator_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

namespace canhose {
namespace {

using namespace std::chrono_literals;

std::string daemon_config(const test::TempDir& dir, const test::FirehoseEmulatorProcess& emulator,
                          const test::TestPki& pki, bool replay) {
  std::string config =
      "device:\n  id: van-17\nservice:\n  state_dir: " + (dir.path() / "state").string() +
      "\nqueue:\n  fsync_interval: 20ms\n"
      "delivery:\n  stream: edge-gw\n  region: us-east-1\n  endpoint: " +
      emulator.endpoint() + "\n  ca_file: " + pki.ca_cert.string() +
      "\n  flush_interval: 50ms\n  pack: false\n  concurrency: 2\n"
      "  retry:\n    base: 10ms\n    max: 200ms\n"
      "credentials:\n  source: static\n  access_key_id: " +
      test::kEmulatorAccessKeyId + "\n  secret_access_key: " + test::kEmulatorSecretAccessKey +
      "\nrecord:\n  fields: [record_id, timestamp, device_id]\n  period: 50ms\n"
      "  raw_frames:\n    enabled: true\n    ids: [\"0x102\", \"0x116\"]\n";
  if (replay) {
    config += "sources:\n  replay:\n    enabled: true\n    file: " CANHOSE_TEST_DATA_DIR
              "/can/savvycan-candump.log\n    speed: \"5\"\n    loop: true\n";
  }
  return config;
}

// Records durable on disk and not yet acknowledged, as the next start will see them.
std::map<std::uint64_t, std::string> pending_on_disk(const std::filesystem::path& queue_dir) {
  asio::io_context io;
  queue::QueueOptions options;
  options.dir = queue_dir;
  auto opened = queue::Queue::open(io, options);
  EXPECT_TRUE(opened.queue) << opened.error;
  std::map<std::uint64_t, std::string> records;
  if (!opened.queue) {
    return records;
  }
  for (;;) {
    queue::ReadBatch batch = opened.queue->read(1000, 1 << 20);
    if (batch.records.empty()) {
      break;
    }
    for (const auto& r : batch.records) {
      records.emplace(r.seq,
                      std::string(reinterpret_cast<const char*>(r.data.data()), r.data.size()));
    }
  }
  opened.queue->close();
  return records;
}

std::map<std::uint64_t, std::set<std::string>> delivered(test::FirehoseEmulatorProcess& emulator) {
  emulator.flush();
  std::map<std::uint64_t, std::set<std::string>> by_id;
  for (const auto& path : emulator.objects()) {
    std::istringstream text(test::read_file(path));
    std::string line;
    while (std::getline(text, line)) {
      by_id[std::stoull(line.substr(0, line.find(' ')))].insert(line + "\n");
    }
  }
  return by_id;
}

TEST(CanhosedCrash, SigkillAtRandomMomentsLosesNoDurableRecord) {
  const char* rounds_env = std::getenv("CANHOSE_DELIVERY_CRASH_ROUNDS");
  const int rounds = rounds_env != nullptr ? std::atoi(rounds_env) : 6;
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  emulator_options.seed = 11;
  emulator_options.throttle_fraction = 0.3;
  emulator_options.delay_ms = 30;
  emulator_options.verbose = false;
  std::filesystem::create_directories(dir.path() / "emulator");
  test::FirehoseEmulatorProcess emulator(emulator_options, dir.path() / "emulator");

  std::mt19937 random(20261125);
  std::map<std::uint64_t, std::string> must_arrive;
  const std::string config = daemon_config(dir, emulator, pki, true);
  for (int round = 0; round < rounds; ++round) {
    test::CanhosedProcess running(CANHOSED_PATH, dir.path(), config,
                                  "round" + std::to_string(round));
    test::ChildProcess& daemon = running.process();
    ASSERT_TRUE(running.ready()) << daemon.stderr_text();
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + random() % 1000));
    daemon.signal(SIGKILL);
    const auto status = daemon.wait_for(10s);
    ASSERT_TRUE(status);
    ASSERT_FALSE(status->exited) << "it should have died of SIGKILL";
    const auto pending = pending_on_disk(dir.path() / "state" / "queue");
    // Records seen pending at an earlier kill and now below the cursor were acknowledged,
    // which canhosed does only after Firehose accepted them: they must be delivered.
    if (!pending.empty()) {
      const auto got = delivered(emulator);
      for (auto it = must_arrive.begin();
           it != must_arrive.end() && it->first < pending.begin()->first; ++it) {
        const auto found = got.find(it->first);
        EXPECT_TRUE(found != got.end() && found->second.count(it->second) == 1)
            << "record " << it->first << " was acknowledged but never delivered";
      }
    }
    must_arrive.insert(pending.begin(), pending.end());
  }
  ASSERT_FALSE(must_arrive.empty()) << "no round left anything on disk: the test proves nothing";

  // A clean run without sources drains what the kills left behind.
  {
    test::CanhosedProcess running(CANHOSED_PATH, dir.path(),
                                  daemon_config(dir, emulator, pki, false), "drain");
    test::ChildProcess& daemon = running.process();
    ASSERT_TRUE(running.ready()) << daemon.stderr_text();
    const auto limit = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < limit) {
      std::this_thread::sleep_for(500ms);
      const auto got = delivered(emulator);
      bool all = true;
      for (const auto& [seq, data] : must_arrive) {
        auto it = got.find(seq);
        if (it == got.end() || it->second.count(data) == 0) {
          all = false;
          break;
        }
      }
      if (all) {
        break;
      }
    }
    daemon.signal(SIGTERM);
    ASSERT_TRUE(daemon.wait_for(30s));
  }

  const auto got = delivered(emulator);
  std::size_t missing = 0;
  for (const auto& [seq, data] : must_arrive) {
    auto it = got.find(seq);
    if (it == got.end() || it->second.count(data) == 0) {
      ++missing;
      ADD_FAILURE() << "durable record " << seq << " never arrived: " << data;
      if (missing > 5) {
        break;
      }
    }
  }
  std::size_t conflicting = 0;
  for (const auto& [seq, versions] : got) {
    conflicting += versions.size() > 1 ? 1 : 0;
  }
  EXPECT_EQ(conflicting, 0u) << "a record id named two different records";
  std::cout << rounds << " SIGKILL rounds; " << must_arrive.size()
            << " records were durable and unacknowledged at some kill; all arrived: "
            << (missing == 0) << "\n";
}

}  // namespace
}  // namespace canhose
