#pragma once
// `canhose streams list | describe NAME | create NAME --bucket B --role-arn R [--prefix P]
// [--buffer-size MiB] [--buffer-interval S] | delete NAME [--yes]`, all with
// [--config FILE] [--json]: Firehose stream administration with canhosed's own client,
// credentials, region and endpoint. --json prints the service's response as it came.
// Exit codes: cli/exit_code.hpp.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command_arguments.hpp"
#include "cli/firehose_connection.hpp"

namespace canhose::cli {

class StreamsCommand {
 public:
  // `in` answers the confirmation of `delete` without --yes (only when it is a terminal).
  StreamsCommand(std::FILE* in, std::FILE* out, std::FILE* err) : in_(in), out_(out), err_(err) {}
  int run(const std::vector<std::string>& words);

 private:
  int list(FirehoseConnection& firehose, bool json);
  int describe(FirehoseConnection& firehose, const std::string& name, bool json);
  int create(FirehoseConnection& firehose, const std::string& name, const CommandArguments& args,
             bool json);
  int remove(FirehoseConnection& firehose, const std::string& name, bool yes, bool json);
  // Prints the error and the advice; returns the exit code.
  int fail(const FirehoseConnection& firehose, const FirehoseCallResult& result,
           std::string_view operation, std::string_view stream, std::string_view role_arn = {});
  int usage(const std::string& what);

  std::FILE* in_;
  std::FILE* out_;
  std::FILE* err_;
};

}  // namespace canhose::cli
