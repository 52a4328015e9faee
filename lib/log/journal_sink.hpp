#pragma once

#include <string>
#include <vector>

#include "log/log_sink.hpp"

namespace canhose::log {

// Structured entries straight to journald: PRIORITY (so `journalctl -p warning` works),
// MESSAGE, SYSLOG_IDENTIFIER and CANHOSE_COMPONENT (so `journalctl CANHOSE_COMPONENT=queue`
// works), and each of the record's fields as CANHOSE_<NAME>. If the journal socket cannot be
// reached, falls back to "<N>component: message" lines on stderr, which journald's stream reader
// also turns into priorities.
class JournalSink final : public LogSink {
 public:
  void write(const LogRecord& record) override;
};

// The journal entry's fields ("MESSAGE=...", ...), in the order they are sent.
std::vector<std::string> journal_entry(const LogRecord& record);

// True when stderr is connected to the journal (systemd sets JOURNAL_STREAM to the
// device and inode of that stream; it is inherited by children, so it is compared
// with what stderr really is).
bool stderr_is_journal();

}  // namespace canhose::log
