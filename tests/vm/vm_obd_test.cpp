// ObdSource on a real CAN_RAW socket (vcan0 in the VM) against canhose_ecu_sim, a
// separate process answering like an engine ECU: values, VIN over multi-frame ISO-TP with
// flow control, and the awkward cases (NRC, slow, silent, two ECUs) as docs/obd.md says.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

#include "can/socketcan_opener.hpp"
#include "obd/obd_source.hpp"
#include "support/child_process.hpp"
#include "support/simulated_can_bus.hpp"
#include "support/temp_dir.hpp"
#include "vm_guest.hpp"

namespace canhose::obd {
namespace {

using namespace std::chrono_literals;
using test::ChildProcess;
using test::guest_program;
using test::run_until;

struct Published {
  std::string name;
  double value = 0;
  std::string unit;
};

// What the simulator said, decoded from its "tx ID B0 B1 ..." lines: single-frame
// positive mode 01 answers per ECU and PID, as the data bytes.
struct SimulatorLog {
  std::map<std::pair<unsigned, unsigned>, std::set<std::vector<unsigned>>> answers;
  std::vector<std::string> negative;  // "7F 01 NRC" frames, as text
  std::string summary;                // the "ecu 7E8 ..." line

  static SimulatorLog parse(const std::string& text) {
    SimulatorLog log;
    for (const std::string& line : test::lines_starting_with(text, "tx ")) {
      std::istringstream in(line.substr(3));
      std::vector<unsigned> bytes;
      unsigned id = 0;
      in >> std::hex >> id;
      unsigned b = 0;
      while (in >> std::hex >> b) {
        bytes.push_back(b);
      }
      if (bytes.size() >= 3 && (bytes[0] >> 4) == 0 && bytes[1] == 0x41) {
        const unsigned length = bytes[0] & 0x0F;
        log.answers[{id, bytes[2]}].insert(
            std::vector<unsigned>(bytes.begin() + 3, bytes.begin() + 1 + length));
      } else if (bytes.size() >= 4 && bytes[1] == 0x7F) {
        log.negative.push_back(line);
      }
    }
    const auto summaries = test::lines_starting_with(text, "ecu 7E8");
    if (!summaries.empty()) {
      log.summary = summaries.front();
    }
    return log;
  }

  // The values a decoder would get from what ECU `id` sent for `pid`.
  std::set<double> values(unsigned id, unsigned pid,
                          double (*decode)(const std::vector<unsigned>&)) const {
    std::set<double> out;
    const auto it = answers.find({id, pid});
    if (it != answers.end()) {
      for (const auto& data : it->second) {
        out.insert(decode(data));
      }
    }
    return out;
  }
};

double decode_a(const std::vector<unsigned>& d) {
  return d.at(0);
}
double decode_rpm(const std::vector<unsigned>& d) {
  return (256.0 * d.at(0) + d.at(1)) / 4.0;
}
double decode_maf(const std::vector<unsigned>& d) {
  return (256.0 * d.at(0) + d.at(1)) / 100.0;
}
double decode_fuel_rate(const std::vector<unsigned>& d) {
  return (256.0 * d.at(0) + d.at(1)) / 20.0;
}

bool contains_close(const std::set<double>& values, double v) {
  for (double x : values) {
    if (std::abs(x - v) < 1e-6 * std::max(1.0, std::abs(x))) {
      return true;
    }
  }
  return false;
}

class VmObd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(test::guest_shell("ip link show vcan0 >/dev/null 2>&1 || ip link add dev vcan0 "
                                "type vcan; ip link set vcan0 up"),
              0);
    options_.enabled = true;
    options_.interface = "vcan0";
    options_.pids = {{0x0D, 200ms}, {0x0C, 200ms}, {0x10, 200ms}, {0x5E, 200ms}, {0x11, 200ms}};
    // Generous for an emulated guest on a loaded machine (the default is 100 ms).
    options_.response_timeout = 300ms;
    options_.discovery_retry_initial = 200ms;
    options_.discovery_retry_max = 1s;
    options_.vin_retry_initial = 500ms;
  }

  void start_simulator(std::vector<std::string> args) {
    const std::string sim = guest_program("canhose_ecu_sim");
    ASSERT_FALSE(sim.empty()) << "canhose_ecu_sim not on PATH";
    args.insert(args.begin(), {"--interface", "vcan0"});
    simulator_ = std::make_unique<ChildProcess>(sim, args, std::map<std::string, std::string>{},
                                                dir_.path());
    ASSERT_TRUE(run_until(
        io_, [&] { return simulator_->stdout_text().find("ready") != std::string::npos; }, 10s))
        << simulator_->stderr_text();
  }

  void start_source() {
    ObdCallbacks callbacks;
    callbacks.on_value = [this](std::string_view name, double value, std::string_view unit,
                                std::int64_t) {
      published_.push_back({std::string(name), value, std::string(unit)});
    };
    callbacks.on_vin = [this](const std::string& vin) { vins_.push_back(vin); };
    callbacks.on_integer = [this](std::string_view name, std::int64_t value, std::int64_t) {
      integers_[std::string(name)].push_back(value);
    };
    callbacks.on_text = [this](std::string_view name, const std::string& text, std::int64_t) {
      texts_[std::string(name)].push_back(text);
    };
    source_ = std::make_unique<ObdSource>(io_, options_, opener_, callbacks);
    source_->start();
  }

  std::size_t count(const std::string& name) const {
    return static_cast<std::size_t>(std::count_if(
        published_.begin(), published_.end(), [&](const Published& p) { return p.name == name; }));
  }

  std::vector<double> values_of(const std::string& name) const {
    std::vector<double> out;
    for (const Published& p : published_) {
      if (p.name == name) {
        out.push_back(p.value);
      }
    }
    return out;
  }

  // Stops the source, then the simulator, and returns what the simulator said.
  SimulatorLog finish() {
    bool stopped = false;
    source_->async_stop(std::chrono::steady_clock::now() + 1s, [&] { stopped = true; });
    run_until(
        io_, [&] { return stopped; }, 2s);
    simulator_->signal(SIGTERM);
    EXPECT_TRUE(simulator_->wait_for(10s));
    const std::string out = simulator_->stdout_text();
    std::cerr << "simulator: " << test::lines_starting_with(out, "ecu ").size() << " ECUs, "
              << test::lines_starting_with(out, "tx ").size() << " frames sent, "
              << test::lines_starting_with(out, "rx ").size() << " heard\n";
    for (const auto& line : test::lines_starting_with(out, "ecu ")) {
      std::cerr << "  " << line << "\n";
    }
    return SimulatorLog::parse(out);
  }

  test::TempDir dir_;
  asio::io_context io_;
  can::SocketCanOpener opener_;
  ObdOptions options_;
  std::unique_ptr<ChildProcess> simulator_;
  std::unique_ptr<ObdSource> source_;
  std::vector<Published> published_;
  std::vector<std::string> vins_;
  std::map<std::string, std::vector<std::int64_t>> integers_;  // mil, dtc_count
  std::map<std::string, std::vector<std::string>> texts_;      // dtcs
};

// Mode 03 requests ("rx 7DF 01 03 ...") the simulator heard in `text`.
std::size_t dtc_requests_in(const std::string& text) {
  return test::lines_starting_with(text, "rx 7DF 01 03 ").size();
}

TEST_F(VmObd, PublishesTheSimulatedValuesCo2AndTheVinOnePidPerRequest) {
  start_simulator({});
  start_source();
  ASSERT_TRUE(run_until(
      io_, [&] { return !vins_.empty() && count("speed") >= 15; }, 60s))
      << "vin " << vins_.size() << ", speeds " << count("speed") << "\n"
      << source_->status();
  const SimulatorLog sim = finish();

  ASSERT_EQ(vins_.size(), 1U);
  EXPECT_EQ(vins_[0], "1G1JC5444R7252367");
  EXPECT_NE(sim.summary.find("multi_pid_requests=0 "), std::string::npos) << sim.summary;
  EXPECT_EQ(sim.summary.find("flow_controls=0 "), std::string::npos) << sim.summary;
  EXPECT_TRUE(sim.negative.empty()) << sim.negative.front();

  const auto speeds = sim.values(0x7E8, 0x0D, decode_a);
  const auto rpms = sim.values(0x7E8, 0x0C, decode_rpm);
  const auto fuel_rates = sim.values(0x7E8, 0x5E, decode_fuel_rate);
  std::set<double> distinct;
  for (double v : values_of("speed")) {
    EXPECT_TRUE(speeds.count(v)) << "speed " << v << " was never sent";
    distinct.insert(v);
  }
  EXPECT_GE(distinct.size(), 2U) << "the simulated speed changes over time";
  for (double v : values_of("rpm")) {
    EXPECT_TRUE(rpms.count(v)) << "rpm " << v << " was never sent";
  }
  // CO2 comes from the fuel rate (PID 0x5E answers): fuel [L/h] * 2310 g/L / 3600.
  std::set<double> expected_co2;
  for (double f : fuel_rates) {
    expected_co2.insert(f * 2310.0 / 3600.0);
  }
  ASSERT_GE(count("co2_g_per_s"), 1U);
  for (double v : values_of("co2_g_per_s")) {
    EXPECT_TRUE(contains_close(expected_co2, v)) << "co2 " << v;
  }
  for (const Published& p : published_) {
    if (p.name == "speed") {
      EXPECT_EQ(p.unit, "km/h");
    }
  }
  EXPECT_EQ(source_->poller().stats().malformed_answers, 0U);
}

TEST_F(VmObd, Co2ComesFromMafWhenTheEcuHasNoFuelRate) {
  start_simulator({"--no-fuel-rate", "--vin", "WVWZZZ1JZXW000001"});
  start_source();
  ASSERT_TRUE(run_until(
      io_, [&] { return count("co2_g_per_s") >= 5 && !vins_.empty(); }, 60s))
      << source_->status();
  // Asked while polling (after stop the poller no longer reports discovery results).
  const std::vector<std::uint8_t> unsupported = source_->poller().unsupported_pids();
  const SimulatorLog sim = finish();
  EXPECT_EQ(vins_.front(), "WVWZZZ1JZXW000001");
  EXPECT_NE(std::find(unsupported.begin(), unsupported.end(), 0x5E), unsupported.end());
  std::set<double> expected;
  for (double maf : sim.values(0x7E8, 0x10, decode_maf)) {
    expected.insert(maf / 14.7 * 2310.0 / 745.0);
  }
  for (double v : values_of("co2_g_per_s")) {
    EXPECT_TRUE(contains_close(expected, v)) << "co2 " << v;
  }
}

TEST_F(VmObd, NegativeAnswerBacksThatPidOffAndOthersKeepFlowing) {
  start_simulator({"--nrc", "0x11:0x22"});  // throttle: conditionsNotCorrect
  start_source();
  ASSERT_TRUE(run_until(
      io_, [&] { return source_->poller().backed_off(0x11) && count("speed") >= 10; }, 60s))
      << source_->status();
  const SimulatorLog sim = finish();
  EXPECT_EQ(count("throttle"), 0U);
  EXPECT_GE(source_->poller().stats().negative_answers, 3U);
  EXPECT_FALSE(sim.negative.empty());
  EXPECT_NE(sim.negative.front().find("7F 01 22"), std::string::npos) << sim.negative.front();
}

TEST_F(VmObd, SlowEcuIsHeardWithinTheConfiguredTimeout) {
  options_.response_timeout = 600ms;
  start_simulator({"--delay-ms", "250"});
  start_source();
  ASSERT_TRUE(run_until(
      io_, [&] { return count("speed") >= 3 && count("rpm") >= 3; }, 90s))
      << source_->status();
  const SimulatorLog sim = finish();
  const auto speeds = sim.values(0x7E8, 0x0D, decode_a);
  const auto rpms = sim.values(0x7E8, 0x0C, decode_rpm);
  // One request outstanding at a time: a slow answer is never taken for another PID.
  for (double v : values_of("speed")) {
    EXPECT_TRUE(speeds.count(v)) << "speed " << v;
  }
  for (double v : values_of("rpm")) {
    EXPECT_TRUE(rpms.count(v)) << "rpm " << v;
  }
}

TEST_F(VmObd, EcuSlowerThanTheResponseTimeoutHasItsLateAnswersCountedNeverMixedUp) {
  // docs/obd.md: answers arriving after their exchange ended are counted as late; one
  // stands in only for a later request of the same PID, so nothing is ever attributed to
  // the wrong PID. Whether discovery succeeds at all is then a matter of timing.
  options_.response_timeout = 100ms;
  start_simulator({"--delay-ms", "400"});
  start_source();
  test::run_for(io_, 6s);
  const ObdPollerStats stats = source_->poller().stats();
  std::cerr << "late ECU: " << stats.timeouts << " timeouts, " << stats.unsolicited_answers
            << " late answers, " << published_.size() << " values, discovery "
            << (source_->poller().discovery_done() ? "done" : "not done") << "\n";
  const SimulatorLog sim = finish();
  EXPECT_GE(stats.timeouts, 2U);
  EXPECT_GE(stats.unsolicited_answers, 1U);
  EXPECT_FALSE(sim.answers.empty()) << "the simulator did answer, late";
  const auto speeds = sim.values(0x7E8, 0x0D, decode_a);
  const auto rpms = sim.values(0x7E8, 0x0C, decode_rpm);
  for (double v : values_of("speed")) {
    EXPECT_TRUE(speeds.count(v)) << "speed " << v;
  }
  for (double v : values_of("rpm")) {
    EXPECT_TRUE(rpms.count(v)) << "rpm " << v;
  }
}

TEST_F(VmObd, SilentEcuIsAskedAgainWithBackoffAndFoundWhenItWakes) {
  start_simulator({"--silent"});
  start_source();
  test::run_for(io_, 3s);
  EXPECT_TRUE(published_.empty());
  EXPECT_FALSE(source_->poller().discovery_done());
  const auto timeouts = source_->poller().stats().timeouts;
  EXPECT_GE(timeouts, 2U);
  // 0.2 s, 0.4 s, 0.8 s, 1 s ...: a handful of requests in 3 s, not one per 100 ms.
  EXPECT_LE(timeouts, 8U);
  simulator_->signal(SIGUSR1);  // ignition on
  ASSERT_TRUE(run_until(
      io_, [&] { return count("speed") >= 2; }, 30s))
      << source_->status();
  finish();
}

TEST_F(VmObd, TwoEcusAnsweringAtOncePublishTheEngineValue) {
  start_simulator({"--ecus", "2"});
  start_source();
  ASSERT_TRUE(run_until(
      io_,
      [&] { return count("speed") >= 10 && source_->poller().answer(0x0D, 0x7E9).has_value(); },
      60s))
      << source_->status();
  const SimulatorLog sim = finish();
  // The transmission (0x7E9) always says 250 km/h; the engine (0x7E8) wins.
  EXPECT_EQ(source_->poller().answer(0x0D, 0x7E9)->value, 250.0);
  const auto engine_speeds = sim.values(0x7E8, 0x0D, decode_a);
  ASSERT_FALSE(sim.values(0x7E9, 0x0D, decode_a).empty());
  for (double v : values_of("speed")) {
    EXPECT_NE(v, 250.0);
    EXPECT_TRUE(engine_speeds.count(v)) << "speed " << v;
  }
  // With both ECUs answering quickly there is nothing late; on a slow machine an answer
  // may come after response_timeout, which is counted, not an error.
  std::cerr << "late answers: " << source_->poller().stats().unsolicited_answers << "\n";
}

TEST_F(VmObd, MilComingOnBringsTheStoredDtcsAndOnlyThenAreTheyAskedFor) {
  options_.pids = {{0x0D, 200ms}, {0x01, 200ms}};
  options_.vin_read = false;
  options_.co2 = false;
  start_simulator({"--dtcs", "P0301,P0420,C0123", "--mil-off"});
  start_source();
  ASSERT_TRUE(run_until(
      io_, [&] { return integers_["mil"].size() >= 3 && count("speed") >= 3; }, 60s))
      << source_->status();
  for (std::int64_t mil : integers_["mil"]) {
    EXPECT_EQ(mil, 0);
  }
  for (const std::string& dtcs : texts_["dtcs"]) {
    EXPECT_EQ(dtcs, "");
  }
  EXPECT_EQ(dtc_requests_in(simulator_->stdout_text()), 0U) << "a healthy car is not asked";

  simulator_->signal(SIGUSR2);  // the MIL comes on with three codes
  ASSERT_TRUE(run_until(
      io_, [&] { return !texts_["dtcs"].empty() && texts_["dtcs"].back() == "P0301 P0420 C0123"; },
      60s))
      << source_->status();
  EXPECT_EQ(integers_["mil"].back(), 1);
  EXPECT_EQ(integers_["dtc_count"].back(), 3);
  const std::string out = simulator_->stdout_text();
  finish();
  // Read once, over multi-frame ISO-TP (43 03 and six code bytes) with our flow control.
  EXPECT_GE(dtc_requests_in(out), 1U);
  EXPECT_NE(out.find("tx 7E8 10 08 43 03 03 01 04 20"), std::string::npos) << out;
  EXPECT_NE(out.find("rx 7E0 30 00 00"), std::string::npos) << out;
  EXPECT_EQ(source_->poller().stats().dtc_read_failures, 0U);
}

}  // namespace
}  // namespace canhose::obd
