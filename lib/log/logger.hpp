#pragma once
// The process-wide logger. Components log through the free functions:
//
//   log::warning("queue", "segment ", n, " ends in a torn record; ", bytes, " bytes dropped");
//
// Arguments are streamed, so a base::Secret cannot be passed (it has no operator<<).
// Messages below the configured level cost one comparison. Identical messages from the
// same component are rate-limited (RepeatLimiter); suppressed repeats are reported as a
// count, with the message's severity, in a line that ends with it:
//
//   record dropped: memory_full; repeated 93250 more times
//
// A component that logs one line per lost record thus has the log count its records.
// Thread-safe: the queue's fsync worker logs too.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>

#include "log/log_sink.hpp"
#include "log/repeat_limiter.hpp"
#include "log/severity.hpp"

namespace canhose::log {

class Logger {
 public:
  Logger();

  void set_sink(std::shared_ptr<LogSink> sink);
  void set_level(Severity level);
  Severity level() const;
  void set_rate_limit(std::uint32_t burst, std::chrono::steady_clock::duration interval);
  // The clock the rate limit's windows are measured with; the steady clock unless a test
  // sets its own (a null function restores the steady clock).
  using SteadyNow = std::chrono::steady_clock::time_point (*)();
  void set_clock(SteadyNow now);

  bool enabled(Severity s) const {
    return static_cast<int>(s) <= level_.load(std::memory_order_relaxed);
  }
  void write(Severity s, std::string_view component, std::string_view message);
  // write() with structured fields for the journal (log_sink.hpp). The rate limit keys on
  // the message alone; a line reporting suppressed repeats carries no fields.
  void write(Severity s, std::string_view component, std::string_view message,
             std::span<const LogField> fields);
  // Reports the suppressed repeats of windows that are over. Call periodically.
  void flush_suppressed();
  // Reports every suppressed repeat, windows still open included: at exit, so that the
  // log says how often each message repeated.
  void flush_all_suppressed();

 private:
  void emit_locked(Severity s, std::string_view component, std::string_view message,
                   std::span<const LogField> fields = {});
  void emit_repeats_locked(std::string_view key, std::uint64_t suppressed);

  std::atomic<int> level_;
  mutable std::mutex mutex_;
  std::shared_ptr<LogSink> sink_;
  RepeatLimiter limiter_;
  SteadyNow now_;
};

Logger& logger();

// Chooses the journal when stderr is connected to it, readable stderr lines otherwise.
void use_default_sink();

template <class... Args>
void write(Severity s, std::string_view component, const Args&... args) {
  Logger& l = logger();
  if (!l.enabled(s)) {
    return;
  }
  std::ostringstream text;
  (text << ... << args);
  l.write(s, component, text.str());
}

template <class... Args>
void debug(std::string_view component, const Args&... args) {
  write(Severity::debug, component, args...);
}
template <class... Args>
void info(std::string_view component, const Args&... args) {
  write(Severity::info, component, args...);
}
template <class... Args>
void notice(std::string_view component, const Args&... args) {
  write(Severity::notice, component, args...);
}
template <class... Args>
void warning(std::string_view component, const Args&... args) {
  write(Severity::warning, component, args...);
}
template <class... Args>
void error(std::string_view component, const Args&... args) {
  write(Severity::error, component, args...);
}
template <class... Args>
void critical(std::string_view component, const Args&... args) {
  write(Severity::critical, component, args...);
}

}  // namespace canhose::log
