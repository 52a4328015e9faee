#pragma once

#include <cstdio>

#include "log/log_sink.hpp"

namespace canhose::log {

// Readable lines for a terminal or a plain log file:
//   2026-11-25T18:00:00.123Z warning queue: segment 12 ends in a torn record
class StderrSink final : public LogSink {
 public:
  explicit StderrSink(std::FILE* out = stderr) : out_(out) {}
  void write(const LogRecord& record) override;

 private:
  std::FILE* out_;
};

}  // namespace canhose::log
