#include "log/journal_sink.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/uio.h>
#include <systemd/sd-journal.h>

namespace canhose::log {

std::vector<std::string> journal_entry(const LogRecord& record) {
  std::vector<std::string> entry;
  entry.reserve(4 + record.fields.size());
  entry.push_back("MESSAGE=" + std::string(record.message));
  entry.push_back("PRIORITY=" + std::to_string(static_cast<int>(record.severity)));
  entry.push_back("SYSLOG_IDENTIFIER=canhosed");
  entry.push_back("CANHOSE_COMPONENT=" + std::string(record.component));
  for (const LogField& f : record.fields) {
    entry.push_back("CANHOSE_" + std::string(f.name) + "=" + std::string(f.value));
  }
  return entry;
}

void JournalSink::write(const LogRecord& record) {
  const std::vector<std::string> entry = journal_entry(record);
  std::vector<iovec> parts;
  parts.reserve(entry.size());
  for (const std::string& e : entry) {
    parts.push_back(iovec{const_cast<char*>(e.data()), e.size()});
  }
  const int rc = sd_journal_sendv(parts.data(), static_cast<int>(parts.size()));
  if (rc < 0) {
    std::fprintf(stderr, "<%d>%.*s: %.*s\n", static_cast<int>(record.severity),
                 static_cast<int>(record.component.size()), record.component.data(),
                 static_cast<int>(record.message.size()), record.message.data());
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
