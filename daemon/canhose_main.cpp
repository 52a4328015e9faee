// canhose: the operator's command-line tool.

#include <cstdio>
#include <cstring>
#include <string_view>

#include "config/config_check.hpp"
#include "config/config_loader.hpp"

namespace {

constexpr const char* kUsage =
    "Usage: canhose COMMAND [ARGS]\n"
    "\n"
    "Operator tool for the canhose edge gateway (the service is canhosed).\n"
    "\n"
    "Commands:\n"
    "  check-config [FILE]  check a configuration file (default /etc/canhose/canhose.yaml);\n"
    "                       prints \"ok\" or every mistake with file:line:column, exits 0 or 1\n"
    "\n"
    "Options:\n"
    "  -h, --help           show this help and exit\n"
    "  -V, --version        show the version and exit\n";

int usage_error(const char* what, const char* arg) {
  std::fprintf(stderr, "canhose: %s '%s'\nTry 'canhose --help' for more information.\n", what, arg);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace canhose;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "-V" || command == "--version") {
    std::printf("canhose %s\n", CANHOSE_VERSION);
    return 0;
  }
  if (command == "check-config") {
    if (argc > 3) {
      return usage_error("check-config takes one file, got an extra argument", argv[3]);
    }
    const char* path = argc == 3 ? argv[2] : config::kDefaultConfigPath;
    return config::check_config_file(path, stdout, stderr);
  }
  return usage_error("unknown command", argv[1]);
}
