#include "log/journal_sink.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <systemd/sd-journal.h>

namespace canhose::log {

void JournalSink::write(const LogRecord& record) {
  const std::string message(record.message);
  const std::string component(record.component);
  const int rc = sd_journal_send("MESSAGE=%s", message.c_str(), "PRIORITY=%i",
                                 static_cast<int>(record.severity), "SYSLOG_IDENTIFIER=canhosed",
                                 "CANHOSE_COMPONENT=%s", component.c_str(), nullptr);
  if (rc < 0) {
    std::fprintf(stderr, "<%d>%s: %s\n", static_cast<int>(record.severity), component.c_str(),
                 message.c_str());
    std::fflush(stderr);
  }
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) {
    return false;
  }
  unsigned long long dev = 0;
  unsigned long long ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) {
    return false;
  }
  struct stat st {};
  if (fstat(2, &st) != 0) {
    return false;
  }
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

}  // namespace canhose::log
