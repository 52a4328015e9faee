#pragma once

#include <chrono>
#include <string_view>

#include "log/severity.hpp"

namespace canhose::log {

struct LogRecord {
  Severity severity;
  std::string_view component;  // "queue", "delivery", "can0", ...
  std::string_view message;
  std::chrono::system_clock::time_point time;
};

// Where log lines go. Called with the logger's lock held: one write at a time.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(const LogRecord& record) = 0;
};

}  // namespace canhose::log
