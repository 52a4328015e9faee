// SocketCanSource against the kernel's real CAN stack: vcan0 in the VM, traffic from
// can-utils (cangen, cansend) running as separate processes, as on a vehicle.

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <vector>

#include "can/can_filter.hpp"
#include "can/socketcan_opener.hpp"
#include "can/socketcan_source.hpp"
#include "support/child_process.hpp"
#include "support/simulated_can_bus.hpp"
#include "support/temp_dir.hpp"
#include "vm_guest.hpp"

namespace canhose::can {
namespace {

using namespace std::chrono_literals;
using test::ChildProcess;
using test::guest_program;
using test::guest_shell;
using test::run_until;

std::int64_t unix_now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct SeenFrame {
  CanFrame frame;
  std::string interface;
};

class VmSocketCan : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(guest_program("cangen").empty()) << "can-utils missing in the guest";
    // Every test starts on a fresh, up vcan0 (a previous test may have removed it).
    guest_shell("ip link show vcan0 >/dev/null 2>&1 || ip link add dev vcan0 type vcan");
    ASSERT_EQ(guest_shell("ip link set vcan0 up"), 0);
  }

  void start(CanInterfaceOptions interface) {
    CanSourceOptions options;
    options.enabled = true;
    options.retry_initial = 50ms;
    options.retry_max = 400ms;
    options.interfaces.push_back(std::move(interface));
    source_ = std::make_unique<SocketCanSource>(io_, options, opener_,
                                                [this](std::span<const CanFrame> batch) {
                                                  ++batches_;
                                                  for (const CanFrame& f : batch) {
                                                    seen_.push_back({f, std::string(f.interface)});
                                                    seen_.back().frame.interface = {};
                                                  }
                                                });
    source_->start();
    // Let the channel open its socket before traffic starts.
    ASSERT_TRUE(run_until(
        io_, [this] { return channel().state() == CanInterfaceChannel::State::running; }, 10s));
  }

  static CanInterfaceOptions vcan0() {
    CanInterfaceOptions o;
    o.name = "vcan0";
    o.error_frames = false;
    return o;
  }

  CanInterfaceChannel& channel() { return *source_->channels().front(); }

  // Starts a can-utils program; the test runs the event loop while it sends.
  std::unique_ptr<ChildProcess> launch(const std::string& program,
                                       const std::vector<std::string>& args) {
    const std::string path = guest_program(program);
    EXPECT_FALSE(path.empty()) << program;
    return std::make_unique<ChildProcess>(path, args, std::map<std::string, std::string>{},
                                          dir_.path());
  }

  bool receive_until(std::size_t count, std::chrono::milliseconds limit = 30s) {
    return run_until(
        io_, [&] { return seen_.size() >= count; }, limit);
  }

  void send(const std::string& frame) {
    ASSERT_EQ(guest_shell("cansend vcan0 " + frame), 0) << frame;
  }

  void TearDown() override {
    if (source_) {
      bool stopped = false;
      source_->async_stop(std::chrono::steady_clock::now() + 1s, [&] { stopped = true; });
      run_until(
          io_, [&] { return stopped; }, 2s);
    }
  }

  test::TempDir dir_;
  asio::io_context io_;
  SocketCanOpener opener_;
  std::unique_ptr<SocketCanSource> source_;
  std::vector<SeenFrame> seen_;
  std::size_t batches_ = 0;
};

TEST_F(VmSocketCan, EveryCangenFrameIsCounted) {
  start(vcan0());
  auto cangen = launch("cangen", {"vcan0", "-n", "2000", "-g", "0.5", "-I", "i", "-L", "8"});
  ASSERT_TRUE(receive_until(2000)) << "received " << seen_.size() << " of 2000";
  ASSERT_TRUE(cangen->wait_for(10s));
  test::run_for(io_, 300ms);  // nothing more must come
  const CanFrameReaderStats stats = channel().stats();
  std::cout << "cangen 2000 frames: received " << seen_.size() << " in " << stats.read_calls
            << " reads, kernel drops " << stats.kernel_drops << "\n";
  EXPECT_EQ(seen_.size(), 2000U);
  EXPECT_EQ(stats.frames, 2000U);
  EXPECT_EQ(stats.kernel_drops, 0U);
  // -I i: incrementing ids, so order and completeness are visible.
  for (std::size_t i = 0; i < seen_.size(); ++i) {
    ASSERT_EQ(seen_[i].frame.id, i % 0x800) << "frame " << i;
    ASSERT_EQ(seen_[i].interface, "vcan0");
    ASSERT_EQ(seen_[i].frame.len, 8);
  }
}

TEST_F(VmSocketCan, ClassicAndFdFramesArriveWithTheirPayloads) {
  CanInterfaceOptions o = vcan0();
  o.fd = true;
  start(o);
  send("7E8#03410D3CAAAAAAAA");
  // 64-byte FD frame with bit rate switch (flags nibble 1).
  std::string payload;
  for (int i = 0; i < 64; ++i) {
    static const char* hex = "0123456789ABCDEF";
    payload += hex[i / 16];
    payload += hex[i % 16];
  }
  send("123##1" + payload);
  send("18FEF100#0102030405060708");
  ASSERT_TRUE(receive_until(3, 10s));
  auto fd_gen = launch("cangen", {"vcan0", "-f", "-n", "300", "-g", "1"});
  ASSERT_TRUE(receive_until(303)) << seen_.size();
  ASSERT_TRUE(fd_gen->wait_for(10s));

  const CanFrame& classic = seen_[0].frame;
  EXPECT_EQ(classic.id, 0x7E8U);
  EXPECT_FALSE(classic.fd);
  ASSERT_EQ(classic.len, 8);
  EXPECT_EQ(classic.data[1], 0x41);
  EXPECT_EQ(classic.data[3], 0x3C);

  const CanFrame& fd = seen_[1].frame;
  EXPECT_EQ(fd.id, 0x123U);
  EXPECT_TRUE(fd.fd);
  EXPECT_TRUE(fd.brs);
  ASSERT_EQ(fd.len, 64);
  for (int i = 0; i < 64; ++i) {
    ASSERT_EQ(fd.data[static_cast<std::size_t>(i)], i) << "byte " << i;
  }

  const CanFrame& extended = seen_[2].frame;
  EXPECT_TRUE(extended.extended);
  EXPECT_EQ(extended.id, 0x18FEF100U);

  const auto fd_count =
      std::count_if(seen_.begin() + 3, seen_.end(), [](const SeenFrame& s) { return s.frame.fd; });
  EXPECT_EQ(fd_count, 300);
  EXPECT_EQ(channel().stats().fd_frames, 301U);
}

TEST_F(VmSocketCan, ClassicOnlySocketNeverSeesFdFrames) {
  start(vcan0());  // fd: false: the kernel does not hand FD frames to this socket
  send("123##1" + std::string(16, '5'));
  send("124#11");
  ASSERT_TRUE(receive_until(1, 10s));
  test::run_for(io_, 300ms);
  ASSERT_EQ(seen_.size(), 1U);
  EXPECT_EQ(seen_[0].frame.id, 0x124U);
  EXPECT_EQ(channel().stats().malformed, 0U);
}

TEST_F(VmSocketCan, KernelFilterKeepsOtherFramesOutOfUserSpace) {
  CanInterfaceOptions o = vcan0();
  const auto parsed = parse_can_id_filter("0x123/0x7FF");
  ASSERT_TRUE(parsed.filter) << parsed.error;
  o.filters.push_back(*parsed.filter);
  start(o);
  auto noise = launch("cangen", {"vcan0", "-n", "500", "-g", "0.5", "-I", "200"});
  for (int i = 0; i < 20; ++i) {
    send("123#" + std::string(i % 2 == 0 ? "AA" : "BB"));
  }
  ASSERT_TRUE(receive_until(20));
  ASSERT_TRUE(noise->wait_for(20s));
  test::run_for(io_, 300ms);
  const CanFrameReaderStats stats = channel().stats();
  EXPECT_EQ(seen_.size(), 20U);
  for (const SeenFrame& s : seen_) {
    EXPECT_EQ(s.frame.id, 0x123U);
  }
  // The reader read exactly the matching frames: the 500 others never left the kernel
  // (a user-space filter would have read and counted them as filtered).
  EXPECT_EQ(stats.frames, 20U);
  EXPECT_EQ(stats.filtered, 0U);
}

TEST_F(VmSocketCan, ReceiveTimestampsAreUnixTimeFromTheKernel) {
  start(vcan0());
  const std::int64_t before = unix_now_ns();
  for (int i = 0; i < 5; ++i) {
    send("321#0" + std::to_string(i));
  }
  const std::int64_t after = unix_now_ns();
  ASSERT_TRUE(receive_until(5, 10s));
  std::int64_t previous = 0;
  for (const SeenFrame& s : seen_) {
    EXPECT_EQ(s.frame.timestamp_source, TimestampSource::kernel);
    EXPECT_GE(s.frame.timestamp_ns, before);
    EXPECT_LE(s.frame.timestamp_ns, after);
    EXPECT_GE(s.frame.timestamp_ns, previous);
    previous = s.frame.timestamp_ns;
  }
}

TEST_F(VmSocketCan, FramesWaitingInTheSocketAreReadInBatches) {
  CanInterfaceOptions o = vcan0();
  o.receive_buffer = base::ByteSize{4 << 20};
  start(o);
  // The event loop does not run while cangen sends: 320 frames wait in the socket.
  const std::string cangen = guest_program("cangen");
  ASSERT_EQ(guest_shell(cangen + " vcan0 -n 320 -g 0 -I 42 -L 4"), 0);
  ASSERT_TRUE(receive_until(320));
  const CanFrameReaderStats stats = channel().stats();
  std::cout << "320 queued frames read in " << stats.read_calls << " reads, " << batches_
            << " batches\n";
  EXPECT_EQ(stats.kernel_drops, 0U);
  // read_batch 32: ten recvmmsg calls, not 320 reads.
  EXPECT_LE(stats.read_calls, 12U);
  EXPECT_LE(batches_, 12U);
}

TEST_F(VmSocketCan, InterfaceDownAndUpResumesByItself) {
  start(vcan0());
  send("100#01");
  ASSERT_TRUE(receive_until(1, 10s));
  ASSERT_EQ(guest_shell("ip link set vcan0 down"), 0);
  ASSERT_TRUE(run_until(
      io_, [&] { return channel().state() == CanInterfaceChannel::State::link_down; }, 10s))
      << to_string(channel().state());
  ASSERT_EQ(guest_shell("ip link set vcan0 up"), 0);
  send("100#02");
  ASSERT_TRUE(receive_until(2, 10s)) << to_string(channel().state());
  EXPECT_EQ(seen_[1].frame.data[0], 0x02);
  EXPECT_EQ(channel().state(), CanInterfaceChannel::State::running);
}

TEST_F(VmSocketCan, DeletedAndRecreatedInterfaceIsReopenedAfterBackoff) {
  start(vcan0());
  send("100#01");
  ASSERT_TRUE(receive_until(1, 10s));
  const auto opens_before = channel().opens();
  ASSERT_EQ(guest_shell("ip link del vcan0"), 0);
  // The socket is unbound by the kernel: the channel closes it and retries with backoff;
  // every retry fails while the interface is missing.
  ASSERT_TRUE(run_until(
      io_, [&] { return channel().failed_opens() >= 2; }, 10s))
      << to_string(channel().state()) << " " << channel().last_failure();
  EXPECT_NE(channel().last_failure().find("vcan0"), std::string::npos) << channel().last_failure();
  ASSERT_EQ(guest_shell("ip link add dev vcan0 type vcan && ip link set vcan0 up"), 0);
  ASSERT_TRUE(run_until(
      io_, [&] { return channel().state() == CanInterfaceChannel::State::running; }, 10s))
      << to_string(channel().state());
  EXPECT_EQ(channel().opens(), opens_before + 1);
  send("100#02");
  ASSERT_TRUE(receive_until(2, 10s));
  EXPECT_EQ(seen_[1].frame.data[0], 0x02);
}

}  // namespace
}  // namespace canhose::can
