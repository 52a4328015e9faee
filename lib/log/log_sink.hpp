#pragma once

#include <chrono>
#include <span>
#include <string_view>

#include "log/severity.hpp"

namespace canhose::log {

// A structured field for the journal: `name` in upper case, letters, digits and '_'
// (journald's rule), sent as CANHOSE_<name>=<value> (`journalctl CANHOSE_RULE=bus_off`).
// Sinks without structure (stderr) ignore fields: the message must say everything.
struct LogField {
  std::string_view name;
  std::string_view value;
};

struct LogRecord {
  Severity severity;
  std::string_view component;  // "queue", "delivery", "can0", ...
  std::string_view message;
  std::chrono::system_clock::time_point time;
  std::span<const LogField> fields = {};
};

// Where log lines go. Called with the logger's lock held: one write at a time.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(const LogRecord& record) = 0;
};

}  // namespace canhose::log
