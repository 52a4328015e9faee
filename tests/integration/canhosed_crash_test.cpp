// canhosed killed with SIGKILL at random moments while it replays a CAN log and
// delivers to the Firehose emulator (which also throttles, to keep requests in flight).
// After every kill the test opens the queue the way the next start will, and notes every
// record that is durable on disk and not yet acknowledged; after the last round a clean
// run drains the queue. Every noted record must then be in the emulator's S3 output,
// byte for byte, and a record id never names two different records.

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "asio/asio.hpp"
#include "queue/queue.hpp"
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

// With `gpsd_port`, also reads gpsd there and puts lat/lon in the snapshot records.
std::string daemon_config(const test::TempDir& dir, const test::FirehoseEmulatorProcess& emulator,
                          const test::TestPki& pki, bool replay,
                          std::optional<std::uint16_t> gpsd_port = std::nullopt) {
  const std::string fields = gpsd_port ? "[record_id, timestamp, device_id, lat, lon]"
                                       : "[record_id, timestamp, device_id]";
  std::string config =
      "device:\n  id: van-17\nservice:\n  state_dir: " + (dir.path() / "state").string() +
      "\nqueue:\n  fsync_interval: 20ms\n"
      "delivery:\n  stream: edge-gw\n  region: us-east-1\n  endpoint: " +
      emulator.endpoint() + "\n  ca_file: " + pki.ca_cert.string() +
      "\n  flush_interval: 50ms\n  pack: false\n  concurrency: 2\n"
      "  retry:\n    base: 10ms\n    max: 200ms\n"
      "credentials:\n  source: static\n  access_key_id: " +
      test::kEmulatorAccessKeyId + "\n  secret_access_key: " + test::kEmulatorSecretAccessKey +
      "\nrecord:\n  fields: " + fields +
      "\n  period: 50ms\n"
      "  raw_frames:\n    enabled: true\n    ids: [\"0x102\", \"0x116\"]\n";
  if (replay || gpsd_port) {
    config += "sources:\n";
  }
  if (gpsd_port) {
    config += "  gps:\n    enabled: true\n    port: " + std::to_string(*gpsd_port) + "\n";
  }
  if (replay) {
    config += "  replay:\n    enabled: true\n    file: " + std::string(CANHOSE_TEST_DATA_DIR) +
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

// Polls the emulator until every record in `must_arrive` is in its output (or `limit`).
void wait_until_delivered(test::FirehoseEmulatorProcess& emulator,
                          const std::map<std::uint64_t, std::string>& must_arrive,
                          std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
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
      return;
    }
  }
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
  // Records Firehose already has that a kill leaves above the cursor: the next start sends
  // them again (the duplicates a SIGKILL costs; ids stay unique, downstream drops them).
  std::size_t resent = 0;
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
    {
      const auto got = delivered(emulator);
      for (const auto& [seq, data] : pending) {
        resent += got.count(seq);
      }
    }
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
    wait_until_delivered(emulator, must_arrive, 120s);
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
            << (missing == 0) << "; duplicates per kill (delivered, then above the cursor): "
            << static_cast<double>(resent) / rounds << "\n";
}

// Issue 7's "done when": the real canhosed with a replayed CAN log, a real gpsd (gpsfake
// looping a real NMEA log) and the emulator, killed with SIGKILL mid-run and restarted;
// once it has drained, pandas reads the emulator's S3 objects and finds every record the
// queue had made durable, each id once, with the log's positions in the snapshots.
TEST(CanhosedCrash, KilledMidRunWithCanAndGpsThenRestartedEveryDurableRecordReachesPandas) {
  test::TempDir dir;
  const test::TestPki pki = test::make_test_pki(dir.path() / "pki");
  test::FirehoseEmulatorOptions emulator_options;
  emulator_options.use_pki(pki);
  emulator_options.seed = 5;
  emulator_options.throttle_fraction = 0.2;  // keeps batches in flight at the kill
  emulator_options.delay_ms = 20;
  emulator_options.verbose = false;
  std::filesystem::create_directories(dir.path() / "emulator");
  test::FirehoseEmulatorProcess emulator(emulator_options, dir.path() / "emulator");
  // bt451.log: a car in Lithuania (55.797 N, 23.569 E) after a stretch with no fix.
  test::GpsfakeServer gpsd(std::string(CANHOSE_TEST_DATA_DIR) + "/nmea/bt451.log",
                           test::free_loopback_port(), /*once=*/false);
  const std::string config = daemon_config(dir, emulator, pki, true, gpsd.port());

  std::map<std::uint64_t, std::string> must_arrive;
  {
    test::CanhosedProcess running(CANHOSED_PATH, dir.path(), config, "killed");
    test::ChildProcess& daemon = running.process();
    ASSERT_TRUE(running.ready()) << daemon.stderr_text();
    // Run until delivered snapshots carry positions, then kill it mid-run.
    const auto limit = std::chrono::steady_clock::now() + 60s;
    bool positioned = false;
    std::string last_snapshot;  // for the failure message: which field was still NaN
    while (!positioned && std::chrono::steady_clock::now() < limit) {
      std::this_thread::sleep_for(500ms);
      for (const auto& [seq, versions] : delivered(emulator)) {
        const std::string& line = *versions.begin();
        if (line.find(" van-17 ") == std::string::npos) {
          continue;
        }
        last_snapshot = line;
        positioned = positioned || line.find("NaN") == std::string::npos;
      }
    }
    ASSERT_TRUE(positioned) << "no snapshot with a position arrived; the last snapshot: "
                            << last_snapshot << "\n"
                            << daemon.stderr_text() << gpsd.stderr_text();
    std::this_thread::sleep_for(1s);
    daemon.signal(SIGKILL);
    const auto status = daemon.wait_for(10s);
    ASSERT_TRUE(status && !status->exited) << "it should have died of SIGKILL";
    must_arrive = pending_on_disk(dir.path() / "state" / "queue");
  }
  ASSERT_FALSE(must_arrive.empty()) << "nothing was left on disk at the kill: the test proves "
                                       "nothing";
  {
    test::CanhosedProcess running(CANHOSED_PATH, dir.path(), config, "restarted");
    test::ChildProcess& daemon = running.process();
    ASSERT_TRUE(running.ready()) << daemon.stderr_text();
    wait_until_delivered(emulator, must_arrive, 120s);
    daemon.signal(SIGTERM);
    const auto status = daemon.wait_for(30s);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->code, 0) << daemon.stderr_text();
  }
  emulator.flush();

  const auto write_ids = [&](const std::string& name,
                             const std::map<std::uint64_t, std::string>& records) {
    const auto path = dir.path() / name;
    std::ofstream ids(path);
    for (const auto& entry : records) {
      ids << entry.first << "\n";
    }
    return path;
  };
  const auto expected = write_ids("expected-ids.txt", must_arrive);
  // What the clean stop left in the queue (its grace period ended first) is not sent yet.
  const auto unsent = write_ids("unsent-ids.txt", pending_on_disk(dir.path() / "state" / "queue"));
  std::filesystem::create_directories(dir.path() / "pandas");
  const auto pandas =
      test::run_program("/usr/bin/python3",
                        {std::string(CANHOSE_SOURCE_DIR) + "/tests/tools/s3_records_summary.py",
                         emulator.output_dir().string(), expected.string(), unsent.string()},
                        dir.path() / "pandas", 120s);
  ASSERT_EQ(pandas.status.code, 0) << pandas.err;
  const auto summary = nlohmann::json::parse(pandas.out);
  std::cout << must_arrive.size()
            << " records durable and unacknowledged at the kill; pandas: " << summary.dump()
            << "\n";
  EXPECT_EQ(summary["missing_count"], 0) << "durable records lost: " << summary["missing"];
  EXPECT_EQ(summary["conflicting_ids"], 0) << "a record id named two different records";
  EXPECT_EQ(summary["gaps_count"], 0) << "ids missing from the output: " << summary["gaps"];
  EXPECT_GT(summary["snapshots_with_position"].get<int>(), 0) << summary.dump();
  EXPECT_EQ(summary["zero_positions"], 0) << summary.dump();
  // Every position lies within the log's track as gpsd's regression file (.chk) has it;
  // gpsd live may pick a neighbouring sentence's position, hence about a metre of slack.
  double lat_min = 90, lat_max = -90, lon_min = 180, lon_max = -180;
  std::istringstream chk(
      test::read_file(std::string(CANHOSE_TEST_DATA_DIR) + "/nmea/bt451.log.chk"));
  for (std::string line; std::getline(chk, line);) {
    if (line.rfind("{\"class\":\"TPV\"", 0) == 0) {
      const auto tpv = nlohmann::json::parse(line);
      if (tpv.value("mode", 0) >= 2) {
        lat_min = std::min(lat_min, tpv["lat"].get<double>());
        lat_max = std::max(lat_max, tpv["lat"].get<double>());
        lon_min = std::min(lon_min, tpv["lon"].get<double>());
        lon_max = std::max(lon_max, tpv["lon"].get<double>());
      }
    }
  }
  ASSERT_FALSE(summary["lat_min"].is_null()) << summary.dump();
  constexpr double kRounding = 1e-5;
  EXPECT_GE(summary["lat_min"].get<double>(), lat_min - kRounding) << summary.dump();
  EXPECT_LE(summary["lat_max"].get<double>(), lat_max + kRounding) << summary.dump();
  EXPECT_GE(summary["lon_min"].get<double>(), lon_min - kRounding) << summary.dump();
  EXPECT_LE(summary["lon_max"].get<double>(), lon_max + kRounding) << summary.dump();
}

}  // namespace
}  // namespace canhose
