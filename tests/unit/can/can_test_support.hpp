#pragma once
// Helpers for the CAN tests: socketpairs that carry kernel CAN records, a log capture,
// and running the event loop until something happened.

#include <linux/can.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "asio/asio.hpp"
#include "log/log_sink.hpp"
#include "log/logger.hpp"

namespace canhose::can::test {

// Both ends of a SOCK_SEQPACKET socketpair: `reader` goes to the code under test (which
// takes ownership), the test writes records on `writer` and closes it when done.
struct RecordPipe {
  int reader = -1;
  int writer = -1;

  static RecordPipe make(int type = SOCK_SEQPACKET) {
    int fds[2];
    if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) != 0) {
      return {};
    }
    return {fds[0], fds[1]};
  }
  void close_writer() {
    if (writer >= 0) {
      ::close(writer);
      writer = -1;
    }
  }
};

inline can_frame classic(canid_t id, std::initializer_list<std::uint8_t> bytes) {
  can_frame f{};
  f.can_id = id;
  f.len = static_cast<std::uint8_t>(bytes.size());
  std::size_t i = 0;
  for (std::uint8_t b : bytes) {
    f.data[i++] = b;
  }
  return f;
}

template <class T>
bool send_record(int fd, const T& record) {
  return ::send(fd, &record, sizeof record, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof record);
}

inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Captures log lines while alive; restores the default sink afterwards.
class LogCapture : public log::LogSink {
 public:
  struct Line {
    log::Severity severity;
    std::string component;
    std::string message;
  };
  static std::shared_ptr<LogCapture> install() {
    auto c = std::make_shared<LogCapture>();
    log::logger().set_sink(c);
    log::logger().set_level(log::Severity::debug);
    return c;
  }
  ~LogCapture() override = default;
  void write(const log::LogRecord& r) override {
    std::lock_guard lock(mutex_);
    lines_.push_back({r.severity, std::string(r.component), std::string(r.message)});
  }
  std::size_t count(const std::string& text) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const Line& l : lines_) {
      n += l.message.find(text) != std::string::npos ? 1 : 0;
    }
    return n;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Line> lines_;
};

struct RestoreDefaultLog {
  ~RestoreDefaultLog() { log::use_default_sink(); }
};

}  // namespace canhose::can::test
