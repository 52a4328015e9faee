// The lifecycle in-process: components start in order and stop in reverse order, a
// component that never finishes cannot hold the process beyond the grace period, and a
// start-up failure stops what was started and exits 1.

#include "service/daemon.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

namespace canhose::service {
namespace {

using namespace std::chrono_literals;

// A component that records what happens to it; how it stops is the knob.
class RecordingComponent : public lifecycle::Component {
 public:
  enum class StopBehaviour { at_once, after_delay, never };

  RecordingComponent(asio::io_context& io, std::string name, std::vector<std::string>& journal,
                     StopBehaviour behaviour = StopBehaviour::at_once, bool fail_start = false)
      : io_(io),
        name_(std::move(name)),
        journal_(journal),
        behaviour_(behaviour),
        fail_start_(fail_start),
        timer_(io) {}

  std::string_view name() const override { return name_; }
  void start() override {
    if (fail_start_) {
      throw std::runtime_error("state directory is not writable");
    }
    journal_.push_back("start " + name_);
  }
  void async_stop(std::chrono::steady_clock::time_point, std::function<void()> done) override {
    journal_.push_back("stop " + name_);
    switch (behaviour_) {
      case StopBehaviour::at_once:
        done();
        break;
      case StopBehaviour::after_delay:
        timer_.expires_after(50ms);
        timer_.async_wait([this, done](const boost::system::error_code&) {
          journal_.push_back("stopped " + name_);
          done();
        });
        break;
      case StopBehaviour::never:
        break;
    }
  }
  std::string status() const override { return name_ + " ok"; }

 private:
  asio::io_context& io_;
  std::string name_;
  std::vector<std::string>& journal_;
  StopBehaviour behaviour_;
  bool fail_start_;
  asio::steady_timer timer_;
};

config::Config quick_config(std::chrono::milliseconds grace) {
  config::Config c;
  c.service.shutdown_grace = grace;
  return c;
}

// Sends `signal_number` to this process once the loop has run for a moment.
void signal_soon(asio::io_context& io, asio::steady_timer& timer, int signal_number) {
  timer.expires_after(20ms);
  timer.async_wait([signal_number](const boost::system::error_code&) { ::raise(signal_number); });
  (void)io;
}

TEST(Daemon, StartsInOrderAndStopsInReverseOrderOnSigterm) {
  asio::io_context io;
  std::vector<std::string> journal;
  Daemon daemon(io, "/nonexistent.yaml", quick_config(5s));
  using B = RecordingComponent::StopBehaviour;
  daemon.add(std::make_unique<RecordingComponent>(io, "queue", journal));
  daemon.add(std::make_unique<RecordingComponent>(io, "delivery", journal, B::after_delay));
  daemon.add(std::make_unique<RecordingComponent>(io, "can0", journal));
  asio::steady_timer trigger(io);
  signal_soon(io, trigger, SIGTERM);
  EXPECT_EQ(daemon.run(), 0);
  EXPECT_EQ(journal,
            (std::vector<std::string>{"start queue", "start delivery", "start can0", "stop can0",
                                      "stop delivery", "stopped delivery", "stop queue"}));
}

TEST(Daemon, ComponentThatNeverFinishesIsAbandonedAtTheEndOfTheGracePeriod) {
  asio::io_context io;
  std::vector<std::string> journal;
  Daemon daemon(io, "/nonexistent.yaml", quick_config(300ms));
  daemon.add(std::make_unique<RecordingComponent>(io, "queue", journal));
  daemon.add(std::make_unique<RecordingComponent>(io, "delivery", journal,
                                                  RecordingComponent::StopBehaviour::never));
  asio::steady_timer trigger(io);
  signal_soon(io, trigger, SIGINT);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon.run(), 0);
  // It waited for the grace period (not less): delivery never called done().
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_EQ(journal, (std::vector<std::string>{"start queue", "start delivery", "stop delivery"}));
}

TEST(Daemon, StartFailureStopsWhatStartedAndExitsOne) {
  asio::io_context io;
  std::vector<std::string> journal;
  Daemon daemon(io, "/nonexistent.yaml", quick_config(1s));
  daemon.add(std::make_unique<RecordingComponent>(io, "queue", journal));
  daemon.add(std::make_unique<RecordingComponent>(
      io, "delivery", journal, RecordingComponent::StopBehaviour::at_once, true));
  daemon.add(std::make_unique<RecordingComponent>(io, "can0", journal));
  EXPECT_EQ(daemon.run(), 1);
  EXPECT_EQ(journal, (std::vector<std::string>{"start queue", "stop queue"}));
}

}  // namespace
}  // namespace canhose::service
