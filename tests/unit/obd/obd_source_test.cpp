// ObdSource over a real descriptor: a socketpair stands in for the CAN_RAW socket (this
// machine's kernel has no AF_CAN), and a thread on the other end plays an engine ECU
// frame by frame (struct can_frame records, as on a CAN socket).

#include "obd/obd_source.hpp"

#include <gtest/gtest.h>
#include <linux/can.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

#include "obd/obd_metrics.hpp"
#include "support/ecu_simulator.hpp"

namespace canhose::obd {
namespace {

using namespace std::chrono_literals;

// Hands out one end of a socketpair after `failures` refused opens.
class SocketpairOpener : public can::CanChannelOpener {
 public:
  explicit SocketpairOpener(int failures) : failures_(failures) {}
  can::CanChannelOpen open(const can::CanInterfaceOptions& options) override {
    can::CanChannelOpen result;
    interface_seen = options.name;
    if (failures_-- > 0) {
      result.error = std::make_error_code(std::errc::no_such_device);
      result.message = options.name + ": no such device";
      return result;
    }
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
      result.error = std::error_code(errno, std::generic_category());
      return result;
    }
    result.fd = fds[0];
    result.needs_user_filter = true;
    ecu_fd = fds[1];
    return result;
  }
  int ecu_fd = -1;
  std::string interface_seen;

 private:
  int failures_;
};

// The ECU end: reads requests, answers with the simulator's frames.
class EcuThread {
 public:
  EcuThread(int fd, test::EcuSimulator& ecu) : fd_(fd), ecu_(ecu), thread_([this] { run(); }) {}
  ~EcuThread() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }

 private:
  void run() {
    can_frame in{};
    while (::recv(fd_, &in, sizeof in, 0) == static_cast<ssize_t>(sizeof in)) {
      ObdFrame request;
      request.id = in.can_id & CAN_SFF_MASK;
      request.len = in.len;
      std::copy_n(in.data, in.len, request.data.begin());
      for (const auto& output : ecu_.on_frame(request)) {
        std::this_thread::sleep_for(output.delay);
        can_frame out{};
        out.can_id = output.frame.id;
        out.len = output.frame.len;
        std::copy_n(output.frame.data.begin(), output.frame.len, out.data);
        ::send(fd_, &out, sizeof out, MSG_NOSIGNAL);
      }
    }
  }
  int fd_;
  test::EcuSimulator& ecu_;
  std::thread thread_;
};

bool run_until(asio::io_context& io, const std::function<bool()>& done) {
  const auto limit = std::chrono::steady_clock::now() + 20s;
  while (!done() && std::chrono::steady_clock::now() < limit) {
    io.restart();
    io.run_for(10ms);
  }
  return done();
}

ObdOptions fast_options() {
  ObdOptions o;
  o.interface = "can0";
  o.pids = {{0x0D, 100ms}, {0x0C, 100ms}};
  o.discovery_retry_initial = 50ms;
  o.vin_retry_initial = 50ms;
  return o;
}

TEST(ObdSource, PollsTheEcuThroughTheSocketAndPublishesValuesAndTheVin) {
  asio::io_context io;
  SocketpairOpener opener(0);
  std::map<std::string, double> values;
  std::string vin;
  ObdCallbacks callbacks;
  callbacks.on_value = [&](std::string_view name, double value, std::string_view, std::int64_t) {
    values[std::string(name)] = value;
  };
  callbacks.on_vin = [&](const std::string& v) { vin = v; };
  ObdSource source(io, fast_options(), opener, callbacks);
  source.start();
  ASSERT_TRUE(source.link_open());
  EXPECT_EQ(opener.interface_seen, "can0");

  test::EcuSimulator ecu;
  ecu.set_pid(0x0D, {0x3C});        // 60 km/h
  ecu.set_pid(0x0C, {0x1A, 0xF8});  // (256*26+248)/4 = 1726 rpm
  ecu.set_vin("1M8GDM9AXKP042788");
  EcuThread ecu_thread(opener.ecu_fd, ecu);

  ASSERT_TRUE(
      run_until(io, [&] { return values.count("speed") && values.count("rpm") && !vin.empty(); }))
      << "values seen: " << values.size() << ", vin '" << vin << "'";
  EXPECT_EQ(values["speed"], 60.0);
  EXPECT_EQ(values["rpm"], 1726.0);
  EXPECT_EQ(vin, "1M8GDM9AXKP042788");
  EXPECT_GT(source.stats().frames_sent, 3u);
  EXPECT_EQ(ecu.multi_pid_requests, 0);

  bool stopped = false;
  source.async_stop(std::chrono::steady_clock::now() + 1s, [&] { stopped = true; });
  ASSERT_TRUE(run_until(io, [&] { return stopped; }));
  EXPECT_FALSE(source.link_open());
}

TEST(ObdSource, MissingInterfaceIsRetriedUntilItAppears) {
  asio::io_context io;
  SocketpairOpener opener(2);
  ObdSource source(io, fast_options(), opener, {});
  source.start();
  EXPECT_FALSE(source.link_open());
  EXPECT_NE(source.status().find("not open"), std::string::npos);
  ASSERT_TRUE(run_until(io, [&] { return source.link_open(); }));
  EXPECT_EQ(source.stats().open_failures, 2u);
  EXPECT_EQ(source.stats().opens, 1u);
  ::close(opener.ecu_fd);
  bool stopped = false;
  source.async_stop(std::chrono::steady_clock::now() + 1s, [&] { stopped = true; });
  ASSERT_TRUE(run_until(io, [&] { return stopped; }));
}

TEST(ObdSource, MetricsShowDiscoveryUnsupportedPidsTheVinAndAnswers) {
  asio::io_context io;
  SocketpairOpener opener(0);
  std::map<std::string, double> values;
  std::string vin;
  ObdCallbacks callbacks;
  callbacks.on_value = [&](std::string_view name, double value, std::string_view, std::int64_t) {
    values[std::string(name)] = value;
  };
  callbacks.on_vin = [&](const std::string& v) { vin = v; };
  ObdSource source(io, fast_options(), opener, callbacks);
  metrics::MetricRegistry registry;
  registry.add_collector(metrics_collector(source));
  source.start();
  test::EcuSimulator ecu;
  ecu.set_pid(0x0D, {0x3C});  // speed only: rpm (0x0C) is not supported
  ecu.set_vin("1M8GDM9AXKP042788");
  EcuThread ecu_thread(opener.ecu_fd, ecu);
  ASSERT_TRUE(run_until(io, [&] { return values.count("speed") && !vin.empty(); }));

  const std::string text = registry.render();
  EXPECT_NE(text.find("canhose_obd_discovery_done 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_obd_polled_pids 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_obd_unsupported_pids 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_obd_vin_read 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_obd_link_open 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("canhose_obd_answers_total{result=\"positive\"} 0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("canhose_obd_requests_total "), std::string::npos) << text;

  bool stopped = false;
  source.async_stop(std::chrono::steady_clock::now() + 1s, [&] { stopped = true; });
  ASSERT_TRUE(run_until(io, [&] { return stopped; }));
  EXPECT_NE(registry.render().find("canhose_obd_link_open 0\n"), std::string::npos);
}

TEST(ObdSource, LitMilBringsItsStoredDtcsThroughTheSocketAsFieldsAndAMetric) {
  asio::io_context io;
  SocketpairOpener opener(0);
  std::map<std::string, std::int64_t> integers;
  std::map<std::string, std::string> texts;
  ObdCallbacks callbacks;
  callbacks.on_integer = [&](std::string_view name, std::int64_t value, std::int64_t) {
    integers[std::string(name)] = value;
  };
  callbacks.on_text = [&](std::string_view name, const std::string& text, std::int64_t) {
    texts[std::string(name)] = text;
  };
  ObdOptions options = fast_options();
  options.pids = {{0x0D, 100ms}, {0x01, 100ms}};
  options.vin_read = false;
  ObdSource source(io, options, opener, callbacks);
  metrics::MetricRegistry registry;
  registry.add_collector(metrics_collector(source));
  source.start();
  test::EcuSimulator ecu;
  ecu.set_pid(0x0D, {0x3C});
  ecu.set_dtcs({0x0301, 0x0420, 0x4123}, true);  // three codes: a multi-frame answer
  EcuThread ecu_thread(opener.ecu_fd, ecu);
  ASSERT_TRUE(run_until(io, [&] { return texts.count("dtcs") != 0; }));
  EXPECT_EQ(texts["dtcs"], "P0301 P0420 C0123");
  EXPECT_EQ(integers["mil"], 1);
  EXPECT_EQ(integers["dtc_count"], 3);
  const std::string text = registry.render();
  EXPECT_NE(text.find("canhose_obd_dtc_reads_total{result=\"ok\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("canhose_obd_dtc_reads_total{result=\"failed\"} 0\n"), std::string::npos)
      << text;

  bool stopped = false;
  source.async_stop(std::chrono::steady_clock::now() + 1s, [&] { stopped = true; });
  ASSERT_TRUE(run_until(io, [&] { return stopped; }));
  EXPECT_EQ(ecu.dtc_requests, 1);
}

}  // namespace
}  // namespace canhose::obd
