// canhose: the operator's command-line tool. The commands live in lib/cli.

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cli/alerts_command.hpp"
#include "cli/exit_code.hpp"
#include "cli/put_command.hpp"
#include "cli/status_command.hpp"
#include "cli/streams_command.hpp"
#include "config/config_check.hpp"
#include "config/config_loader.hpp"
#include "log/logger.hpp"

namespace {

constexpr const char* kUsage =
    "Usage: canhose COMMAND [ARGS]\n"
    "\n"
    "Operator tool for the canhose edge gateway (the service is canhosed).\n"
    "\n"
    "Commands:\n"
    "  check-config [FILE]  check a configuration file (default /etc/canhose/canhose.yaml);\n"
    "                       prints \"ok\" or every mistake with file:line:column, exits 0 or 1\n"
    "  status [--config FILE] [--metrics ADDRESS] [--interval SECONDS] [--json]\n"
    "                       the running canhosed at a glance, read from its metrics endpoint\n"
    "                       (metrics.listen); frame rates are measured over --interval\n"
    "                       (default 1 s; 0: averages since start)\n"
    "  alerts test --replay CANDUMP [--config FILE] [--interface NAME] [--json]\n"
    "                       runs alerts.rules over a recorded drive (candump -l log) at full\n"
    "                       speed and prints the events and alerts canhosed would raise;\n"
    "                       nothing is sent\n"
    "  streams list [--config FILE] [--json]\n"
    "  streams describe NAME [--config FILE] [--json]\n"
    "  streams create NAME --bucket BUCKET --role-arn ROLE_ARN [--prefix PREFIX]\n"
    "                 [--buffer-size MIB] [--buffer-interval SECONDS] [--config FILE] [--json]\n"
    "  streams delete NAME [--yes] [--config FILE] [--json]\n"
    "                       Firehose stream administration with canhosed's credentials,\n"
    "                       region and endpoint; --json prints the service's response\n"
    "\n"
    "Options:\n"
    "  -h, --help           show this help and exit\n"
    "  -V, --version        show the version and exit\n"
    "\n"
    "Exit codes:\n"
    "  0  ok: status is delivering and healthy; a streams call succeeded; put: every record\n"
    "     was accepted\n"
    "  1  status is degraded (listed); AWS refused a streams call; check-config found mistakes;\n"
    "     put: canhosed refused records (unknown stream, queue full for --retry-for, ...) or\n"
    "     a line is over 1,024,000 bytes (the reason and the first line not sent are shown)\n"
    "  2  bad arguments, unusable configuration, metrics.listen (status) or ingest.listen\n"
    "     (put) not set, --file unreadable\n"
    "  3  unreachable: canhosed's metrics endpoint or ingest endpoint (not running?), or\n"
    "     Firehose\n";

int usage_error(const char* what, const char* arg) {
  std::fprintf(stderr, "canhose: %s '%s'\nTry 'canhose --help' for more information.\n", what, arg);
  return canhose::cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace canhose;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return cli::kExitUsage;
  }
  const std::string_view command = argv[1];
  const std::vector<std::string> rest(argv + 2, argv + argc);
  // Only problems reach stderr; the commands print what the operator asked for.
  log::logger().set_level(log::Severity::warning);
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kUsage, stdout);
    return cli::kExitOk;
  }
  if (command == "-V" || command == "--version") {
    std::printf("canhose %s\n", CANHOSE_VERSION);
    return cli::kExitOk;
  }
  if (command == "check-config") {
    if (argc > 3) {
      return usage_error("check-config takes one file, got an extra argument", argv[3]);
    }
    const char* path = argc == 3 ? argv[2] : config::kDefaultConfigPath;
    return config::check_config_file(path, stdout, stderr);
  }
  if (command == "status") {
    return cli::StatusCommand(stdout, stderr).run(rest);
  }
  if (command == "put") {
    return cli::PutCommand(stdin, stderr).run(rest);
  }
  if (command == "alerts") {
    return cli::AlertsCommand(stdout, stderr).run(rest);
  }
  if (command == "streams") {
    return cli::StreamsCommand(stdin, stdout, stderr).run(rest);
  }
  return usage_error("unknown command", argv[1]);
}
