#include "can/can_options.hpp"

#include <net/if.h>

namespace canhose::can {

std::vector<std::string> validate(const CanSourceOptions& o) {
  std::vector<std::string> problems;
  if (o.read_batch < 1 || o.read_batch > 1024) {
    problems.push_back("read_batch: expected 1..1024, found " + std::to_string(o.read_batch));
  }
  if (o.retry_initial < config::Duration(10)) {
    problems.push_back("retry_initial: expected at least 10ms");
  }
  if (o.retry_max < o.retry_initial) {
    problems.push_back("retry_max: expected at least retry_initial");
  }
  if (o.enabled && o.interfaces.empty()) {
    problems.push_back("interfaces: expected at least one interface when enabled");
  }
  for (std::size_t i = 0; i < o.interfaces.size(); ++i) {
    const CanInterfaceOptions& c = o.interfaces[i];
    const std::string where = "interfaces[" + std::to_string(i) + "].";
    if (c.name.empty() || c.name.size() >= IFNAMSIZ) {
      problems.push_back(where + "name: expected 1.." + std::to_string(IFNAMSIZ - 1) +
                         " characters");
    }
    if (c.bitrate != 0 && (c.bitrate < 10000 || c.bitrate > 1000000)) {
      problems.push_back(where + "bitrate: expected 10000..1000000 bit/s or 0, found " +
                         std::to_string(c.bitrate));
    }
    if (c.filters.size() > 512) {
      problems.push_back(where + "filters: at most 512 filters (CAN_RAW_FILTER_MAX)");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (o.interfaces[j].name == c.name) {
        problems.push_back(where + "name: \"" + c.name + "\" is listed twice");
      }
    }
  }
  return problems;
}

}  // namespace canhose::can
