// The `sources.gps` section of canhose.yaml.
#include "gps/gpsd_options.hpp"

#include "base/mapping_reader.hpp"

namespace canhose::gps {

using namespace std::chrono_literals;
using base::between;
using base::Duration;
using base::MappingReader;

void read_options(MappingReader& r, GpsdOptions& c) {
  r.value("enabled", c.enabled);
  r.value("host", c.host);
  std::uint32_t port = c.port;
  r.value("port", port, between<std::uint32_t>(1, 65535));
  c.port = static_cast<std::uint16_t>(port);
  r.value("device", c.device);
  r.value("max_fix_age", c.max_fix_age, between<Duration>(100ms, 1h));
  r.value("reconnect_min", c.reconnect_min, between<Duration>(10ms, 1h));
  r.value("reconnect_max", c.reconnect_max, between<Duration>(10ms, 1h));
}

}  // namespace canhose::gps
