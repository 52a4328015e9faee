#include "log/logger.hpp"

#include "log/journal_sink.hpp"
#include "log/stderr_sink.hpp"

namespace canhose::log {
namespace {
constexpr std::uint32_t kDefaultBurst = 10;
constexpr auto kDefaultInterval = std::chrono::seconds(30);
constexpr char kSeparator = '\x1f';
}  // namespace

Logger::Logger()
    : level_(static_cast<int>(Severity::info)),
      sink_(std::make_shared<StderrSink>()),
      limiter_(kDefaultBurst, kDefaultInterval),
      now_(&std::chrono::steady_clock::now) {}

void Logger::set_sink(std::shared_ptr<LogSink> sink) {
  std::lock_guard lock(mutex_);
  sink_ = std::move(sink);
}

void Logger::set_level(Severity level) {
  level_.store(static_cast<int>(level), std::memory_order_relaxed);
}

Severity Logger::level() const {
  return static_cast<Severity>(level_.load(std::memory_order_relaxed));
}

void Logger::set_rate_limit(std::uint32_t burst, std::chrono::steady_clock::duration interval) {
  std::lock_guard lock(mutex_);
  limiter_.reconfigure(burst, interval);
}

void Logger::set_clock(SteadyNow now) {
  std::lock_guard lock(mutex_);
  now_ = now != nullptr ? now : &std::chrono::steady_clock::now;
}

void Logger::emit_locked(Severity s, std::string_view component, std::string_view message,
                         std::span<const LogField> fields) {
  sink_->write(LogRecord{s, component, message, std::chrono::system_clock::now(), fields});
}

// A rate-limit key: the severity, the component, a separator, the message.
void Logger::write(Severity s, std::string_view component, std::string_view message) {
  write(s, component, message, {});
}

void Logger::write(Severity s, std::string_view component, std::string_view message,
                   std::span<const LogField> fields) {
  if (!enabled(s)) {
    return;
  }
  std::string key;
  key.reserve(1 + component.size() + 1 + message.size());
  key.push_back(static_cast<char>('0' + static_cast<int>(s)));
  key.append(component).push_back(kSeparator);
  key.append(message);
  std::lock_guard lock(mutex_);
  const RepeatLimiter::Decision d = limiter_.admit(key, now_());
  if (d.suppressed_before > 0) {
    emit_repeats_locked(key, d.suppressed_before);
  }
  if (d.emit) {
    emit_locked(s, component, message, fields);
  }
}

void Logger::emit_repeats_locked(std::string_view key, std::uint64_t suppressed) {
  const auto severity = static_cast<Severity>(key.front() - '0');
  const std::size_t sep = key.find(kSeparator);
  const std::string_view component = key.substr(1, sep - 1);
  const std::string_view message = key.substr(sep + 1);
  emit_locked(severity, component,
              std::string(message) + "; repeated " + std::to_string(suppressed) + " more times");
}

void Logger::flush_suppressed() {
  std::lock_guard lock(mutex_);
  for (const RepeatLimiter::Expired& e : limiter_.expire(now_())) {
    emit_repeats_locked(e.key, e.suppressed);
  }
}

void Logger::flush_all_suppressed() {
  std::lock_guard lock(mutex_);
  for (const RepeatLimiter::Expired& e : limiter_.drain()) {
    emit_repeats_locked(e.key, e.suppressed);
  }
}

Logger& logger() {
  static Logger instance;
  return instance;
}

void use_default_sink() {
  if (stderr_is_journal()) {
    logger().set_sink(std::make_shared<JournalSink>());
  } else {
    logger().set_sink(std::make_shared<StderrSink>());
  }
}

}  // namespace canhose::log
