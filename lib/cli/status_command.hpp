#pragma once
// `canhose status [--config FILE] [--metrics ADDRESS] [--interval SECONDS] [--json]`:
// reads the running canhosed's metrics endpoint (metrics.listen in the configuration, or
// --metrics), twice `interval` apart (default 1 s; 0: once, rates averaged since start),
// and prints a StatusReport. Exit codes: cli/exit_code.hpp.

#include <cstdio>
#include <string>
#include <vector>

namespace canhose::cli {

class StatusCommand {
 public:
  StatusCommand(std::FILE* out, std::FILE* err) : out_(out), err_(err) {}
  int run(const std::vector<std::string>& words);

 private:
  int usage(const std::string& what);

  std::FILE* out_;
  std::FILE* err_;
};

}  // namespace canhose::cli
