// The whole canhosed in the VM: sources.can and sources.obd on vcan0, canhose_ecu_sim as
// the vehicle, frames from a CAN_RAW socket of the test. What reaches the queue is read
// back with lib/queue after canhosed stopped, and compared with what was sent. The flood
// test prints what canhosed received, what the kernel dropped and the CPU time per frame.

#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "asio/asio.hpp"
#include "queue/queue.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "vm_guest.hpp"

namespace canhose {
namespace {

using namespace std::chrono_literals;
using test::ChildProcess;
using test::guest_program;
using test::guest_shell;
using test::NotifySocket;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string token;
  while (in >> token) {
    out.push_back(token);
  }
  return out;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::uint64_t read_counter(const std::string& path) {
  std::ifstream in(path);
  std::uint64_t v = 0;
  in >> v;
  return v;
}

// Every record in the queue, oldest first.
std::vector<std::string> queued_records(const std::filesystem::path& queue_dir) {
  asio::io_context io;
  queue::QueueOptions options;
  options.dir = queue_dir;
  auto opened = queue::Queue::open(io, options);
  EXPECT_TRUE(opened.queue) << opened.error;
  std::vector<std::string> records;
  if (!opened.queue) {
    return records;
  }
  for (;;) {
    queue::ReadBatch batch = opened.queue->read(1000, 1 << 20);
    if (batch.records.empty()) {
      break;
    }
    for (const auto& r : batch.records) {
      records.emplace_back(reinterpret_cast<const char*>(r.data.data()), r.data.size());
    }
  }
  opened.queue->close();
  return records;
}

// A CAN_RAW socket on vcan0 for the test's own frames (blocking writes).
class FrameWriter {
 public:
  FrameWriter() { reopen(); }
  ~FrameWriter() { ::close(fd_); }
  FrameWriter(const FrameWriter&) = delete;
  FrameWriter& operator=(const FrameWriter&) = delete;

  void reopen() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = ::socket(PF_CAN, SOCK_RAW | SOCK_CLOEXEC, CAN_RAW);
    ASSERT_GE(fd_, 0) << "socket(PF_CAN): " << std::strerror(errno);
    sockaddr_can address{};
    address.can_family = AF_CAN;
    address.can_ifindex = static_cast<int>(::if_nametoindex("vcan0"));
    ASSERT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0)
        << std::strerror(errno);
  }

  // Frame 0x321 carrying `counter` big-endian in 4 bytes.
  bool send_counter(std::uint32_t counter) {
    can_frame f{};
    f.can_id = 0x321;
    f.len = 4;
    for (int i = 0; i < 4; ++i) {
      f.data[i] = static_cast<std::uint8_t>(counter >> (24 - 8 * i));
    }
    return ::write(fd_, &f, sizeof f) == static_cast<ssize_t>(sizeof f);
  }

 private:
  int fd_ = -1;
};

class VmCanhosed : public ::testing::Test {
 protected:
  void SetUp() override {
    guest_shell("ip link show vcan0 >/dev/null 2>&1 || ip link add dev vcan0 type vcan");
    ASSERT_EQ(guest_shell("ip link set vcan0 up"), 0);
    canhosed_ = guest_program("canhosed");
    ASSERT_FALSE(canhosed_.empty()) << "canhosed not on PATH";
  }

  void start_canhosed(const std::string& sources_and_records) {
    const std::string config =
        "device:\n  id: vm-van\nservice:\n  state_dir: " + (dir_.path() / "state").string() +
        "\n  status_interval: 1s\nlog:\n  level: info\n"
        "queue:\n  fsync_interval: 20ms\n" +
        sources_and_records;
    const auto path = dir_.write("canhose.yaml", config);
    notify_ = std::make_unique<NotifySocket>(dir_.path() / "notify.sock");
    std::filesystem::create_directories(dir_.path() / "canhosed");
    daemon_ = std::make_unique<ChildProcess>(
        canhosed_, std::vector<std::string>{"--config", path.string()},
        std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify_->path().string()}},
        dir_.path() / "canhosed");
    ASSERT_TRUE(notify_->wait_for("READY=1", 30s)) << daemon_->stderr_text();
    // Keep reading the notify socket as systemd does: an unread AF_UNIX datagram socket
    // fills after 10 messages and canhosed's next sd_notify would block its event loop.
    notify_reader_ = std::thread([this] {
      while (!stop_notify_reader_) {
        if (auto m = notify_->receive(200ms); m && m->find("STATUS=") != std::string::npos) {
          const std::lock_guard lock(status_mutex_);
          status_ = *m;
        }
      }
    });
  }

  void TearDown() override {
    stop_notify_reader_ = true;
    if (notify_reader_.joinable()) {
      notify_reader_.join();
    }
  }

  std::unique_ptr<ChildProcess> start_simulator(std::vector<std::string> args = {}) {
    std::filesystem::create_directories(dir_.path() / ("sim" + std::to_string(++sims_)));
    args.insert(args.begin(), {"--interface", "vcan0"});
    auto sim = std::make_unique<ChildProcess>(guest_program("canhose_ecu_sim"), args,
                                              std::map<std::string, std::string>{},
                                              dir_.path() / ("sim" + std::to_string(sims_)));
    for (int i = 0; i < 100 && sim->stdout_text().find("ready") == std::string::npos; ++i) {
      std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(sim->stdout_text().find("ready"), std::string::npos) << sim->stderr_text();
    return sim;
  }

  // Waits until canhosed's log has `needle` more often than `before` times.
  bool wait_log(const std::string& needle, std::size_t before, std::chrono::seconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (occurrences(daemon_->stderr_text(), needle) > before) {
        return true;
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // Waits until a STATUS= canhosed sent holds `needle`.
  bool wait_status(const std::string& needle, std::chrono::seconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        const std::lock_guard lock(status_mutex_);
        if (status_.find(needle) != std::string::npos) {
          return true;
        }
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // The last STATUS= canhosed sent (its components' status lines).
  std::string last_status() {
    std::this_thread::sleep_for(1500ms);  // one more status_interval
    const std::lock_guard lock(status_mutex_);
    return status_;
  }

  int stop_canhosed() {
    daemon_->signal(SIGTERM);
    const auto status = daemon_->wait_for(30s);
    EXPECT_TRUE(status) << "canhosed did not stop";
    return status && status->exited ? status->code : -1;
  }

  test::TempDir dir_;
  std::string canhosed_;
  std::unique_ptr<NotifySocket> notify_;
  std::thread notify_reader_;
  std::atomic<bool> stop_notify_reader_{false};
  std::mutex status_mutex_;
  std::string status_;  // the last STATUS= canhosed sent
  std::unique_ptr<ChildProcess> daemon_;
  int sims_ = 0;
};

TEST_F(VmCanhosed, AMinuteOnTheBusReachesTheQueueThroughLinkDownAndInterfaceRemoval) {
  auto sim = start_simulator();
  ASSERT_NO_FATAL_FAILURE(
      start_canhosed("record:\n  fields: [record_id, timestamp, vin, speed, rpm, co2_g_per_s]\n"
                     "  period: 1s\n  raw_frames:\n    enabled: true\n    ids: [\"0x321\"]\n"
                     "sources:\n  can:\n    enabled: true\n    interfaces:\n      - name: vcan0\n"
                     "    retry_initial: 100ms\n    retry_max: 1s\n"
                     "  obd:\n    enabled: true\n    interface: vcan0\n    pids:\n"
                     "      - {pid: speed, period: 500ms}\n      - {pid: rpm, period: 500ms}\n"
                     "      - {pid: fuel_rate, period: 500ms}\n"));
  const std::string sim_vin = "1G1JC5444R7252367";
  std::uint32_t counter = 0;
  auto writer = std::make_unique<FrameWriter>();
  auto send_for = [&](int frames) {
    for (int i = 0; i < frames; ++i) {
      ASSERT_TRUE(writer->send_counter(counter))
          << "frame " << counter << ": " << std::strerror(errno);
      ++counter;
      std::this_thread::sleep_for(100ms);
    }
  };
  std::string sim_output;

  // 1. Twenty seconds of traffic.
  ASSERT_NO_FATAL_FAILURE(send_for(200));

  // 2. The interface goes down and comes back: canhosed logs both and resumes by itself.
  std::size_t running = occurrences(daemon_->stderr_text(), "vcan0: running");
  ASSERT_EQ(guest_shell("ip link set vcan0 down"), 0);
  ASSERT_TRUE(wait_log("vcan0: link down", 0)) << daemon_->stderr_text();
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(guest_shell("ip link set vcan0 up"), 0);
  // The test's own socket got the same ENETDOWN; it would fail the next write once.
  writer->reopen();
  ASSERT_NO_FATAL_FAILURE(send_for(100));
  // Back to running with the first frame after the link came up.
  ASSERT_TRUE(wait_log("vcan0: running", running)) << daemon_->stderr_text();

  // 3. The interface is deleted (a USB adapter unplugged) and created again.
  sim->signal(SIGTERM);
  ASSERT_TRUE(sim->wait_for(10s));
  sim_output += sim->stdout_text();
  running = occurrences(daemon_->stderr_text(), "vcan0: running");
  ASSERT_EQ(guest_shell("ip link del vcan0"), 0);
  ASSERT_TRUE(wait_log("vcan0: waiting to retry", 0)) << daemon_->stderr_text();
  std::this_thread::sleep_for(2s);
  ASSERT_EQ(guest_shell("ip link add dev vcan0 type vcan && ip link set vcan0 up"), 0);
  ASSERT_TRUE(wait_log("vcan0: running", running)) << daemon_->stderr_text();
  sim = start_simulator();
  writer->reopen();
  ASSERT_NO_FATAL_FAILURE(send_for(150));
  std::this_thread::sleep_for(2s);

  const std::string status = last_status();
  const double cpu = test::process_cpu_seconds(daemon_->pid());
  ASSERT_EQ(stop_canhosed(), 0) << daemon_->stderr_text();
  sim->signal(SIGTERM);
  ASSERT_TRUE(sim->wait_for(10s));
  sim_output += sim->stdout_text();
  const std::string log = daemon_->stderr_text();
  std::cout << "canhosed log:\n"
            << log << "\nlast status: " << status << "\ncanhosed CPU " << cpu << " s\n";

  // What the simulator said about speed (single-frame 41 0D answers).
  std::set<std::string> speeds_sent;
  for (const std::string& line : test::lines_starting_with(sim_output, "tx 7E8 03 41 0D ")) {
    speeds_sent.insert(std::to_string(std::stoi(line.substr(16, 2), nullptr, 16)));
  }
  ASSERT_FALSE(speeds_sent.empty());

  std::map<std::uint32_t, int> frames_seen;
  std::size_t snapshots = 0;
  std::size_t with_vin = 0;
  std::size_t with_speed = 0;
  std::size_t with_co2 = 0;
  for (const std::string& record : queued_records(dir_.path() / "state" / "queue")) {
    ASSERT_FALSE(record.empty());
    ASSERT_EQ(record.back(), '\n') << record;
    const auto t = split(record);
    if (t.size() == 5 && t[2] == "vcan0") {
      ASSERT_EQ(t[3], "321") << record;
      ++frames_seen[static_cast<std::uint32_t>(std::stoul(t[4], nullptr, 16))];
      continue;
    }
    ASSERT_EQ(t.size(), 6U) << record;
    ++snapshots;
    if (t[2] == sim_vin) {
      ++with_vin;
    } else {
      EXPECT_EQ(t[2], "NaN") << record;
    }
    if (t[3] != "NaN") {
      ++with_speed;
      // Numbers may be written as 41 or 41.0; compare as integers.
      EXPECT_TRUE(speeds_sent.count(std::to_string(std::lround(std::stod(t[3]))))) << record;
    }
    if (t[5] != "NaN") {
      ++with_co2;
      EXPECT_GT(std::stod(t[5]), 0.0) << record;
    }
  }
  std::cout << "queue: " << frames_seen.size() << " raw frames of " << counter << " sent, "
            << snapshots << " snapshots (" << with_vin << " with the VIN, " << with_speed
            << " with speed, " << with_co2 << " with CO2)\n";
  // Every frame sent while the interface was up is in the queue, exactly once.
  EXPECT_EQ(frames_seen.size(), counter);
  for (std::uint32_t i = 0; i < counter; ++i) {
    const auto it = frames_seen.find(i);
    ASSERT_NE(it, frames_seen.end()) << "frame " << i << " missing";
    EXPECT_EQ(it->second, 1) << "frame " << i;
  }
  EXPECT_GE(snapshots, 40U);
  EXPECT_GE(with_vin, snapshots - 5);
  EXPECT_GE(with_speed, snapshots / 2);
  EXPECT_GE(with_co2, snapshots / 2);
  EXPECT_NE(log.find("OBD-II"), std::string::npos);
}

TEST_F(VmCanhosed, MilAndStoredDtcsBecomeRecordFieldsOfTheirTypes) {
  auto sim = start_simulator({"--dtcs", "P0301,P0420,C0123"});  // the MIL is on from the start
  ASSERT_NO_FATAL_FAILURE(start_canhosed(
      "record:\n  format: jsonl\n  fields: [record_id, timestamp, mil, dtc_count, dtcs]\n"
      "  period: 200ms\n"
      "sources:\n  obd:\n    enabled: true\n    interface: vcan0\n    vin_read: false\n"
      "    co2: false\n    pids:\n      - {pid: monitor_status, period: 300ms}\n"));
  ASSERT_TRUE(wait_log("stored DTCs: P0301 P0420 C0123", 0)) << daemon_->stderr_text();
  ASSERT_TRUE(wait_status("MIL on DTCs P0301 P0420 C0123")) << last_status();
  last_status();  // one more status interval, in which records are built every 200 ms
  ASSERT_EQ(stop_canhosed(), 0) << daemon_->stderr_text();
  sim->signal(SIGTERM);
  ASSERT_TRUE(sim->wait_for(10s));

  std::size_t with_dtcs = 0;
  for (const std::string& record : queued_records(dir_.path() / "state" / "queue")) {
    if (record.find("\"dtcs\":\"P0301 P0420 C0123\"") != std::string::npos) {
      ++with_dtcs;
      // Integers print as integers; the codes keep their spaces in jsonl.
      EXPECT_NE(record.find("\"mil\":1,\"dtc_count\":3,"), std::string::npos) << record;
    }
  }
  EXPECT_GE(with_dtcs, 1U) << daemon_->stderr_text();
}

TEST_F(VmCanhosed, FloodFigures) {
  ASSERT_NO_FATAL_FAILURE(
      start_canhosed("record:\n  fields: [record_id, timestamp, device_id]\n  period: 1s\n"
                     "sources:\n  can:\n    enabled: true\n    interfaces:\n      - name: vcan0\n"
                     "        error_frames: false\n"));
  const std::string rx = "/sys/class/net/vcan0/statistics/";
  const std::uint64_t rx_before = read_counter(rx + "rx_packets");
  const std::uint64_t dropped_before = read_counter(rx + "rx_dropped");
  const test::CpuTime cpu_before = test::process_cpu_time(daemon_->pid());
  const auto start = std::chrono::steady_clock::now();
  const int frames = 200000;
  // -g 0: as fast as the emulated CPU writes; -i: keep going when the queue is full.
  ASSERT_EQ(guest_shell(guest_program("cangen") + " vcan0 -g 0 -i -n " + std::to_string(frames) +
                        " -I 100 -L 8"),
            0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::this_thread::sleep_for(2s);  // let canhosed drain its socket
  const test::CpuTime cpu_after = test::process_cpu_time(daemon_->pid());
  const double user = cpu_after.user - cpu_before.user;
  const double system = cpu_after.system - cpu_before.system;
  const double cpu = user + system;
  const std::uint64_t on_bus = read_counter(rx + "rx_packets") - rx_before;
  const std::uint64_t bus_dropped = read_counter(rx + "rx_dropped") - dropped_before;
  const std::string status = last_status();
  ASSERT_EQ(stop_canhosed(), 0) << daemon_->stderr_text();

  // "vcan0 running N frames [M dropped]" from canhosed's status line.
  std::uint64_t received = 0;
  std::uint64_t kernel_drops = 0;
  {
    const auto at = status.find("vcan0 running ");
    ASSERT_NE(at, std::string::npos) << status;
    std::istringstream in(status.substr(at + 14));
    std::string word;
    in >> received >> word;
    if (in >> word && std::isdigit(static_cast<unsigned char>(word[0])) != 0) {
      std::string what;
      in >> what;
      if (what.rfind("dropped", 0) == 0) {
        kernel_drops = std::stoull(word);
      }
    }
  }
  std::cout << "FLOOD: cangen -g 0 sent " << frames << " frames in " << seconds << " s ("
            << static_cast<double>(frames) / seconds << " frames/s); vcan0 rx_packets " << on_bus
            << ", rx_dropped " << bus_dropped << "\n"
            << "FLOOD: canhosed received " << received << " frames, kernel dropped " << kernel_drops
            << " for its socket (SO_RXQ_OVFL); CPU " << cpu << " s (user " << user << " s, system "
            << system
            << " s) = " << (received > 0 ? cpu / static_cast<double>(received) * 1e6 : 0.0)
            << " us per frame received\nFLOOD: status " << status << "\n";
  EXPECT_GT(received, 0U);
  // Frames the bus carried were received, counted as dropped at the socket, or lost before
  // the socket (the emulated CPU's network backlog); never more.
  EXPECT_LE(received + kernel_drops, on_bus);
  std::cout << "FLOOD: lost before the socket "
            << on_bus - std::min(on_bus, received + kernel_drops) << "\n";
}

}  // namespace
}  // namespace canhose
