// The HTTPS client's keys of canhose.yaml (delivery.ca_file, proxy, no_proxy, timeouts, pool).
#include "https/https_transport_options.hpp"

#include "base/mapping_reader.hpp"
#include "https/proxy_settings.hpp"

namespace canhose::https {

using namespace std::chrono_literals;
using base::between;
using base::Duration;
using base::MappingReader;

void read_options(MappingReader& r, HttpsTransportOptions& c) {
  r.value("ca_file", c.tls.ca_file);
  r.value("proxy", c.proxy);
  r.value("no_proxy", c.no_proxy);
  if (!c.proxy.empty()) {
    // The parser the HTTPS client uses at start-up: check-config refuses exactly what the
    // daemon would refuse. (An empty proxy means HTTPS_PROXY from the daemon's own
    // environment, which a check run elsewhere cannot see.)
    std::string error;
    if (!ProxySettings::from_options(c.proxy, c.no_proxy, error)) {
      r.error(error.starts_with("NO_PROXY") ? "no_proxy" : "proxy", error);
    }
  }
  r.section("timeouts", [&](MappingReader& t) {
    t.value("resolve", c.timeouts.resolve, between<Duration>(100ms, 5min));
    t.value("connect", c.timeouts.connect, between<Duration>(100ms, 5min));
    t.value("handshake", c.timeouts.handshake, between<Duration>(100ms, 5min));
    t.value("request", c.timeouts.request, between<Duration>(1s, 10min));
  });
  std::uint32_t pool = static_cast<std::uint32_t>(c.pool_size);
  r.value("pool_size", pool, between<std::uint32_t>(0, 16));
  c.pool_size = pool;
  r.value("idle_timeout", c.idle_timeout, between<Duration>(1s, 10min));
}

}  // namespace canhose::https
