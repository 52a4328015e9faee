#pragma once
// The ObdPoller tests' fixture: a poller on a SimulatedCanBus (real asio timers) with an
// engine ECU on 0x7E8, everything it publishes and logs captured. Time: periods and
// timeouts are set short and run_until() only guards against a hang; no test asserts how
// long something took.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "log/logger.hpp"
#include "log/stderr_sink.hpp"
#include "obd/obd_poller.hpp"
#include "support/ecu_simulator.hpp"
#include "support/simulated_can_bus.hpp"

namespace canhose::obd::test_support {

using namespace std::chrono_literals;
using test::EcuSimulator;

class CapturingSink : public log::LogSink {
 public:
  void write(const log::LogRecord& r) override {
    lines.push_back({r.severity, std::string(r.message)});
  }
  struct Line {
    log::Severity severity;
    std::string message;
  };
  std::vector<Line> lines;
};

struct Published {
  std::string name;
  double value;
  std::string unit;
  std::int64_t timestamp_ns;
};

// An integer ("mil", "dtc_count") or text ("dtcs") field, in publishing order.
struct PublishedField {
  std::string name;
  std::int64_t integer = 0;
  std::string text;
};

class ObdPollerTest : public ::testing::Test {
 protected:
  ObdPollerTest() {
    engine.set_pid(0x05, {0x7B});        // coolant 83 degC
    engine.set_pid(0x0C, {0x1A, 0xF8});  // 1726 rpm
    engine.set_pid(0x0D, {0x3C});        // 60 km/h
    engine.set_pid(0x10, {0x03, 0xE8});  // MAF 10 g/s
    engine.set_pid(0x5E, {0x00, 0x3C});  // fuel rate 3 L/h
    sink = std::make_shared<CapturingSink>();
    log::logger().set_sink(sink);
    log::logger().set_level(log::Severity::debug);
    log::logger().set_rate_limit(1000, std::chrono::hours(1));
  }
  ~ObdPollerTest() override {
    poller.reset();
    log::logger().set_sink(std::make_shared<log::StderrSink>());
    log::logger().set_level(log::Severity::info);
    log::logger().set_rate_limit(10, std::chrono::seconds(30));
  }

 public:
  static ObdOptions fast_options(std::vector<PidPoll> pids) {
    ObdOptions o;
    o.enabled = true;
    o.pids = std::move(pids);
    o.response_timeout = 80ms;  // generous: sanitizer builds on a busy machine are slow
    o.vin_read = false;
    o.discovery_retry_initial = 20ms;
    o.discovery_retry_max = 80ms;
    return o;
  }

 protected:
  void start(ObdOptions o, std::vector<EcuSimulator*> ecus = {}) {
    if (ecus.empty()) {
      ecus.push_back(&engine);
    }
    for (EcuSimulator* e : ecus) {
      bus.add_ecu(*e);
    }
    ObdCallbacks cb;
    cb.on_value = [this](std::string_view name, double value, std::string_view unit,
                         std::int64_t ts) {
      values.push_back({std::string(name), value, std::string(unit), ts});
    };
    cb.on_vin = [this](const std::string& vin) { vins.push_back(vin); };
    cb.on_integer = [this](std::string_view name, std::int64_t value, std::int64_t) {
      fields.push_back({std::string(name), value, {}});
    };
    cb.on_text = [this](std::string_view name, const std::string& text, std::int64_t) {
      fields.push_back({std::string(name), 0, text});
    };
    poller = std::make_unique<ObdPoller>(io, std::move(o), bus.tester_sender(), std::move(cb));
    bus.set_tester([this](const ObdFrame& f) { poller->on_frame(f); });
    poller->start();
  }

  std::size_t count(const std::string& name) const {
    std::size_t n = 0;
    for (const Published& p : values) {
      n += p.name == name ? 1 : 0;
    }
    for (const PublishedField& f : fields) {
      n += f.name == name ? 1 : 0;
    }
    return n;
  }
  // The integer / text fields called `name`, in publishing order.
  std::vector<std::int64_t> integers(const std::string& name) const {
    std::vector<std::int64_t> out;
    for (const PublishedField& f : fields) {
      if (f.name == name) {
        out.push_back(f.integer);
      }
    }
    return out;
  }
  std::vector<std::string> texts(const std::string& name) const {
    std::vector<std::string> out;
    for (const PublishedField& f : fields) {
      if (f.name == name) {
        out.push_back(f.text);
      }
    }
    return out;
  }
  std::vector<Published> all(const std::string& name) const {
    std::vector<Published> out;
    for (const Published& p : values) {
      if (p.name == name) {
        out.push_back(p);
      }
    }
    return out;
  }
  // Requests [01 mode] (a mode without PID, such as 03) the poller put on 0x7DF.
  std::size_t requests_for_mode(std::uint8_t mode) const {
    std::size_t n = 0;
    for (const auto& e : bus.log) {
      if (e.from_tester && e.frame.id == 0x7DF && e.frame.data[0] == 0x01 &&
          e.frame.data[1] == mode) {
        ++n;
      }
    }
    return n;
  }
  // Requests [02 mode pid] the poller put on 0x7DF.
  std::size_t requests_for(std::uint8_t mode, std::uint8_t pid) const {
    std::size_t n = 0;
    for (const auto& e : bus.log) {
      if (e.from_tester && e.frame.id == 0x7DF && e.frame.data[1] == mode &&
          e.frame.data[2] == pid) {
        ++n;
      }
    }
    return n;
  }
  std::size_t log_lines_containing(const std::string& text) const {
    std::size_t n = 0;
    for (const auto& l : sink->lines) {
      n += l.message.find(text) != std::string::npos ? 1 : 0;
    }
    return n;
  }

  asio::io_context io;
  test::SimulatedCanBus bus{io};
  EcuSimulator engine{0x7E8};
  std::shared_ptr<CapturingSink> sink;
  std::vector<Published> values;
  std::vector<PublishedField> fields;
  std::vector<std::string> vins;
  std::unique_ptr<ObdPoller> poller;
};

}  // namespace canhose::obd::test_support
