#include "can/socketcan_source.hpp"

#include <gtest/gtest.h>
#include <linux/can/error.h>

#include <deque>

#include "can/can_interface_controller.hpp"
#include "can/can_metrics.hpp"
#include "can/socketcan_opener.hpp"
#include "can_test_support.hpp"

namespace canhose::can {
namespace {

using test::RecordPipe;
using test::run_until;
using test::send_record;
using Clock = std::chrono::steady_clock;

// A real-behaving opener: hands out the reading end of a fresh socketpair (keeping the
// writing end for the test), or fails as scripted (missing interface, no AF_CAN).
class SocketpairOpener final : public CanChannelOpener {
 public:
  std::deque<OpenFailure> script;  // failures to return before succeeding
  std::vector<RecordPipe> pipes;   // every descriptor handed out, in order
  std::vector<std::string> opened_names;

  CanChannelOpen open(const CanInterfaceOptions& o) override {
    opened_names.push_back(o.name);
    if (!script.empty()) {
      const OpenFailure f = script.front();
      script.pop_front();
      CanChannelOpen r;
      r.failure = f;
      r.error = std::make_error_code(f == OpenFailure::interface_missing
                                         ? std::errc::no_such_device
                                         : std::errc::address_family_not_supported);
      r.message = o.name + ": scripted failure " + r.error.message();
      return r;
    }
    RecordPipe p = RecordPipe::make();
    pipes.push_back(p);
    CanChannelOpen r;
    r.fd = p.reader;
    r.ifindex = static_cast<std::uint32_t>(pipes.size());
    r.needs_user_filter = true;
    return r;
  }
  int writer(std::size_t i) const { return pipes.at(i).writer; }
  ~SocketpairOpener() override {
    for (RecordPipe& p : pipes) {
      p.close_writer();
    }
  }
};

CanSourceOptions options_for(std::vector<std::string> names) {
  CanSourceOptions o;
  o.enabled = true;
  o.retry_initial = std::chrono::milliseconds(10);
  o.retry_max = std::chrono::milliseconds(40);
  for (const std::string& n : names) {
    CanInterfaceOptions i;
    i.name = n;
    o.interfaces.push_back(i);
  }
  return o;
}

TEST(SocketCanSource, MissingInterfaceIsRetriedWithBackoffAndLoggedOnce) {
  test::RestoreDefaultLog restore;
  auto logs = test::LogCapture::install();
  asio::io_context io;
  SocketpairOpener opener;
  opener.script = {OpenFailure::interface_missing, OpenFailure::interface_missing,
                   OpenFailure::interface_missing};
  std::vector<CanFrame> frames;
  SocketCanSource source(io, options_for({"can0"}), opener, [&](std::span<const CanFrame> b) {
    frames.insert(frames.end(), b.begin(), b.end());
  });
  const auto started = std::chrono::steady_clock::now();
  source.start();
  ASSERT_TRUE(run_until(io, [&] { return opener.pipes.size() == 1; }));
  // Waits of 10, 20 and 40 ms before the fourth attempt.
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(70));
  const CanInterfaceChannel& channel = *source.channels().at(0);
  EXPECT_EQ(channel.failed_opens(), 3u);
  EXPECT_EQ(channel.opens(), 1u);
  EXPECT_EQ(channel.state(), CanInterfaceChannel::State::running);
  EXPECT_EQ(logs->count("scripted failure"), 1u);  // one state change, one line

  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x7E8, {0x03, 0x41, 0x0D, 0x3C})));
  ASSERT_TRUE(run_until(io, [&] { return frames.size() == 1; }));
  EXPECT_EQ(frames[0].interface, "can0");
  EXPECT_EQ(frames[0].data[3], 0x3C);
}

TEST(SocketCanSource, ClosedDescriptorIsReopenedAndCountsAccumulate) {
  asio::io_context io;
  SocketpairOpener opener;
  std::vector<CanFrame> frames;
  SocketCanSource source(io, options_for({"can0"}), opener, [&](std::span<const CanFrame> b) {
    frames.insert(frames.end(), b.begin(), b.end());
  });
  source.start();
  ASSERT_EQ(opener.pipes.size(), 1u);
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x100, {1})));
  ASSERT_TRUE(run_until(io, [&] { return frames.size() == 1; }));
  opener.pipes[0].close_writer();  // the "interface" vanishes
  ASSERT_TRUE(run_until(io, [&] { return opener.pipes.size() == 2; }));
  ASSERT_TRUE(send_record(opener.writer(1), test::classic(0x200, {2})));
  ASSERT_TRUE(run_until(io, [&] { return frames.size() == 2; }));
  EXPECT_EQ(frames[1].id, 0x200u);
  const CanInterfaceChannel& channel = *source.channels().at(0);
  EXPECT_EQ(channel.stats().frames, 2u);
  EXPECT_EQ(channel.opens(), 2u);
  EXPECT_NE(source.status().find("can0 running 2 frames"), std::string::npos) << source.status();
}

TEST(SocketCanSource, InterfacesAreIndependentAndUserFiltersApply) {
  asio::io_context io;
  SocketpairOpener opener;
  CanSourceOptions options = options_for({"can0", "can1"});
  options.interfaces[1].filters = {*parse_can_id_filter("0x18FEF100/0x03FFFF00:x").filter};
  opener.script = {OpenFailure::af_can_unavailable};  // can0 fails first, can1 opens
  std::vector<CanFrame> frames;
  SocketCanSource source(io, options, opener, [&](std::span<const CanFrame> b) {
    frames.insert(frames.end(), b.begin(), b.end());
  });
  source.start();
  ASSERT_EQ(opener.pipes.size(), 1u);  // can1
  EXPECT_EQ(opener.opened_names, (std::vector<std::string>{"can0", "can1"}));
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x18FEF117 | CAN_EFF_FLAG, {9})));
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x18FEF217 | CAN_EFF_FLAG, {8})));
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x123, {7})));
  ASSERT_TRUE(run_until(io, [&] { return frames.size() == 1 && opener.pipes.size() == 2; }));
  EXPECT_EQ(frames[0].interface, "can1");
  EXPECT_EQ(frames[0].id, 0x18FEF117u);
  EXPECT_EQ(source.channels()[1]->stats().filtered, 2u);
}

TEST(SocketCanSource, ManagedInterfaceFailureIsLoggedOnceAndReadingGoesOn) {
  test::RestoreDefaultLog restore;
  auto logs = test::LogCapture::install();
  asio::io_context io;
  SocketpairOpener opener;
  opener.script = {OpenFailure::interface_missing};
  CanSourceOptions options = options_for({"canhose-nope0"});
  options.interfaces[0].manage_interface = true;
  options.interfaces[0].bitrate = 500000;
  std::vector<CanFrame> frames;
  SocketCanSource source(io, options, opener, [&](std::span<const CanFrame> b) {
    frames.insert(frames.end(), b.begin(), b.end());
  });
  source.start();
  ASSERT_TRUE(run_until(io, [&] { return opener.pipes.size() == 1; }));
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x7E8, {1})));
  ASSERT_TRUE(run_until(io, [&] { return frames.size() == 1; }));
  // Tried before each open (twice) and the state read after the open: one line.
  EXPECT_EQ(logs->count("canhose-nope0: no such network interface"), 1u);
}

TEST(SocketCanSource, StopEndsEverythingAndCallsDone) {
  asio::io_context io;
  SocketpairOpener opener;
  opener.script = {OpenFailure::interface_missing};
  SocketCanSource source(io, options_for({"can0", "can1"}), opener,
                         [](std::span<const CanFrame>) {});
  source.start();
  bool done = false;
  source.async_stop(std::chrono::steady_clock::now() + std::chrono::seconds(1),
                    [&] { done = true; });
  ASSERT_TRUE(run_until(io, [&] { return done; }));
  io.restart();
  io.run_for(std::chrono::milliseconds(60));  // no retry fires after stop
  EXPECT_EQ(opener.opened_names.size(), 2u);
  for (const auto& c : source.channels()) {
    EXPECT_EQ(c->state(), CanInterfaceChannel::State::stopped);
  }
}

TEST(SocketCanSource, StoppingFromInsideTheFrameHandlerIsSafe) {
  asio::io_context io;
  SocketpairOpener opener;
  std::size_t seen = 0;
  bool done = false;
  std::unique_ptr<SocketCanSource> source;
  source = std::make_unique<SocketCanSource>(
      io, options_for({"can0"}), opener, [&](std::span<const CanFrame> b) {
        seen += b.size();
        source->async_stop(Clock::now(), [&] { done = true; });
      });
  source->start();
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x100, {1})));
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x101, {2})));
  ASSERT_TRUE(run_until(io, [&] { return done; }));
  io.restart();
  io.run_for(std::chrono::milliseconds(20));
  EXPECT_GE(seen, 1u);
  EXPECT_EQ(source->channels()[0]->state(), CanInterfaceChannel::State::stopped);
}

TEST(SocketCanSource, InvalidOptionsAreRefusedAtStartUp) {
  asio::io_context io;
  SocketpairOpener opener;
  CanSourceOptions options = options_for({"can0", "can0", "a-name-that-is-far-too-long"});
  options.read_batch = 0;
  options.interfaces[0].bitrate = 5;
  try {
    SocketCanSource source(io, options, opener, [](std::span<const CanFrame>) {});
    FAIL() << "accepted invalid options";
  } catch (const std::invalid_argument& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("read_batch: expected 1..1024"), std::string::npos) << text;
    EXPECT_NE(text.find("interfaces[0].bitrate"), std::string::npos) << text;
    EXPECT_NE(text.find("interfaces[1].name: \"can0\" is listed twice"), std::string::npos) << text;
    EXPECT_NE(text.find("interfaces[2].name: expected 1..15 characters"), std::string::npos)
        << text;
  }
}

// This machine's kernel has no AF_CAN: the real opener must say so clearly, and the
// source must keep retrying without crashing. (The VM test exercises the real path.)
TEST(SocketCanOpener, KernelWithoutAfCanGivesAClearError) {
  SocketCanOpener opener;
  CanInterfaceOptions o;
  o.name = "can0";
  o.fd = true;
  o.filters = {*parse_can_id_filter("0x7E8/0x7F8").filter};
  const CanChannelOpen r = opener.open(o);
  if (r.ok()) {
    ::close(r.fd);
    GTEST_SKIP() << "this kernel has AF_CAN and a can0: the VM test covers this path";
  }
  if (r.failure == OpenFailure::interface_missing) {
    EXPECT_NE(r.message.find("no such CAN interface"), std::string::npos) << r.message;
    GTEST_SKIP() << "this kernel has AF_CAN but no can0";
  }
  EXPECT_EQ(r.failure, OpenFailure::af_can_unavailable);
  EXPECT_EQ(r.error, std::errc::address_family_not_supported);
  EXPECT_NE(r.message.find("can0: socket(PF_CAN, SOCK_RAW, CAN_RAW) failed"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("modprobe can_raw"), std::string::npos) << r.message;
}

TEST(SocketCanOpener, SourceWithRealOpenerWaitsToRetryWithTheReason) {
  asio::io_context io;
  SocketCanOpener opener;
  SocketCanSource source(io, options_for({"canhose-nope0"}), opener,
                         [](std::span<const CanFrame>) {});
  source.start();
  const CanInterfaceChannel& c = *source.channels()[0];
  EXPECT_EQ(c.state(), CanInterfaceChannel::State::waiting_retry);
  EXPECT_NE(c.last_failure().find("canhose-nope0: "), std::string::npos) << c.last_failure();
  EXPECT_NE(source.status().find("waiting to retry"), std::string::npos);
}

TEST(CanInterfaceController, MissingInterfaceIsAClearError) {
  CanInterfaceController c("canhose-nope0");
  const CanControlResult state = c.read_state();
  EXPECT_FALSE(state.ok);
  EXPECT_EQ(state.message, "canhose-nope0: no such network interface (libsocketcan not called)");
  EXPECT_FALSE(c.configure(500000, 100).ok);
  EXPECT_FALSE(c.restart().ok);
}

TEST(CanInterfaceController, NonCanInterfaceIsRefusedByLibsocketcan) {
  CanInterfaceController c("lo");
  const CanControlResult state = c.read_state();
  EXPECT_FALSE(state.ok);
  EXPECT_NE(state.message.find("lo: can_get_state (not a CAN interface?) failed"),
            std::string::npos)
      << state.message;
}

// The value of `name`'s sample labelled interface=`interface` in one collection.
double metric(const metrics::MetricRegistry& registry, const std::string& name,
              const std::string& interface) {
  for (const auto& family : registry.collect()) {
    for (const auto& sample : family.samples) {
      if (family.name == name && !sample.labels.empty() && sample.labels[0].second == interface) {
        return sample.value;
      }
    }
  }
  ADD_FAILURE() << "no " << name << " for " << interface;
  return -100;
}

TEST(SocketCanSource, MetricsCountFramesErrorFramesReopensAndBusStatePerInterface) {
  asio::io_context io;
  SocketpairOpener opener;
  std::size_t received = 0;
  SocketCanSource source(io, options_for({"can0", "can1"}), opener,
                         [&](std::span<const CanFrame> b) { received += b.size(); });
  metrics::MetricRegistry registry;
  registry.add_collector(metrics_collector(source));
  source.start();
  ASSERT_EQ(opener.pipes.size(), 2u);
  EXPECT_EQ(metric(registry, "canhose_can_bus_state", "can0"), 0);  // error-active once open
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x100, {1})));
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(0x101, {2})));
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(CAN_ERR_FLAG | CAN_ERR_CRTL,
                                                          {0, CAN_ERR_CRTL_RX_PASSIVE, 0, 0})));
  ASSERT_TRUE(run_until(io, [&] { return received == 3; }));
  EXPECT_EQ(metric(registry, "canhose_can_bus_state", "can0"), 2);
  ASSERT_TRUE(send_record(opener.writer(0), test::classic(CAN_ERR_FLAG | CAN_ERR_BUSOFF, {})));
  ASSERT_TRUE(run_until(io, [&] { return received == 4; }));
  EXPECT_EQ(metric(registry, "canhose_can_bus_state", "can0"), 3);
  EXPECT_EQ(metric(registry, "canhose_can_frames_total", "can0"), 4);
  EXPECT_EQ(metric(registry, "canhose_can_error_frames_total", "can0"), 2);
  EXPECT_EQ(metric(registry, "canhose_can_error_passive_total", "can0"), 1);
  EXPECT_EQ(metric(registry, "canhose_can_bus_off_total", "can0"), 1);
  EXPECT_EQ(metric(registry, "canhose_can_frames_total", "can1"), 0);
  EXPECT_EQ(metric(registry, "canhose_can_bus_state", "can1"), 0);

  opener.pipes[1].close_writer();  // can1 vanishes and is reopened
  ASSERT_TRUE(run_until(io, [&] { return opener.pipes.size() == 3; }));
  EXPECT_EQ(metric(registry, "canhose_can_opens_total", "can1"), 2);
  EXPECT_EQ(metric(registry, "canhose_can_opens_total", "can0"), 1);
  EXPECT_EQ(metric(registry, "canhose_can_interface_up", "can0"), 1);
}

}  // namespace
}  // namespace canhose::can
