#pragma once
// `canhose alerts test [--config FILE] --replay CANDUMP [--interface NAME] [--json]`:
// runs the configuration's alerts.rules over a recorded drive (a candump -l log) at full
// speed, through the same frame path as canhosed (the DBC decoder of sources.can.dbc_file,
// <interface>.bus_state from error frames), on the log's own timestamps, and prints every
// event and alert the rules would have raised, then a summary per rule. So a fleet
// engineer can tune thresholds at a desk: the daemon replaying the same log raises the
// same alerts at the same data times.
//
// --json prints one JSON object per line, the records canhosed puts into alerts.stream
// ({"type":"event"|"alert","rule":...,"time":...}), and the summary on stderr.
// --interface delivers every frame as coming from NAME (as sources.replay.interface_name).
// Nothing is sent anywhere. Exit codes: 0 done (whether or not anything was raised), 2 bad
// arguments, a configuration with mistakes or without rules, an unreadable log or DBC.

#include <cstdio>
#include <string>
#include <vector>

namespace canhose::cli {

class AlertsCommand {
 public:
  AlertsCommand(std::FILE* out, std::FILE* err) : out_(out), err_(err) {}
  int run(const std::vector<std::string>& words);

 private:
  int test(const std::vector<std::string>& words);
  int usage(const std::string& what);

  std::FILE* out_;
  std::FILE* err_;
};

}  // namespace canhose::cli
