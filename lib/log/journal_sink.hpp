#pragma once

#include "log/log_sink.hpp"

namespace canhose::log {

// Structured entries straight to journald: PRIORITY (so `journalctl -p warning` works),
// MESSAGE, SYSLOG_IDENTIFIER and CANHOSE_COMPONENT (so `journalctl CANHOSE_COMPONENT=queue`
// works). If the journal socket cannot be reached, falls back to "<N>component: message"
// lines on stderr, which journald's stream reader also turns into priorities.
class JournalSink final : public LogSink {
 public:
  void write(const LogRecord& record) override;
};

// True when stderr is connected to the journal (systemd sets JOURNAL_STREAM to the
// device and inode of that stream; it is inherited by children, so it is compared
// with what stderr really is).
bool stderr_is_journal();

}  // namespace canhose::log
