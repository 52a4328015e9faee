#pragma once
// `canhose put [--config FILE] [--stream NAME] [--file F] [--retry-for DURATION]
// [--verbose]`: sends lines from stdin (or F) to canhosed's local ingest endpoint, one
// record per line, in PutRecordBatch calls, for shell scripts. The endpoint is read from
// the configuration (ingest.unix_socket, else ingest.listen; HTTPS when ingest.tls_cert
// is set); the stream is --stream or the first ingest stream.
//
// Records: LineBatcher (the line with its newline; empty lines skipped; at most 1,024,000
// bytes). Calls and retries: IngestBatchSender. Signing: with `ingest.auth: sigv4`, the
// first key of ingest.keys; with `auth: none` a fixed placeholder key, which canhosed does
// not check. stdout stays silent; --verbose prints retries and a summary on stderr.
// Exit 0 only when every record was accepted, i.e. durable in canhosed's queue; other exit
// codes: cli/exit_code.hpp. With no record to send it does not connect.

#include <cstdio>
#include <string>
#include <vector>

namespace canhose::cli {

class PutCommand {
 public:
  // `in` is read when there is no --file (or --file -).
  PutCommand(std::FILE* in, std::FILE* err) : in_(in), err_(err) {}
  int run(const std::vector<std::string>& words);

 private:
  int usage(const std::string& what);

  std::FILE* in_;
  std::FILE* err_;
};

}  // namespace canhose::cli
