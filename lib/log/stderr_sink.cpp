#include "log/stderr_sink.hpp"

#include <ctime>
#include <string>

namespace canhose::log {

void StderrSink::write(const LogRecord& record) {
  using namespace std::chrono;
  const auto since_epoch = record.time.time_since_epoch();
  const std::time_t seconds = duration_cast<std::chrono::seconds>(since_epoch).count();
  const auto millis = duration_cast<milliseconds>(since_epoch).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[40];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  const std::string_view severity = to_string(record.severity);
  std::fprintf(out_, "%s.%03dZ %-7.*s %.*s: %.*s\n", stamp, static_cast<int>(millis),
               static_cast<int>(severity.size()), severity.data(),
               static_cast<int>(record.component.size()), record.component.data(),
               static_cast<int>(record.message.size()), record.message.data());
  std::fflush(out_);
}

}  // namespace canhose::log
