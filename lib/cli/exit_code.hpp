#pragma once
// The exit codes of `canhose` commands (documented in `canhose --help` and docs/cli.md).

namespace canhose::cli {

enum ExitCode : int {
  kExitOk = 0,           // status: delivering and healthy; streams: the call succeeded;
                         // put: every record was accepted (durable in canhosed's queue)
  kExitDegraded = 1,     // status: degraded (see its list); streams: AWS refused the call;
                         // check-config: the file has mistakes; put: canhosed refused
                         // records (unknown stream, bad signature, queue full for longer
                         // than --retry-for) or a line is too long
  kExitUsage = 2,        // bad arguments, unreadable configuration, metrics.listen not set
                         // (status), ingest.listen not set or --file unreadable (put)
  kExitUnreachable = 3,  // status: the daemon's metrics endpoint does not answer;
                         // streams: Firehose cannot be reached (network, TLS, timeout);
                         // put: the ingest endpoint cannot be reached (not running, socket
                         // mode, TLS certificate, timeout)
};

}  // namespace canhose::cli
