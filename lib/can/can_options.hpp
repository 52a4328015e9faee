#pragma once
// Options of the SocketCAN source (YAML: sources.can.*). Defaults are what a fleet box
// needs without tuning; the ranges are checked by validate().

#include <cstdint>
#include <string>
#include <vector>

#include "base/units.hpp"
#include "can/can_filter.hpp"

namespace canhose::base {
class MappingReader;
}  // namespace canhose::base

namespace canhose::can {

struct CanInterfaceOptions {
  std::string name;  // sources.can.interfaces[].name, e.g. "can0" (required, <= 15 chars)
  bool fd = false;   // .fd: also receive CAN FD frames (CAN_RAW_FD_FRAMES)
  // .filters: id/mask strings (syntax in can_filter.hpp); empty = every frame.
  std::vector<CanIdFilter> filters;
  bool error_frames = true;  // .error_frames: ask for error frames (CAN_RAW_ERR_FILTER)
  // .receive_buffer: SO_RCVBUF; 0 = kernel default. A bigger buffer rides out longer
  // event-loop stalls at 8,000 frames/s.
  base::ByteSize receive_buffer{0};
  // .manage_interface: configure the interface through libsocketcan (needs CAP_NET_ADMIN):
  // bitrate and restart_ms at start, and a restart after bus-off when restart_ms is 0.
  bool manage_interface = false;
  std::uint32_t bitrate = 0;  // .bitrate in bit/s (10000..1000000); 0 = leave as configured
  // .restart_ms: the kernel's automatic restart delay after bus-off; 0 = canhose calls
  // can_do_restart itself, `bus_off_restart_delay` after a bus-off error frame.
  base::Duration restart_ms{100};
  base::Duration bus_off_restart_delay{1000};
};

struct CanSourceOptions {
  bool enabled = false;                         // sources.can.enabled
  std::vector<CanInterfaceOptions> interfaces;  // sources.can.interfaces
  std::size_t read_batch = 32;                  // sources.can.read_batch, 1..1024
  // Reopening after a failure (missing interface, AF_CAN unavailable, socket error):
  // retry_initial doubling up to retry_max.
  base::Duration retry_initial{500};  // sources.can.retry_initial, >= 10ms
  base::Duration retry_max{30000};    // sources.can.retry_max, >= retry_initial
};

// Empty when valid, else one message per problem ("interfaces[1].bitrate: ...").
std::vector<std::string> validate(const CanSourceOptions& options);

// Reads the `sources.can` section of canhose.yaml into `options` (defaults: what it holds); each
// mistake is reported on the reader with its key.
void read_options(base::MappingReader& reader, CanSourceOptions& options);

}  // namespace canhose::can
