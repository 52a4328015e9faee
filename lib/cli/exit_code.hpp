#pragma once
// The exit codes of `canhose` commands (documented in `canhose --help` and docs/cli.md).

namespace canhose::cli {

enum ExitCode : int {
  kExitOk = 0,           // status: delivering and healthy; streams: the call succeeded
  kExitDegraded = 1,     // status: degraded (see its list); streams: AWS refused the call;
                         // check-config: the file has mistakes
  kExitUsage = 2,        // bad arguments, unreadable configuration, metrics.listen not set
  kExitUnreachable = 3,  // status: the daemon's metrics endpoint does not answer;
                         // streams: Firehose cannot be reached (network, TLS, timeout)
};

}  // namespace canhose::cli
