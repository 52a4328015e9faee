// canhosed: the canhose service. Parses the command line, loads the configuration and
// hands over to the composition root; everything else lives in the library.

#include <getopt.h>

#include <cstdio>
#include <string>

#include "config/config_check.hpp"
#include "config/config_loader.hpp"
#include "log/logger.hpp"
#include "service/composition_root.hpp"
#include "service/malloc_arenas.hpp"

namespace {

constexpr const char* kUsage =
    "Usage: canhosed [--config FILE]\n"
    "       canhosed --check-config FILE\n"
    "\n"
    "Reads vehicle data (CAN, OBD-II, GPS), keeps it in a durable on-disk queue and\n"
    "delivers it to Amazon Kinesis Data Firehose. Runs in the foreground; meant to be\n"
    "started by systemd (canhose.service).\n"
    "\n"
    "  -c, --config FILE        configuration file (default /etc/canhose/canhose.yaml)\n"
    "      --check-config FILE  check FILE, print \"ok\" or every mistake, exit 0 or 1\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "Signals: SIGTERM/SIGINT stop gracefully, SIGHUP reloads the configuration.\n";

int usage_error(const char* message) {
  std::fprintf(stderr, "canhosed: %s\nTry 'canhosed --help' for more information.\n", message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace canhose;
  service::use_one_malloc_arena();
  enum { kCheckConfig = 1000 };
  static const option kOptions[] = {
      {"config", required_argument, nullptr, 'c'},
      {"check-config", required_argument, nullptr, kCheckConfig},
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {nullptr, 0, nullptr, 0},
  };
  std::string config_path = config::kDefaultConfigPath;
  opterr = 0;
  for (;;) {
    const int opt = getopt_long(argc, argv, ":c:hV", kOptions, nullptr);
    if (opt == -1) {
      break;
    }
    switch (opt) {
      case 'c':
        config_path = optarg;
        break;
      case kCheckConfig:
        return config::check_config_file(optarg, stdout, stderr);
      case 'h':
        std::fputs(kUsage, stdout);
        return 0;
      case 'V':
        std::printf("canhosed %s\n", CANHOSE_VERSION);
        return 0;
      case ':':
        return usage_error(
            (std::string("option '") + argv[optind - 1] + "' needs a value").c_str());
      default:
        return usage_error((std::string("unknown option '") + argv[optind - 1] + "'").c_str());
    }
  }
  if (optind < argc) {
    return usage_error((std::string("unexpected argument '") + argv[optind] + "'").c_str());
  }

  log::use_default_sink();
  config::LoadResult loaded = config::load_config_file(config_path);
  if (!loaded.ok()) {
    log::critical("canhosed", "cannot start: ", config_path, " has ", loaded.errors.size(),
                  loaded.errors.size() == 1 ? " mistake" : " mistakes");
    for (const base::ConfigError& e : loaded.errors) {
      log::critical("canhosed", e.to_string());
    }
    return 1;
  }

  return service::run_service(config_path, std::move(loaded.config));
}
